// The T-SQL check: every statement the SQL Server store can send (its statements and the migrations' statements),
// written to a JSON file and parsed by Microsoft's own T-SQL parser in the small .NET tool beside this file
// (Program.cs), which also checks that every anchor and cloud-id column declares the one collation. No SQL Server
// runs on the machines that build DirSync: this is what stands between a typo in the SQL and a customer's database.
// The tool is built by `dotnet build` on first use and again whenever its sources change (output in bin/ and obj/,
// both ignored by git). `node test/tsql-check/check.ts` runs the check; test/store/tsql-check.test.ts runs it in CI.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MIGRATIONS } from '../../src/store/migrations/index.ts';
import { ANCHOR_COLLATION } from '../../src/store/migrations/migration.ts';
import { SQL_SERVER_STATEMENTS } from '../../src/store/sqlserver-statements.ts';

const projectDirectory = import.meta.dirname;
const sources = ['TsqlCheck.csproj', 'Program.cs'].map((name) => join(projectDirectory, name));
const executable = join(projectDirectory, 'bin', 'Release', 'net10.0', process.platform === 'win32' ? 'TsqlCheck.exe' : 'TsqlCheck');

/** The columns that hold anchors or cloud ids, by name: they must all declare ANCHOR_COLLATION. */
export const COLLATED_COLUMNS = '^(anchor|.+_anchor|cloud_id)$';

export interface TsqlStatement {
  /** Where the statement comes from, for messages. */
  source: string;
  text: string;
}

export interface TsqlCheckInput {
  collation: string;
  collatedColumns: string;
  statements: TsqlStatement[];
}

/** Every T-SQL statement the SQL Server store can send. */
export function sqlServerStatements(): TsqlStatement[] {
  return [
    ...Object.entries(SQL_SERVER_STATEMENTS).map(([name, text]) => ({ source: `statement ${name}`, text })),
    ...MIGRATIONS.flatMap((migration) =>
      migration.sqlServer.map((text, index) => ({ source: `migration v${migration.version}, statement ${index + 1}`, text })),
    ),
  ];
}

function modifiedAt(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

/** Builds the tool when it is missing or older than its sources; answers how long that took (0: it was built). */
export function ensureTsqlCheckBuilt(): number {
  if (modifiedAt(executable) > Math.max(...sources.map(modifiedAt))) return 0;
  const started = performance.now();
  // Restores Microsoft.SqlServer.TransactSql.ScriptDom from the machine's NuGet source.
  const build = spawnSync('dotnet', ['build', projectDirectory, '-c', 'Release', '--nologo', '-v', 'quiet'], {
    encoding: 'utf8',
    env: { ...process.env, DOTNET_CLI_TELEMETRY_OPTOUT: '1', DOTNET_NOLOGO: '1' },
  });
  if (build.error !== undefined || build.status !== 0) {
    throw new Error(
      `Building the T-SQL check failed (${build.error?.message ?? `dotnet exited ${build.status}`}); check that the .NET 10 SDK is ` +
        `installed and that NuGet can restore Microsoft.SqlServer.TransactSql.ScriptDom.\n${build.stdout ?? ''}${build.stderr ?? ''}`,
    );
  }
  return performance.now() - started;
}

/** Runs the tool on these statements; → its exit status and what it printed. */
export function runTsqlCheck(input: TsqlCheckInput): { status: number; output: string } {
  ensureTsqlCheckBuilt();
  const directory = mkdtempSync(join(tmpdir(), 'dirsync-tsql-'));
  try {
    const file = join(directory, 'statements.json');
    writeFileSync(file, JSON.stringify(input, null, 2));
    const run = spawnSync(executable, [file], { encoding: 'utf8', env: { ...process.env, DOTNET_CLI_TELEMETRY_OPTOUT: '1' } });
    if (run.error) throw run.error;
    return { status: run.status ?? 1, output: `${run.stdout}${run.stderr}` };
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

if (import.meta.main) {
  const { status, output } = runTsqlCheck({ collation: ANCHOR_COLLATION, collatedColumns: COLLATED_COLUMNS, statements: sqlServerStatements() });
  process.stdout.write(output);
  process.exitCode = status;
}
