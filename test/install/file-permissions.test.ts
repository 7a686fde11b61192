import assert from 'node:assert/strict';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DirSyncError } from '../../src/core/errors.ts';
import { assertOwnerOnly } from '../../src/core/file-permissions.ts';

describe('owner-only secret files (src/core/file-permissions)', () => {
  let directory: string;
  let file: string;
  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), 'dirsync-perm-'));
    file = join(directory, 'secret.key');
    await writeFile(file, 'secret');
  });
  afterEach(() => rm(directory, { recursive: true, force: true }));

  for (const mode of [0o600, 0o400, 0o700, 0o000]) {
    it(`accepts mode ${mode.toString(8).padStart(3, '0')} (owner only)`, async () => {
      await chmod(file, mode);
      await assertOwnerOnly(file, 'a key');
    });
  }

  const refused: Array<[number, RegExp]> = [
    [0o644, /can read it/],
    [0o640, /can read it/],
    [0o604, /can read it/],
    [0o620, /can change it/],
    [0o666, /can read and change it/],
    [0o610, /have access to it/],
  ];
  for (const [mode, exposure] of refused) {
    const octal = mode.toString(8);
    it(`refuses mode ${octal}, naming the file, its mode and the chmod that fixes it`, async () => {
      await chmod(file, mode);
      await assert.rejects(assertOwnerOnly(file, 'the key of the stored secrets'), (error: unknown) => {
        assert.ok(error instanceof DirSyncError && error.code === 'Secrets.file-exposed');
        assert.equal(error.target, file);
        assert.ok(
          error.message.startsWith(`refusing to use ${file}: it holds the key of the stored secrets, but its mode is ${octal}, so other accounts`),
          error.message,
        );
        assert.match(error.message, exposure);
        assert.ok(error.recommendedAction.includes(`"chmod 600 ${file}"`), error.recommendedAction);
        return true;
      });
    });
  }

  it('lets a missing file fail as it is (the caller says what is missing)', async () => {
    await assert.rejects(assertOwnerOnly(join(directory, 'absent.key'), 'a key'), { code: 'ENOENT' });
  });
});
