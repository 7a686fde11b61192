import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Client } from 'ldapts';
import { loadCertificateAuthority, issueDomainControllerCertificate, type CertificateAuthority } from './certificates.ts';
import { extendSchemaWithExchangeAttributes } from './exchange-schema.ts';
import { seedFabrikam } from './fabrikam.ts';
import { adminPassword, seedFixture, seedBulkUsers } from './fixture.ts';
import { CORP_REALM, FABRIKAM_REALM, type Realm } from './realms.ts';
import { withFileLock } from './file-lock.ts';
import { templatesRoot } from './locations.ts';
import { claimRunDirectory, ownerFileName, removeRunDirectory } from './run-directories.ts';
import { smbConfPath, startSamba, stopSamba } from './samba-process.ts';

const run = promisify(execFile);

/**
 * What a template holds: the first forest's FIXTURE, the second forest's FABRIKAM, or N bulk users (in the first
 * forest's realm, or with `forest: 'fabrikam'` in the second's).
 */
export type DomainVariant = 'fixture' | 'fabrikam' | { bulkUsers: number; forest?: 'fabrikam' };

/** The realm a variant is provisioned as. */
export function realmOfVariant(variant: DomainVariant): Realm {
  const fabrikam = variant === 'fabrikam' || (typeof variant === 'object' && variant.forest === 'fabrikam');
  return fabrikam ? FABRIKAM_REALM : CORP_REALM;
}

/** A provisioned, seeded and stopped domain directory that clones copy. */
export interface Template {
  directory: string;
  /** Where it was built and on which address: clones rewrite these in smb.conf. */
  builtDirectory: string;
  builtIp: string;
  buildSeconds: number;
}

const metadataFileName = 'template.json';
const harnessDirectory = dirname(fileURLToPath(import.meta.url));

function variantName(variant: DomainVariant): string {
  if (typeof variant === 'string') return variant;
  return `${variant.forest === 'fabrikam' ? 'fabrikam-' : ''}bulk-${variant.bulkUsers}`;
}

/** Samba version + harness sources + variant: a change to any of them builds a new template. */
async function templateKey(variant: DomainVariant): Promise<string> {
  const hash = createHash('sha256');
  hash.update((await run('samba', ['-V'])).stdout);
  for (const name of (await readdir(harnessDirectory)).filter((file) => file.endsWith('.ts')).sort()) {
    hash.update(name).update(await readFile(join(harnessDirectory, name)));
  }
  hash.update(JSON.stringify(variant));
  return `${variantName(variant)}-${hash.digest('hex').slice(0, 16)}`;
}

/** Writes the per-domain server certificate (SAN = its IP and host name) and the CA where smb.conf points. */
export async function writeTlsFiles(directory: string, authority: CertificateAuthority, ip: string, hostName: string): Promise<void> {
  const server = await issueDomainControllerCertificate(authority, ip, hostName);
  const tlsDirectory = join(directory, 'tls');
  await mkdir(tlsDirectory, { recursive: true });
  // Samba refuses a key file readable by others.
  await writeFile(join(tlsDirectory, 'key.pem'), server.privateKeyPem, { mode: 0o600 });
  await writeFile(join(tlsDirectory, 'cert.pem'), server.certificatePem);
  await writeFile(join(tlsDirectory, 'ca.pem'), authority.certificatePem);
}

async function provision(directory: string, ip: string, { realm, netbiosName, baseDn }: Realm): Promise<void> {
  for (const sub of ['etc', 'run', 'log']) await mkdir(join(directory, sub), { recursive: true });
  // An empty config keeps samba-tool away from /etc/samba/smb.conf.
  await writeFile(join(directory, 'etc', 'empty.conf'), '');
  await run(
    'samba-tool',
    [
      'domain',
      'provision',
      '-s',
      join(directory, 'etc', 'empty.conf'),
      `--realm=${realm}`,
      `--domain=${netbiosName}`,
      '--server-role=dc',
      '--dns-backend=NONE',
      '--use-rfc2307',
      // A fixed, test-only password (samba-tool takes it no other way without a terminal).
      `--adminpass=${adminPassword}`,
      '--host-name=dc1',
      `--host-ip=${ip}`,
      `--targetdir=${directory}`,
      '--backend-store=mdb',
      `--option=interfaces=${ip}/8`,
      '--option=bind interfaces only=yes',
      '--option=server services=ldap',
      `--option=pid directory=${directory}/run`,
      `--option=ncalrpc dir=${directory}/run/ncalrpc`,
      `--option=winbindd socket directory=${directory}/run/winbindd`,
      `--option=ntp signd socket directory=${directory}/run/ntp_signd`,
      `--option=log file=${directory}/log/log.%m`,
    ],
    { timeout: 180_000 },
  );
  await extendSchemaWithExchangeAttributes(directory, baseDn);
  // samba-tool drops these options, so they go into [global] by hand.
  const globalOptions = [
    'ldap server require strong auth = no',
    'tls enabled = yes',
    `tls keyfile = ${directory}/tls/key.pem`,
    `tls certfile = ${directory}/tls/cert.pem`,
    `tls cafile = ${directory}/tls/ca.pem`,
  ]
    .map((line) => `\t${line}\n`)
    .join('');
  const conf = await readFile(smbConfPath(directory), 'utf8');
  await writeFile(
    smbConfPath(directory),
    conf.replace(/^\[global\]\n/m, (header) => header + globalOptions),
  );
}

async function seed(ip: string, authority: CertificateAuthority, variant: DomainVariant): Promise<void> {
  const client = new Client({ url: `ldaps://${ip}:636`, tlsOptions: { ca: [authority.certificatePem] }, timeout: 120_000 });
  const realm = realmOfVariant(variant);
  try {
    await client.bind(`CN=Administrator,CN=Users,${realm.baseDn}`, adminPassword);
    if (variant === 'fixture') await seedFixture(client);
    else if (variant === 'fabrikam') await seedFabrikam(client);
    else await seedBulkUsers(client, variant.bulkUsers, realm);
  } finally {
    await client.unbind();
  }
}

async function buildTemplate(directory: string, variant: DomainVariant): Promise<void> {
  const started = performance.now();
  const authority = await loadCertificateAuthority();
  const build = await claimRunDirectory();
  try {
    const realm = realmOfVariant(variant);
    await provision(build.directory, build.ip, realm);
    await writeTlsFiles(build.directory, authority, build.ip, realm.hostName);
    const pid = await startSamba(build.directory, build.ip);
    try {
      await seed(build.ip, authority, variant);
    } finally {
      await stopSamba(pid);
    }
    const staging = `${directory}.partial-${process.pid}`;
    await rm(staging, { recursive: true, force: true });
    await run('cp', ['-a', build.directory, staging]);
    // Clones get their own owner, logs and certificate.
    for (const sub of [ownerFileName, 'log', 'tls']) await rm(join(staging, sub), { recursive: true, force: true });
    await mkdir(join(staging, 'log'));
    const template: Template = {
      directory,
      builtDirectory: build.directory,
      builtIp: build.ip,
      buildSeconds: Math.round((performance.now() - started) / 100) / 10,
    };
    // Written last: its presence marks a complete template.
    await writeFile(join(staging, metadataFileName), JSON.stringify(template, null, 2));
    await rename(staging, directory);
  } finally {
    await removeRunDirectory(build.directory);
  }
}

/** Earlier builds of the same variant (older harness sources or Samba) would only fill the disk. */
async function removeOutdatedTemplates(current: string, variant: DomainVariant): Promise<void> {
  const pattern = new RegExp(`^${variantName(variant)}-[0-9a-f]{16}$`);
  for (const name of await readdir(templatesRoot)) {
    const directory = join(templatesRoot, name);
    if (pattern.test(name) && directory !== current) await rm(directory, { recursive: true, force: true });
  }
}

/** The template for `variant`, built on first use (once per machine; concurrent callers wait on a lock). */
export async function ensureTemplate(variant: DomainVariant): Promise<Template> {
  const directory = join(templatesRoot, await templateKey(variant));
  const metadataFile = join(directory, metadataFileName);
  const existing = async () =>
    readFile(metadataFile, 'utf8').then(
      (text) => JSON.parse(text) as Template,
      () => undefined,
    );
  const found = await existing();
  if (found) return found;
  return withFileLock(`${directory}.lock`, async () => {
    const built = await existing();
    if (built) return built;
    await buildTemplate(directory, variant);
    await removeOutdatedTemplates(directory, variant);
    const template = await existing();
    if (!template) throw new Error(`template build left no ${metadataFile}`);
    return template;
  });
}
