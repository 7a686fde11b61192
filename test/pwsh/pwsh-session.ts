// Helpers for tests that drive the engine-only PowerShell test host (test/pwsh-host) like pwsh.
import { execFile } from 'node:child_process';
import { PowerShell } from 'node-powershell';
import { ensureHostBuilt, pwshLauncher } from '../pwsh-host/run.ts';

/** A PowerShell session in the test host, driven by node-powershell exactly as it drives pwsh. */
export function startPowerShell(options: { env?: NodeJS.ProcessEnv; nonInteractive?: boolean } = {}): PowerShell {
  ensureHostBuilt();
  return new PowerShell({
    executable: pwshLauncher,
    executableOptions: { '-NoProfile': true, ...(options.nonInteractive === true ? { '-NonInteractive': true } : {}) },
    spawnOptions: { env: { ...process.env, ...options.env } },
    invocationTimeout: 60_000,
  });
}

/** Runs the host once as a command (`pwsh <args>`), the way a script or CI would. */
export function runPwsh(args: string[], options: { input?: string } = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const host = ensureHostBuilt();
  return new Promise((resolve, reject) => {
    const child = execFile(host, args, { encoding: 'utf8' }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : undefined;
      if (code === undefined) reject(error);
      else resolve({ code, stdout, stderr });
    });
    child.stdin?.end(options.input ?? '');
  });
}

/** The text of a node-powershell result. */
export function text(result: { raw: string }): string {
  return result.raw.trim();
}
