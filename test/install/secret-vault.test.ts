import assert from 'node:assert/strict';
import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DirSyncError } from '../../src/core/errors.ts';
import { SecretVault } from '../../src/install/secret-vault.ts';

describe('the secret vault', () => {
  let directory: string;
  let vault: SecretVault;
  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), 'dirsync-vault-'));
    vault = new SecretVault(join(directory, 'secret.key'), join(directory, 'secrets.sealed'));
    await vault.ensureKey();
  });
  afterEach(() => rm(directory, { recursive: true, force: true }));

  it('round-trips secrets and never stores them in plain text', async () => {
    const secrets = { adPassword: 'Pässw0rd-AD!unique-1', clientSecret: 'cl1ent~secret.unique-2' };
    await vault.write(secrets);
    assert.deepEqual(await vault.read(), secrets);
    const sealed = await readFile(join(directory, 'secrets.sealed'), 'utf8');
    assert.ok(!sealed.includes('unique-1') && !sealed.includes('unique-2'));
    assert.ok(!sealed.includes(Buffer.from(secrets.adPassword).toString('base64')));
  });

  it('creates the key and the sealed file readable by their owner only', async () => {
    await vault.write({ adPassword: 'x' });
    assert.equal((await stat(join(directory, 'secret.key'))).mode & 0o777, 0o600);
    assert.equal((await stat(join(directory, 'secrets.sealed'))).mode & 0o777, 0o600);
  });

  it('refuses a key file that other accounts can read, and says how to fix it', async () => {
    await vault.write({ adPassword: 'x' });
    await chmod(join(directory, 'secret.key'), 0o644);
    await assert.rejects(
      vault.read(),
      (error: unknown) => error instanceof DirSyncError && /mode is 644/.test(error.message) && /chmod 600/.test(error.recommendedAction),
    );
  });

  it('refuses a key file that its group can change, and names the missing key file', async () => {
    await vault.write({ adPassword: 'x' });
    const keyFile = join(directory, 'secret.key');
    await chmod(keyFile, 0o620);
    await assert.rejects(
      vault.read(),
      (error: unknown) =>
        error instanceof DirSyncError &&
        error.code === 'Secrets.file-exposed' &&
        error.message.includes(`${keyFile}: it holds the key of the stored secrets, but its mode is 620`),
    );
    await rm(keyFile);
    await assert.rejects(
      vault.read(),
      (error: unknown) =>
        error instanceof DirSyncError && error.code === 'Secrets.unreadable' && /key file .*secret\.key is missing/.test(error.message),
    );
  });

  it('detects a tampered sealed file instead of returning garbage', async () => {
    await vault.write({ adPassword: 'original' });
    const file = join(directory, 'secrets.sealed');
    const envelope = JSON.parse(await readFile(file, 'utf8')) as { data: string };
    const data = Buffer.from(envelope.data, 'base64');
    data[0] = data[0]! ^ 0xff;
    envelope.data = data.toString('base64');
    await writeFile(file, JSON.stringify(envelope));
    await assert.rejects(vault.read(), /cannot be decrypted.*run configure again/);
  });

  it('keeps the existing key when ensureKey runs again', async () => {
    await vault.write({ clientSecret: 'kept' });
    await vault.ensureKey();
    assert.deepEqual(await vault.read(), { clientSecret: 'kept' });
  });
});
