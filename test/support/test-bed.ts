// The test bed of every end-to-end and fault suite: a real Samba domain, the Entra stand-in and one installation,
// driven through the bundled executable as an administrator would. One place builds the install and configure argv.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from 'ldapts';
import { adminClient, startDomain, type TestDomain } from './ad/index.ts';
import { startEntraStandIn, type EntraStandIn } from '../entra-standin/stand-in.ts';
import type { ThrottleOptions } from '../entra-standin/throttle.ts';
import { dirsync, startDirsync, type Artefact, type CliResult } from '../e2e/dirsync-cli.ts';

export interface ConfigureOptions {
  /** The OUs in scope (configure --include-ou). */
  includeOus: string[];
  /**
   * true (the default, as documented): configure creates the least-privileged AAD_ account and AD is read with it.
   * false: --no-service-account, AD is read as the domain's Administrator.
   */
  serviceAccount?: boolean;
  /** DirSync's own pacing, `writes/seconds`; generous by default so unthrottled suites stay quick. */
  writeBudget?: string;
  /** Further configure options, e.g. ['--staging']. */
  extra?: string[];
}

export interface TestBedOptions extends ConfigureOptions {
  /** The stand-in's write budget (off when absent). */
  throttle?: ThrottleOptions;
  /** The tenant's verified domains besides the initial one (the stand-in's default: corp.example.test). */
  verifiedDomains?: string[];
  /** Install and configure before returning (the default); false leaves both to the test. */
  install?: boolean;
  /** The build every command of the bed runs (the shipped bundle by default). */
  artefact?: Artefact;
}

export interface TestBed {
  domain: TestDomain;
  standIn: EntraStandIn;
  /** Bound as the domain's Administrator: for AD changes and for reading what should be in the cloud. */
  admin: Client;
  /** The installation directory. */
  path: string;
  /** A scratch directory removed by stop(), for second installations and files a test writes. */
  work: string;
  /** `configure` argv for an installation (this bed's by default), with the bed's options unless overridden. */
  configureArgs(overrides?: Partial<ConfigureOptions>, path?: string): string[];
  /** What the CLI reads secrets from (never argv). */
  secrets(): Record<string, string>;
  /** `dirsync configure …` with the secrets. */
  configure(overrides?: Partial<ConfigureOptions>, path?: string): Promise<CliResult>;
  /** `dirsync install` then `configure`, both asserted to succeed. */
  installAndConfigure(overrides?: Partial<ConfigureOptions>, path?: string): Promise<void>;
  /** `dirsync sync --path … --json …extra`. */
  sync(...extra: string[]): Promise<CliResult>;
  /** The same, started without waiting (to stop or kill it). */
  startSync(...extra: string[]): ReturnType<typeof startDirsync>;
  /** `dirsync status --path … --json …extra` (the last run unless `extra` says otherwise). */
  status(...extra: string[]): Promise<CliResult>;
  /** A fresh start on both sides of the cloud: an empty tenant (faults and request log cleared) and a new installation. */
  reinstall(overrides?: Partial<ConfigureOptions>): Promise<void>;
  stop(): Promise<void>;
}

export async function startTestBed(options: TestBedOptions): Promise<TestBed> {
  const [domain, standIn] = await Promise.all([
    startDomain(),
    startEntraStandIn({
      ...(options.throttle ? { throttle: options.throttle } : {}),
      ...(options.verifiedDomains ? { verifiedDomains: options.verifiedDomains } : {}),
    }),
  ]);
  const admin = await adminClient(domain);
  const work = await mkdtemp(join(tmpdir(), 'dirsync-bed-'));
  const path = join(work, 'installation');
  const run = options.artefact ? { artefact: options.artefact } : {};
  const secrets = () => ({ DIRSYNC_AD_PASSWORD: domain.adminPassword, DIRSYNC_CLIENT_SECRET: standIn.clientSecret });
  const configureArgs = (overrides: Partial<ConfigureOptions> = {}, target = path) => {
    const settings = { ...options, ...overrides };
    return [
      'configure',
      '--path',
      target,
      '--ad-url',
      domain.ldapsUrl,
      '--ad-user',
      domain.adminDn,
      '--ad-ca-file',
      domain.caFile,
      '--tenant-id',
      standIn.tenantId,
      '--client-id',
      standIn.clientId,
      '--authority-host',
      new URL(standIn.authority).origin,
      '--graph-endpoint',
      standIn.graphEndpoint,
      '--cloud-ca-file',
      standIn.caFile,
      ...settings.includeOus.flatMap((ou) => ['--include-ou', ou]),
      '--write-budget',
      settings.writeBudget ?? '20000/10',
      ...(settings.serviceAccount === false ? ['--no-service-account'] : []),
      ...(settings.extra ?? []),
      '--json',
    ];
  };
  const configure = (overrides?: Partial<ConfigureOptions>, target?: string) => dirsync(configureArgs(overrides, target), { env: secrets(), ...run });
  const bed: TestBed = {
    domain,
    standIn,
    admin,
    path,
    work,
    configureArgs,
    secrets,
    configure,
    async installAndConfigure(overrides, target = path) {
      const installed = await dirsync(['install', '--path', target, '--json'], run);
      assert.equal(installed.code, 0, installed.stderr);
      const configured = await configure(overrides, target);
      assert.equal(configured.code, 0, configured.stderr);
    },
    sync: (...extra) => dirsync(['sync', '--path', path, '--json', ...extra], run),
    startSync: (...extra) => startDirsync(['sync', '--path', path, '--json', ...extra], run),
    status: (...extra) => dirsync(['status', '--path', path, '--json', ...(extra.length > 0 ? extra : ['--last', '1'])], run),
    async reinstall(overrides) {
      standIn.control.reset();
      await rm(path, { recursive: true, force: true });
      await bed.installAndConfigure(overrides);
    },
    async stop() {
      await bed.admin.unbind().catch(() => undefined);
      await Promise.all([domain.stop(), standIn.stop()]);
      await rm(work, { recursive: true, force: true });
    },
  };
  if (options.install === false) return bed;
  try {
    await bed.installAndConfigure();
  } catch (error) {
    await bed.stop();
    throw error;
  }
  return bed;
}

/** sourceAnchor of an AD object: Base64 of its objectGUID. */
export async function anchorOf(client: Client, dn: string): Promise<string> {
  const { searchEntries } = await client.search(dn, { scope: 'base', attributes: ['objectGUID'], explicitBufferAttributes: ['objectGUID'] });
  return (searchEntries[0]!.objectGUID as Buffer).toString('base64');
}
