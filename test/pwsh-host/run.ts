// The project's pwsh (PowerShell 7.6.9 from the Microsoft.PowerShell.SDK package, see README.md beside
// this file): built by `dotnet build` on first use and again whenever its sources change, then cached in
// bin/. `npm run pwsh -- <pwsh arguments>` starts it; `run.ts --ensure-built` only builds it (CI) and
// prints its path. Tests put its folder on PATH (putPwshOnPath), so `pwsh` is this pwsh for them and
// for node-powershell.
import { spawn, spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';

const projectDirectory = import.meta.dirname;
const sources = ['pwsh.csproj', 'Program.cs'].map((name) => join(projectDirectory, name));
export const pwshExecutable = join(projectDirectory, 'bin', 'Release', 'net10.0', process.platform === 'win32' ? 'pwsh.exe' : 'pwsh');

function modifiedAt(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

function isBuilt(): boolean {
  return modifiedAt(pwshExecutable) > Math.max(...sources.map(modifiedAt));
}

/** Builds pwsh when it is missing or older than its sources; answers its path. */
export function ensurePwshBuilt(): string {
  if (isBuilt()) return pwshExecutable;
  const started = performance.now();
  // Restores Microsoft.PowerShell.SDK 7.6.9 and Pester 5.7.1 from the machine's NuGet source.
  const build = spawnSync('dotnet', ['build', projectDirectory, '-c', 'Release', '--nologo', '-v', 'quiet'], {
    encoding: 'utf8',
    env: { ...process.env, DOTNET_CLI_TELEMETRY_OPTOUT: '1', DOTNET_NOLOGO: '1' },
  });
  if (build.error !== undefined || build.status !== 0) {
    process.stderr.write(build.stdout ?? '');
    process.stderr.write(build.stderr ?? '');
    throw new Error(
      `Building pwsh failed (${build.error?.message ?? `dotnet exited ${build.status}`}); ` +
        'check that the .NET 10 SDK is installed and that NuGet can restore Microsoft.PowerShell.SDK 7.6.9 and Pester 5.7.1.',
    );
  }
  process.stderr.write(`built pwsh (PowerShell 7.6.9) in ${((performance.now() - started) / 1000).toFixed(1)} s: ${pwshExecutable}\n`);
  return pwshExecutable;
}

/** Builds pwsh if needed and puts its folder first on this process's PATH (children inherit it). */
export function putPwshOnPath(): string {
  const folder = dirname(ensurePwshBuilt());
  const path = process.env.PATH ?? '';
  if (path.split(delimiter)[0] !== folder) process.env.PATH = `${folder}${delimiter}${path}`;
  return folder;
}

async function runPwsh(args: string[]): Promise<number> {
  const child = spawn(ensurePwshBuilt(), args, { stdio: 'inherit' });
  // Ctrl+C reaches pwsh through the terminal itself; npm's own signals are passed on.
  process.on('SIGINT', () => {});
  process.on('SIGTERM', () => child.kill('SIGTERM'));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve(code ?? (signal === null ? 1 : 128)));
  });
}

if (import.meta.main) {
  const args = process.argv.slice(2);
  if (args[0] === '--ensure-built') console.log(ensurePwshBuilt());
  else process.exitCode = await runPwsh(args);
}
