// The fault suites' test bed: a real Samba domain, the Entra stand-in and one configured installation, driven
// through the bundled executable as an administrator would; plus the convergence check every fault ends with.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { EqualityFilter, type Client } from 'ldapts';
import { adminClient, startDomain, type TestDomain } from '../support/ad/index.ts';
import { startEntraStandIn, type EntraStandIn } from '../entra-standin/stand-in.ts';
import type { ThrottleOptions } from '../entra-standin/throttle.ts';
import { dirsync, startDirsync, type CliResult } from '../e2e/dirsync-cli.ts';

export interface FaultBedOptions {
  includeOus: string[];
  /** The stand-in's write budget (off when absent). */
  throttle?: ThrottleOptions;
  /** DirSync's own pacing, `writes/seconds`; generous by default so unthrottled suites stay quick. */
  writeBudget?: string;
}

export interface FaultBed {
  domain: TestDomain;
  standIn: EntraStandIn;
  /** Bound as the domain's Administrator: for AD changes and for reading what should be in the cloud. */
  admin: Client;
  /** The installation directory. */
  path: string;
  configureArgs: string[];
  /** What the CLI reads secrets from (never argv). */
  secrets(): Record<string, string>;
  /** `dirsync sync --path … --json …extra`. */
  sync(...extra: string[]): Promise<CliResult>;
  /** The same, started without waiting (to kill it). */
  startSync(...extra: string[]): ReturnType<typeof startDirsync>;
  /** A fresh start on both sides of the cloud: an empty tenant (faults and request log cleared) and a new installation. */
  reinstall(): Promise<void>;
  stop(): Promise<void>;
}

export async function startFaultBed(options: FaultBedOptions): Promise<FaultBed> {
  const [domain, standIn] = await Promise.all([startDomain(), startEntraStandIn(options.throttle ? { throttle: options.throttle } : {})]);
  const admin = await adminClient(domain);
  const work = await mkdtemp(join(tmpdir(), 'dirsync-faults-'));
  const path = join(work, 'installation');
  const configureArgs = [
    'configure', '--path', path, '--ad-url', domain.ldapsUrl, '--ad-user', domain.adminDn, '--ad-ca-file', domain.caFile,
    '--tenant-id', standIn.tenantId, '--client-id', standIn.clientId, '--authority-host', new URL(standIn.authority).origin,
    '--graph-endpoint', standIn.graphEndpoint, '--cloud-ca-file', standIn.caFile,
    ...options.includeOus.flatMap((ou) => ['--include-ou', ou]),
    '--write-budget', options.writeBudget ?? '20000/10',
    // Reads AD as the administrator: Samba's DirSync withholds tombstones from any other account.
    '--no-service-account', '--json',
  ];
  const secrets = () => ({ DIRSYNC_AD_PASSWORD: domain.adminPassword, DIRSYNC_CLIENT_SECRET: standIn.clientSecret });
  const bed: FaultBed = {
    domain, standIn, admin, path, configureArgs, secrets,
    sync: (...extra) => dirsync(['sync', '--path', path, '--json', ...extra]),
    startSync: (...extra) => startDirsync(['sync', '--path', path, '--json', ...extra]),
    async reinstall() {
      standIn.control.reset();
      await rm(path, { recursive: true, force: true });
      await installAndConfigure();
    },
    async stop() {
      await admin.unbind().catch(() => undefined);
      await Promise.all([domain.stop(), standIn.stop()]);
      await rm(work, { recursive: true, force: true });
    },
  };
  async function installAndConfigure(): Promise<void> {
    const installed = await dirsync(['install', '--path', path, '--json']);
    assert.equal(installed.code, 0, installed.stderr);
    const configured = await dirsync(configureArgs, { env: secrets() });
    assert.equal(configured.code, 0, configured.stderr);
  }
  try {
    await installAndConfigure();
  } catch (error) {
    await bed.stop();
    throw error;
  }
  return bed;
}

export function stateDbFile(bed: FaultBed): string {
  return join(bed.path, 'state.db');
}

/** SQLite's own verdict on the store file, read-only (as after a crash, before DirSync touches it again). */
export function integrityCheck(file: string): string {
  const database = new DatabaseSync(file, { readOnly: true });
  try {
    const rows = database.prepare('PRAGMA integrity_check').all() as { integrity_check: string }[];
    return rows.map((row) => row.integrity_check).join('; ');
  } finally {
    database.close();
  }
}

interface AdObject {
  anchor: string;
  dn: string;
  displayName: string | undefined;
  title: string | undefined;
  memberDns: string[];
}

async function readInScope(bed: FaultBed, filter: string): Promise<AdObject[]> {
  const configuration = JSON.parse(await readFile(join(bed.path, 'configuration.json'), 'utf8')) as { scope: { includeOus: string[] } };
  const objects: AdObject[] = [];
  for (const ou of configuration.scope.includeOus) {
    const { searchEntries } = await bed.admin.search(ou, {
      filter, attributes: ['objectGUID', 'cn', 'displayName', 'title', 'member'], explicitBufferAttributes: ['objectGUID'], paged: { pageSize: 1000 },
    });
    for (const entry of searchEntries) {
      const text = (value: unknown) => (value === undefined || (Array.isArray(value) && value.length === 0) ? undefined : String(value));
      const members = entry.member;
      objects.push({
        anchor: (entry.objectGUID as Buffer).toString('base64'),
        dn: entry.dn,
        // DirSync exports cn when there is no displayName.
        displayName: text(entry.displayName) ?? text(entry.cn),
        title: text(entry.title),
        memberDns: members === undefined ? [] : (Array.isArray(members) ? members : [members]).map(String),
      });
    }
  }
  return objects;
}

/** sourceAnchor of an AD object: Base64 of its objectGUID. */
export async function anchorOf(client: Client, dn: string): Promise<string> {
  const { searchEntries } = await client.search(dn, { scope: 'base', attributes: ['objectGUID'], explicitBufferAttributes: ['objectGUID'] });
  return (searchEntries[0]!.objectGUID as Buffer).toString('base64');
}

/** The directory extension property DirSync anchors groups with (resolved by configure). */
export async function groupAnchorProperty(bed: FaultBed): Promise<string> {
  const configuration = JSON.parse(await readFile(join(bed.path, 'configuration.json'), 'utf8')) as { cloud: { sourceAnchorProperty: string } };
  return configuration.cloud.sourceAnchorProperty;
}

export interface ConvergenceOptions {
  /** Users DirSync must report as failed rather than export (bad input), by anchor. */
  notExported?: Set<string>;
}

/**
 * The cloud holds every in-scope AD user and security group exactly once (by onPremisesImmutableId, by the group
 * anchor extension), nothing else anchored, the current displayName and title, and complete memberships.
 */
export async function assertConverged(bed: FaultBed, options: ConvergenceOptions = {}): Promise<{ users: number; groups: number; members: number }> {
  const adUsers = (await readInScope(bed, '(&(objectCategory=person)(objectClass=user))')).filter((user) => !options.notExported?.has(user.anchor));
  const adGroups = await readInScope(bed, new EqualityFilter({ attribute: 'groupType', value: String(0x80000002 | 0) }).toString());
  const snapshot = bed.standIn.control.snapshot();

  const usersByAnchor = new Map<string, typeof snapshot.users>();
  for (const user of snapshot.users) {
    const anchor = user.props.onPremisesImmutableId;
    if (typeof anchor !== 'string') continue;
    usersByAnchor.set(anchor, [...(usersByAnchor.get(anchor) ?? []), user]);
  }
  const duplicates = [...usersByAnchor].filter(([, users]) => users.length > 1).map(([anchor]) => anchor);
  assert.deepEqual(duplicates, [], 'no two cloud users carry the same onPremisesImmutableId');
  const wantedUsers = new Set(adUsers.map((user) => user.anchor));
  const orphans = [...usersByAnchor].filter(([anchor]) => !wantedUsers.has(anchor)).map(([anchor, [user]]) => `${user!.props.userPrincipalName} (${anchor})`);
  assert.deepEqual(orphans, [], 'no anchored cloud user without its AD user in scope');
  const missing = adUsers.filter((user) => !usersByAnchor.has(user.anchor)).map((user) => user.dn);
  assert.deepEqual(missing, [], 'every in-scope AD user is in the cloud');
  const stale = adUsers.filter((user) => {
    const cloud = usersByAnchor.get(user.anchor)![0]!;
    return cloud.props.displayName !== user.displayName || (cloud.props.jobTitle ?? undefined) !== user.title;
  });
  assert.deepEqual(stale.map((user) => user.dn), [], 'every cloud user has the current displayName and title');

  const property = await groupAnchorProperty(bed);
  const groupsByAnchor = new Map<string, typeof snapshot.groups>();
  for (const group of snapshot.groups) {
    const anchor = group.props[property];
    if (typeof anchor !== 'string') continue;
    groupsByAnchor.set(anchor, [...(groupsByAnchor.get(anchor) ?? []), group]);
  }
  assert.deepEqual([...groupsByAnchor].filter(([, groups]) => groups.length > 1).map(([anchor]) => anchor), [], 'no two cloud groups carry the same anchor');
  assert.deepEqual([...groupsByAnchor.keys()].sort(), adGroups.map((group) => group.anchor).sort(), 'the cloud groups are exactly the in-scope security groups');

  const cloudIdByDn = new Map(adUsers.map((user) => [user.dn.toLowerCase(), usersByAnchor.get(user.anchor)![0]!.id]));
  for (const group of adGroups) cloudIdByDn.set(group.dn.toLowerCase(), groupsByAnchor.get(group.anchor)![0]!.id);
  let members = 0;
  for (const group of adGroups) {
    const wanted = group.memberDns.map((dn) => cloudIdByDn.get(dn.toLowerCase())).filter((id) => id !== undefined).sort();
    const actual = [...groupsByAnchor.get(group.anchor)![0]!.members].sort();
    assert.deepEqual(actual, wanted, `${group.dn}: the cloud members are the in-scope AD members`);
    members += actual.length;
  }
  return { users: adUsers.length, groups: adGroups.length, members };
}

/** A small seeded generator (mulberry32): printed seeds make a failing random run replayable. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}
