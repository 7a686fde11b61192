// A real Active Directory (Samba AD DC) per test suite: cloned from a cached template, on its own loopback address.
import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'ldapts';
import { loadCertificateAuthority, type CertificateAuthority } from './certificates.ts';
import { adminPassword } from './fixture.ts';
import { claimRunDirectory, sweepAbandoned } from './run-directories.ts';
import { smbConfPath, startSamba, stopSamba } from './samba-process.ts';
import { ensureTemplate, realmOfVariant, writeTlsFiles, type DomainVariant, type Template } from './template.ts';

export { FABRIKAM } from './fabrikam.ts';
export { FIXTURE, BULK, bulkOf, type FixtureEntry, type FixtureUser } from './fixture.ts';
export { CORP_REALM, FABRIKAM_REALM, type Realm } from './realms.ts';
export type { DomainVariant } from './template.ts';

const run = promisify(execFile);

export interface TestDomain {
  ip: string;
  ldapsUrl: string;
  ldapUrl: string;
  baseDn: string;
  realm: string;
  netbiosName: string;
  adminDn: string;
  adminUpn: string;
  adminPassword: string;
  /** The test CA that issued the DC's certificate (SAN = ip and dc1.<its DNS domain>). */
  caFile: string;
  caPem: string;
  /** Samba's pid; changes on restart(). */
  pid: number;
  directory: string;
  /** Milliseconds from "clone the template" to "LDAPS accepts". */
  startMs: number;
  /** SIGTERM by pid, wait, then remove the directory. Idempotent. */
  stop(): Promise<void>;
  /** Stops Samba (keeping the directory) and starts it again on the same address. */
  restart(): Promise<void>;
  /** Stops Samba and keeps the directory: the DC is down until startServer(). */
  stopServer(): Promise<void>;
  startServer(): Promise<void>;
}

const scriptDirectory = join(import.meta.dirname, '..');
const runningDomains = new Set<TestDomain>();

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Replaces whole occurrences only: 127.77.1.2 must not match inside 127.77.1.23. */
function replaceWhole(text: string, from: string, to: string): string {
  return text.replace(new RegExp(`${escapeRegExp(from)}(?![\\w.])`, 'g'), to);
}

let preparation: Promise<CertificateAuthority> | undefined;

/** Once per process: system packages present, leftovers of killed runs swept, exit handler armed. */
function prepareOnce(): Promise<CertificateAuthority> {
  preparation ??= (async () => {
    if (process.getuid?.() !== 0) {
      throw new Error('The AD tests start Samba AD DC, which must run as root (it listens on ports 389 and 636): run them as root, as CI does.');
    }
    try {
      await run('bash', [join(scriptDirectory, 'install-system-packages.sh')], { timeout: 600_000 });
    } catch (error) {
      const stderr = (error as { stderr?: string }).stderr?.trim();
      throw new Error(`Samba AD DC is not available for the AD tests: ${stderr || (error as Error).message}`);
    }
    process.once('exit', stopAllNow);
    await sweepAbandoned();
    return loadCertificateAuthority();
  })();
  return preparation;
}

/** Last resort when the process exits with domains still running (a failed before/after hook, Ctrl-C in mocha). */
function stopAllNow(): void {
  for (const domain of runningDomains) {
    try {
      // pid 0 is a domain whose server is stopped: kill(0) would signal our own process group.
      if (domain.pid > 0) process.kill(domain.pid, 'SIGKILL');
    } catch {
      // already gone
    }
    rmSync(domain.directory, { recursive: true, force: true });
  }
  runningDomains.clear();
}

async function cloneTemplate(template: Template, authority: CertificateAuthority, hostName: string): Promise<{ ip: string; directory: string }> {
  const target = await claimRunDirectory();
  await run('cp', ['-a', `${template.directory}/.`, target.directory]);
  const conf = await readFile(smbConfPath(target.directory), 'utf8');
  const rewritten = replaceWhole(replaceWhole(conf, template.builtDirectory, target.directory), template.builtIp, target.ip);
  await writeFile(smbConfPath(target.directory), rewritten);
  await rm(join(target.directory, 'run', 'samba.pid'), { force: true });
  await writeTlsFiles(target.directory, authority, target.ip, hostName);
  return target;
}

/** Starts a fresh domain seeded with FIXTURE (or FABRIKAM, or the bulk users). Stop it in an `after` hook. */
export async function startDomain(options: { variant?: DomainVariant } = {}): Promise<TestDomain> {
  refuseInUnitLane('a Samba AD DC');
  const authority = await prepareOnce();
  const variant = options.variant ?? 'fixture';
  const { baseDn, realm, netbiosName, dnsDomain, hostName } = realmOfVariant(variant);
  const template = await ensureTemplate(variant);
  const started = performance.now();
  const { ip, directory } = await cloneTemplate(template, authority, hostName);
  let stopping: Promise<void> | undefined;
  const domain: TestDomain = {
    ip,
    ldapsUrl: `ldaps://${ip}:636`,
    ldapUrl: `ldap://${ip}:389`,
    baseDn,
    realm,
    netbiosName,
    adminDn: `CN=Administrator,CN=Users,${baseDn}`,
    adminUpn: `Administrator@${dnsDomain}`,
    adminPassword,
    caFile: authority.certificateFile,
    caPem: authority.certificatePem,
    pid: 0,
    directory,
    startMs: 0,
    stop() {
      stopping ??= (async () => {
        await stopSamba(domain.pid);
        await rm(directory, { recursive: true, force: true });
        runningDomains.delete(domain);
      })();
      return stopping;
    },
    async restart() {
      await domain.stopServer();
      await domain.startServer();
    },
    async stopServer() {
      if (stopping) throw new Error(`domain ${ip} was stopped; start a new one`);
      await stopSamba(domain.pid);
      domain.pid = 0;
    },
    async startServer() {
      if (stopping) throw new Error(`domain ${ip} was stopped; start a new one`);
      if (domain.pid === 0) domain.pid = await startSamba(directory, ip);
    },
  };
  runningDomains.add(domain);
  try {
    domain.pid = await startSamba(directory, ip);
  } catch (error) {
    await domain.stop();
    throw error;
  }
  domain.startMs = Math.round(performance.now() - started);
  return domain;
}

/** The unit lane (npm run test:unit) runs no server: a test that starts one belongs in the integration suite. */
export function refuseInUnitLane(what: string): void {
  if (process.env.DIRSYNC_TEST_LANE === 'unit') throw new Error(`The unit lane must not start ${what}: move this test out of .mocharc.unit.json.`);
}

/** An ldapts Client bound as the domain's Administrator over LDAPS, verifying the DC's certificate. */
export async function adminClient(domain: TestDomain): Promise<Client> {
  const client = new Client({ url: domain.ldapsUrl, tlsOptions: { ca: [domain.caPem] }, timeout: 30_000, connectTimeout: 5_000 });
  await client.bind(domain.adminDn, domain.adminPassword);
  return client;
}
