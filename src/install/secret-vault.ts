// Secrets at rest: AES-256-GCM, one sealed file per installation, the key in a separate owner-only key file.
// The vault refuses a key file that others can read: a key anyone can read protects nothing.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmod, readFile, writeFile, rename } from 'node:fs/promises';
import { DirSyncError } from '../core/errors.ts';
import { assertOwnerOnly } from '../core/file-permissions.ts';

export interface StoredSecrets {
  /** Password of the account DirSync reads AD with (the AAD_ service account, or the one supplied). */
  adPassword?: string;
  /** Client secret of the cloud application, when it signs in with a secret. */
  clientSecret?: string;
  /** SQL Server password, for a standalone SQL Server store with SQL authentication. */
  sqlPassword?: string;
  /** The mail server's account, when it wants one for notifications. */
  smtpUser?: string;
  smtpPassword?: string;
  /** The key the notification webhook's requests are signed with, shared with its receiver. */
  webhookSecret?: string;
  /** The AD password of each forest besides the first (forest add), by forest name. */
  forestPasswords?: Record<string, string>;
}

const KEY_BYTES = 32;
const NONCE_BYTES = 12;
const FORMAT = 'dirsync-secrets-v1';

export class SecretVault {
  readonly keyFile: string;
  readonly sealedFile: string;

  constructor(keyFile: string, sealedFile: string) {
    this.keyFile = keyFile;
    this.sealedFile = sealedFile;
  }

  /** Creates the key file (mode 0600) unless it exists. */
  async ensureKey(): Promise<void> {
    try {
      await writeFile(this.keyFile, randomBytes(KEY_BYTES).toString('base64'), { mode: 0o600, flag: 'wx' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }

  async read(): Promise<StoredSecrets> {
    let sealed: string;
    try {
      sealed = await readFile(this.sealedFile, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw error;
    }
    let envelope: { format: string; nonce: string; tag: string; data: string } | undefined;
    try {
      envelope = JSON.parse(sealed) as typeof envelope;
    } catch {
      envelope = undefined;
    }
    if (envelope?.format !== FORMAT) throw secretsUnreadable(`${this.sealedFile} is not a DirSync secrets file`);
    const decipher = createDecipheriv('aes-256-gcm', await this.key(), Buffer.from(envelope.nonce, 'base64'));
    decipher.setAuthTag(Buffer.from(envelope.tag, 'base64'));
    decipher.setAAD(Buffer.from(FORMAT));
    try {
      const plain = Buffer.concat([decipher.update(Buffer.from(envelope.data, 'base64')), decipher.final()]);
      return JSON.parse(plain.toString('utf8')) as StoredSecrets;
    } catch {
      throw secretsUnreadable(
        `the secrets in ${this.sealedFile} cannot be decrypted with the key in ${this.keyFile} ` +
          '(the key was replaced or the file was altered); run configure again to re-enter the credentials',
      );
    }
  }

  /** Replaces the stored secrets (written to a temporary file, then renamed: never half-written). */
  async write(secrets: StoredSecrets): Promise<void> {
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv('aes-256-gcm', await this.key(), nonce);
    cipher.setAAD(Buffer.from(FORMAT));
    const data = Buffer.concat([cipher.update(JSON.stringify(secrets), 'utf8'), cipher.final()]);
    const envelope = { format: FORMAT, nonce: nonce.toString('base64'), tag: cipher.getAuthTag().toString('base64'), data: data.toString('base64') };
    const temporary = `${this.sealedFile}.tmp`;
    await writeFile(temporary, JSON.stringify(envelope), { mode: 0o600 });
    await chmod(temporary, 0o600);
    await rename(temporary, this.sealedFile);
  }

  private async key(): Promise<Buffer> {
    let text: string;
    try {
      await assertOwnerOnly(this.keyFile, 'the key of the stored secrets');
      text = await readFile(this.keyFile, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        throw secretsUnreadable(`the key file ${this.keyFile} is missing; run configure again to re-enter the credentials`);
      }
      throw error;
    }
    const key = Buffer.from(text.trim(), 'base64');
    if (key.length !== KEY_BYTES) throw secretsUnreadable(`the key file ${this.keyFile} is damaged (expected a 256-bit key)`);
    return key;
  }
}

function secretsUnreadable(message: string): DirSyncError {
  return new DirSyncError('Secrets.unreadable', message);
}
