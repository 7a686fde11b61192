// The installation directory: its manifest, configuration, sealed secrets and (embedded) state store.
// Everything in it is created readable by its owner only: the original tells administrators to guard the
// sync server like a domain controller. On Windows that takes an explicit ACL (windows-acl.ts), set when the
// directory is created and checked whenever an installation is opened.
import { randomUUID } from 'node:crypto';
import { readFile, rename, rm, stat, writeFile, chmod, readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import * as z from 'zod';
import { describeIssues } from '../core/validation.ts';
import { DirSyncError } from '../core/errors.ts';
import { PRODUCT_VERSION } from '../version.ts';
import { defaultConfiguration, parseConfiguration, type Configuration } from './configuration.ts';
import { createInstallationDirectory } from './installation-directory.ts';
import { SecretVault } from './secret-vault.ts';
import { aclWidenings, allowedPrincipals, currentAccountSid, readSecurityDescriptor, restrictDirectory, widerAclMessage } from './windows-acl.ts';

const storeSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('sqlite'), file: z.string().min(1) }),
  z.object({
    kind: z.literal('sqlserver'),
    server: z.string().min(1),
    instance: z.string().min(1).nullable(),
    database: z.string().min(1),
    /** SQL authentication user; null for integrated authentication. The password is in the vault. */
    user: z.string().min(1).nullable(),
  }),
]);

const manifestSchema = z.object({
  productVersion: z.string().regex(/^\d+\.\d+\.\d+\.\d+$/),
  store: storeSchema,
  createdAt: z.string(),
  upgradedAt: z.string().nullable(),
  /** Set by install --upgrade: the configuration must be entered again before the next sync. */
  configurationRequired: z.boolean(),
  /** Names this installation in the tenant's active-installation lease; made at install (or on first need, for older ones). */
  installationId: z.string().uuid().optional(),
  /** Windows: the account DirSync runs as (the one that installed it), granted the directory besides SYSTEM and Administrators. */
  windowsAccountSid: z
    .string()
    .regex(/^S-1-\d+(-\d+)+$/)
    .optional(),
});

export type InstallationManifest = z.infer<typeof manifestSchema>;
export type StoreLocation = z.infer<typeof storeSchema>;

export const MANIFEST_FILE = 'installation.json';
export const CONFIGURATION_FILE = 'configuration.json';
const KEY_FILE = 'secret.key';
const SECRETS_FILE = 'secrets.sealed';
export const SQLITE_FILE = 'state.db';

export class Installation {
  readonly path: string;
  readonly vault: SecretVault;
  /** Windows: the directory's ACL, checked once per opening. */
  private aclChecked: Promise<void> | undefined;

  constructor(path: string) {
    this.path = resolve(path);
    this.vault = new SecretVault(join(this.path, KEY_FILE), join(this.path, SECRETS_FILE));
  }

  file(name: string): string {
    return join(this.path, name);
  }

  async exists(): Promise<boolean> {
    return fileExists(this.file(MANIFEST_FILE));
  }

  /** Creates the directory (0700), the manifest, the default configuration and the vault key. */
  async create(store: StoreLocation): Promise<InstallationManifest> {
    if (await this.exists()) {
      throw new DirSyncError('Installation.already-installed', `DirSync is already installed in ${this.path}`, { target: this.path });
    }
    await createInstallationDirectory(this.path);
    await chmod(this.path, 0o700);
    let windowsAccountSid: string | undefined;
    if (process.platform === 'win32') {
      windowsAccountSid = await currentAccountSid();
      await restrictDirectory(this.path, windowsAccountSid);
      // An existing directory keeps explicit entries icacls did not replace: refused before anything secret is written.
      this.aclChecked = this.checkWindowsAcl(windowsAccountSid);
      await this.aclChecked;
    }
    const manifest: InstallationManifest = {
      productVersion: PRODUCT_VERSION,
      installationId: randomUUID(),
      store,
      createdAt: new Date().toISOString(),
      upgradedAt: null,
      configurationRequired: true,
      ...(windowsAccountSid ? { windowsAccountSid } : {}),
    };
    await this.vault.ensureKey();
    // A configuration kept by "uninstall --keep-data" is adopted, like the store next to it.
    if (!(await fileExists(this.file(CONFIGURATION_FILE)))) await this.writeConfiguration(defaultConfiguration());
    await this.writeManifest(manifest);
    return manifest;
  }

  async readManifest(): Promise<InstallationManifest> {
    let text: string;
    try {
      text = await readFile(this.file(MANIFEST_FILE), 'utf8');
    } catch {
      throw new DirSyncError('Installation.not-installed', `DirSync is not installed in ${this.path} (no ${MANIFEST_FILE})`, { target: this.path });
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new DirSyncError('Installation.damaged', `${this.file(MANIFEST_FILE)} is not valid JSON (${(error as Error).message})`, {
        target: this.file(MANIFEST_FILE),
      });
    }
    const result = manifestSchema.safeParse(json);
    if (!result.success) {
      const problems = describeIssues(result.error.issues);
      throw new DirSyncError('Installation.damaged', `${this.file(MANIFEST_FILE)} is not a valid installation manifest: ${problems}`, {
        target: this.file(MANIFEST_FILE),
      });
    }
    if (process.platform === 'win32') {
      // Installed by an earlier version, which recorded no account: the one opening it is taken as the one it runs as.
      this.aclChecked ??= (async () => this.checkWindowsAcl(result.data.windowsAccountSid ?? (await currentAccountSid())))();
      await this.aclChecked;
    }
    return result.data;
  }

  /** This installation's id (given one now if an earlier version installed it), for the tenant's lease. */
  async installationId(): Promise<string> {
    const manifest = await this.readManifest();
    if (manifest.installationId) return manifest.installationId;
    const installationId = randomUUID();
    await this.writeManifest({ ...manifest, installationId });
    return installationId;
  }

  /** Refuses the directory when its ACL lets more than SYSTEM, Administrators and `runAsSid` reach it. */
  private async checkWindowsAcl(runAsSid: string): Promise<void> {
    const problems = aclWidenings(await readSecurityDescriptor(this.path), allowedPrincipals(runAsSid));
    if (problems.length > 0)
      throw new DirSyncError('Installation.insecure-permissions', widerAclMessage(this.path, runAsSid, problems), { target: this.path });
  }

  async writeManifest(manifest: InstallationManifest): Promise<void> {
    await writePrivateFile(this.file(MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
  }

  async readConfiguration(): Promise<Configuration> {
    return parseConfiguration(await readFile(this.file(CONFIGURATION_FILE), 'utf8'), this.file(CONFIGURATION_FILE));
  }

  async writeConfiguration(configuration: Configuration): Promise<void> {
    await writePrivateFile(this.file(CONFIGURATION_FILE), `${JSON.stringify(configuration, null, 2)}\n`);
  }

  /** Removes the installation; with keepData the store, configuration and secrets stay for a later install. */
  async remove(keepData: boolean): Promise<void> {
    if (!keepData) {
      await rm(this.path, { recursive: true, force: true });
      return;
    }
    await rm(this.file(MANIFEST_FILE), { force: true });
  }

  /** The files of the installation (for checks that nothing secret leaked into them). */
  async files(): Promise<string[]> {
    return (await readdir(this.path, { recursive: true })).map((name) => join(this.path, name));
  }
}

async function fileExists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch {
    return false;
  }
}

/** Writes through a temporary file and a rename, so a crash never leaves a half-written file; mode 0600. */
export async function writePrivateFile(file: string, content: string): Promise<void> {
  const temporary = `${file}.tmp`;
  await writeFile(temporary, content, { mode: 0o600 });
  await chmod(temporary, 0o600);
  await rename(temporary, file);
}
