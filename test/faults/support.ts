// What the fault suites check on the test bed (test/support/test-bed.ts): the convergence every fault ends with,
// and the store file's integrity after a kill.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { EqualityFilter } from 'ldapts';
import type { TestBed } from '../support/test-bed.ts';

export function stateDbFile(bed: TestBed): string {
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

async function readInScope(bed: TestBed, filter: string): Promise<AdObject[]> {
  const configuration = JSON.parse(await readFile(join(bed.path, 'configuration.json'), 'utf8')) as { scope: { includeOus: string[] } };
  const objects: AdObject[] = [];
  for (const ou of configuration.scope.includeOus) {
    const { searchEntries } = await bed.admin.search(ou, {
      filter,
      attributes: ['objectGUID', 'cn', 'displayName', 'title', 'member'],
      explicitBufferAttributes: ['objectGUID'],
      paged: { pageSize: 1000 },
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

/** The directory extension property DirSync anchors groups with (resolved by configure). */
export async function groupAnchorProperty(bed: TestBed): Promise<string> {
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
export async function assertConverged(bed: TestBed, options: ConvergenceOptions = {}): Promise<{ users: number; groups: number; members: number }> {
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
  const orphans = [...usersByAnchor]
    .filter(([anchor]) => !wantedUsers.has(anchor))
    .map(([anchor, [user]]) => `${user!.props.userPrincipalName} (${anchor})`);
  assert.deepEqual(orphans, [], 'no anchored cloud user without its AD user in scope');
  const missing = adUsers.filter((user) => !usersByAnchor.has(user.anchor)).map((user) => user.dn);
  assert.deepEqual(missing, [], 'every in-scope AD user is in the cloud');
  const stale = adUsers.filter((user) => {
    const cloud = usersByAnchor.get(user.anchor)![0]!;
    return cloud.props.displayName !== user.displayName || (cloud.props.jobTitle ?? undefined) !== user.title;
  });
  assert.deepEqual(
    stale.map((user) => user.dn),
    [],
    'every cloud user has the current displayName and title',
  );

  const property = await groupAnchorProperty(bed);
  const groupsByAnchor = new Map<string, typeof snapshot.groups>();
  for (const group of snapshot.groups) {
    const anchor = group.props[property];
    if (typeof anchor !== 'string') continue;
    groupsByAnchor.set(anchor, [...(groupsByAnchor.get(anchor) ?? []), group]);
  }
  assert.deepEqual(
    [...groupsByAnchor].filter(([, groups]) => groups.length > 1).map(([anchor]) => anchor),
    [],
    'no two cloud groups carry the same anchor',
  );
  assert.deepEqual(
    [...groupsByAnchor.keys()].sort(),
    adGroups.map((group) => group.anchor).sort(),
    'the cloud groups are exactly the in-scope security groups',
  );

  const cloudIdByDn = new Map(adUsers.map((user) => [user.dn.toLowerCase(), usersByAnchor.get(user.anchor)![0]!.id]));
  for (const group of adGroups) cloudIdByDn.set(group.dn.toLowerCase(), groupsByAnchor.get(group.anchor)![0]!.id);
  let members = 0;
  for (const group of adGroups) {
    const wanted = group.memberDns
      .map((dn) => cloudIdByDn.get(dn.toLowerCase()))
      .filter((id) => id !== undefined)
      .sort();
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
