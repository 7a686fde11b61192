// The project's pwsh (test/pwsh-host) for the mocha tests: on PATH as `pwsh`, so node-powershell drives it
// exactly as it drives an installed PowerShell.
import { execFile } from 'node:child_process';
import { PowerShell } from 'node-powershell';
import { putPwshOnPath } from '../pwsh-host/run.ts';

/** A PowerShell session (node-powershell over `pwsh -NoProfile`). */
export function startPowerShell(options: { env?: NodeJS.ProcessEnv } = {}): PowerShell {
  putPwshOnPath();
  return new PowerShell({
    executableOptions: { '-NoProfile': true },
    // TERM=dumb: the console host then writes no terminal mode sequences around each command's output.
    spawnOptions: { env: { ...process.env, TERM: 'dumb', ...options.env } },
    invocationTimeout: 60_000,
  });
}

/** Runs pwsh once as a command (`pwsh <args>`), the way a script or CI would. */
export function runPwsh(
  args: string[],
  options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  putPwshOnPath();
  return new Promise((resolve, reject) => {
    const child = execFile(
      'pwsh',
      args,
      { encoding: 'utf8', env: { ...process.env, ...options.env }, maxBuffer: 64 * 1024 * 1024, timeout: options.timeoutMs ?? 0 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : undefined;
        if (code === undefined) reject(error);
        else resolve({ code, stdout, stderr });
      },
    );
    child.stdin?.end();
  });
}

/** The text of a node-powershell result. */
export function text(result: { raw: string }): string {
  return result.raw.trim();
}

/** A PowerShell single-quoted string literal. */
export function quote(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}
