// The architecture's import rules (.dependency-cruiser.cjs) hold for the sources, and the check really catches a
// forbidden import: the same rules are run on a copy of src/ with one violation added for each rule.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const repository = resolve(import.meta.dirname, '../..');
const depcruise = join(repository, 'node_modules/.bin/depcruise');

async function cruise(cwd: string): Promise<{ code: number; output: string }> {
  try {
    const { stdout } = await run(depcruise, ['src', '--config', join(repository, '.dependency-cruiser.cjs'), '--output-type', 'err'], { cwd });
    return { code: 0, output: stdout };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, output: `${failed.stdout}${failed.stderr}` };
  }
}

describe('architecture: the import rules', function () {
  this.timeout(60_000);

  it('hold for src/', async () => {
    const { code, output } = await cruise(repository);
    assert.equal(code, 0, output);
  });

  for (const [rule, file, source] of [
    ['core-imports-nothing', 'src/core/violation.ts', "import type { ObjectLink } from '../engine/state-store.ts';\nexport type X = ObjectLink;\n"],
    [
      'engine-imports-only-core',
      'src/engine/violation.ts',
      "import type { DirSyncStore } from '../store/store.ts';\nexport type X = DirSyncStore;\n",
    ],
    [
      'adapters-import-inward',
      'src/connectors/entra/violation.ts',
      "import { ExitCode } from '../../use-cases/exit-codes.ts';\nexport const x = ExitCode.success;\n",
    ],
    [
      'wiring-serves-the-use-cases',
      'src/wiring/violation.ts',
      "import { ExitCode } from '../use-cases/exit-codes.ts';\nexport const x = ExitCode.success;\n",
    ],
    ['use-cases-speak-through-connectors', 'src/use-cases/violation.ts', "import { Client } from 'ldapts';\nexport const x = Client;\n"],
    [
      'use-cases-speak-through-connectors',
      'src/use-cases/violation.ts',
      "import { Client } from '@microsoft/microsoft-graph-client';\nexport const x = Client;\n",
    ],
    [
      'readiness-and-reports-are-pure',
      'src/readiness/violation.ts',
      "import { ActiveDirectorySource } from '../connectors/ad/active-directory-source.ts';\nexport const x = ActiveDirectorySource;\n",
    ],
    [
      'nothing-imports-the-cli',
      'src/protocol/violation.ts',
      "import { runForTerminal } from '../cli/run-command.ts';\nexport const x = runForTerminal;\n",
    ],
  ] as const) {
    it(`catch a forbidden import: ${rule}`, async () => {
      const copy = await mkdtemp(join(tmpdir(), 'dirsync-architecture-'));
      try {
        await cp(join(repository, 'src'), join(copy, 'src'), { recursive: true });
        await writeFile(join(copy, file), source);
        const { code, output } = await cruise(copy);
        assert.notEqual(code, 0, 'the violation was not reported');
        assert.match(output, new RegExp(`${rule}: ${file}`));
      } finally {
        await rm(copy, { recursive: true, force: true });
      }
    });
  }
});
