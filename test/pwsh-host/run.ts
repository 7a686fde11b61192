// `npm run pwsh -- <pwsh arguments>`: runs the engine-only PowerShell test host (a stand-in for pwsh,
// see README.md), building it first when it is missing or older than its sources.
// `run.ts --ensure-built` only builds, then prints the host's path (the `pwsh` launcher uses it).
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const hostDirectory = import.meta.dirname;
export const hostExecutable = join(
  hostDirectory,
  'bin',
  'Release',
  'net10.0',
  process.platform === 'win32' ? 'DirSyncTestHost.exe' : 'DirSyncTestHost',
);
/** An executable file that behaves like pwsh, for node-powershell's `executable` option or NODE_POWERSHELL. */
export const pwshLauncher = join(hostDirectory, 'pwsh');

function modifiedAt(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

function isHostUpToDate(): boolean {
  const sources = readdirSync(hostDirectory).filter((name) => name.endsWith('.cs') || name.endsWith('.csproj'));
  const newestSource = Math.max(...sources.map((name) => modifiedAt(join(hostDirectory, name))));
  return modifiedAt(hostExecutable) > newestSource;
}

export function ensureHostBuilt(): string {
  if (isHostUpToDate()) return hostExecutable;
  // Restores System.Management.Automation from the machine's configured NuGet source.
  const build = spawnSync('dotnet', ['build', hostDirectory, '-c', 'Release', '--nologo', '-v', 'quiet'], {
    encoding: 'utf8',
    env: { ...process.env, DOTNET_CLI_TELEMETRY_OPTOUT: '1', DOTNET_NOLOGO: '1' },
  });
  if (build.error !== undefined || build.status !== 0) {
    process.stderr.write(build.stdout ?? '');
    process.stderr.write(build.stderr ?? '');
    throw new Error(
      `Building the PowerShell test host failed (${build.error?.message ?? `dotnet exited ${build.status}`}); ` +
        'check that the .NET 10 SDK is installed and that NuGet can restore System.Management.Automation.',
    );
  }
  return hostExecutable;
}

async function runHost(args: string[]): Promise<number> {
  const child = spawn(ensureHostBuilt(), args, { stdio: 'inherit' });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve(code ?? (signal === null ? 1 : 128)));
  });
}

if (import.meta.main) {
  const args = process.argv.slice(2);
  if (args[0] === '--ensure-built') console.log(ensureHostBuilt());
  else process.exitCode = await runHost(args);
}
