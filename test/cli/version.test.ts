import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { isBuiltin } from 'node:module';
import { promisify } from 'node:util';
import { shippedArtefacts } from '../support/shipped-artefacts.ts';

const run = promisify(execFile);
const executable = shippedArtefacts().bundle;

describe('the bundled executable', () => {
  it('prints the product version in the form 1.0.NNNN.NNNN', async () => {
    const { stdout } = await run(process.execPath, [executable, '--version']);
    const packageJson = JSON.parse(await readFile('package.json', 'utf8')) as { productVersion: string };
    assert.match(stdout.trim(), /^1\.0\.\d{4}\.\d{4}$/);
    assert.equal(stdout.trim(), packageJson.productVersion);
  });

  it('exits 2 with a pointer to --help on an unknown option', async () => {
    await assert.rejects(run(process.execPath, [executable, '--no-such-option']), (error: { code: number; stderr: string }) => {
      assert.equal(error.code, 2);
      assert.match(error.stderr, /unknown option '--no-such-option'/);
      assert.match(error.stderr, /--help/);
      return true;
    });
  });

  it('ends a usage error with --json with the same JSON error object as any other error (exit 2, Parameters.invalid)', async () => {
    for (const [args, message] of [
      [['sync', '--json'], /required option '--path <dir>' not specified/],
      [['sync', '--path', '/nowhere', '--jsno', '--json'], /unknown option '--jsno' \(did you mean --json\?\)/],
      [['sycn', '--json'], /unknown command 'sycn' \(did you mean sync\?\)/],
    ] as const) {
      await assert.rejects(run(process.execPath, [executable, ...args]), (error: { code: number; stdout: string; stderr: string }) => {
        assert.equal(error.code, 2);
        const last = JSON.parse(error.stdout.trim().split('\n').at(-1)!);
        assert.equal(last.error.code, 'Parameters.invalid');
        assert.equal(last.error.category, 'InvalidArgument');
        assert.match(last.error.message, message);
        assert.match(last.error.recommendedAction, /--help/);
        assert.match(error.stderr, /^error \[Parameters\.invalid\]: /m);
        return true;
      });
    }
  });

  it('contains every dependency: only Node built-ins are imported or required', async () => {
    const bundle = await readFile(executable, 'utf8');
    const imports = [...bundle.matchAll(/^import .* from ["']([^"']+)["'];?$/gm)].map((match) => match[1] ?? '');
    // esbuild's __require() of a CommonJS dependency: `require("process/")` is the npm package, not the built-in.
    const requires = [...bundle.matchAll(/__require\("([^"]+)"\)/g)].map((match) => match[1] ?? '');
    assert.ok(imports.length > 0 && requires.length > 0);
    for (const specifier of [...imports, ...requires])
      assert.ok(isBuiltin(specifier), `bundle loads ${specifier} at run time, which is not a Node built-in`);
  });
});
