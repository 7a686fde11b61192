// Section 1c: a large group on real LDAP — its initial export, then one member added and one removed in AD and the
// delta that follows: AD (Samba) → engine → Entra stand-in, the write budget lifted so DirSync itself is measured.
import { DEFAULT_ATTRIBUTE_MAPPING } from '../src/engine/mapping/attribute-mapping.ts';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Attribute, Change } from 'ldapts';
import { silentReporter } from '../src/core/reporter.ts';
import { ActiveDirectorySource } from '../src/connectors/ad/active-directory-source.ts';
import { CloudDirectory } from '../src/connectors/entra/cloud-directory.ts';
import { connectToEntra } from '../src/connectors/entra/connection.ts';
import { Exporter } from '../src/connectors/entra/exporter.ts';
import { resolveRunMode } from '../src/engine/run-mode.ts';
import { runSyncCycle } from '../src/engine/sync-cycle.ts';
import { SqliteStore } from '../src/store/sqlite-store.ts';
import { startEntraStandIn, type EntraStandIn } from '../test/entra-standin/stand-in.ts';
import { adminClient, BULK, type TestDomain } from '../test/support/ad/index.ts';

export interface LargeGroupResult {
  members: number;
  /** Full sync of the OU: the users, then the group with every member (Graph takes 20 members per request). */
  initialSeconds: number;
  initialMembershipRequests: number;
  /** The delta after one member was added and one removed in AD. */
  deltaSeconds: number;
  /** Member values the delta read from AD (the whole group would be `members`). */
  deltaMemberValuesRead: number;
  /** Graph requests that changed the group's membership (1 add + 1 removal is the least possible). */
  deltaMembershipWrites: number;
}

const UNLIMITED = { writes: 1_000_000_000, windowSeconds: 1 };
const GROUP_DN = `CN=Large Group,${BULK.ou}`;
/** Values per LDAP modify while filling the group. */
const MEMBERS_PER_MODIFY = 1000;

/** Graph writes to a group's membership: PATCH members@odata.bind, POST …/members/$ref, DELETE …/members/{id}/$ref. */
function membershipWrites(standIn: EntraStandIn): number {
  return standIn.control
    .requests()
    .filter((request) => request.method !== 'GET' && /\/groups\/[^/]+(\/members.*)?$/.test(request.path.split('?')[0]!)).length;
}

/** Adds a global security group of the first `members` bulk users. */
async function createGroup(domain: TestDomain, members: number): Promise<void> {
  const client = await adminClient(domain);
  try {
    await client.add(GROUP_DN, { objectClass: ['top', 'group'], sAMAccountName: 'large.group', groupType: String(-2147483646) });
    for (let from = 0; from < members; from += MEMBERS_PER_MODIFY) {
      const dns = Array.from({ length: Math.min(MEMBERS_PER_MODIFY, members - from) }, (_, offset) => BULK.userDn(from + offset));
      await client.modify(GROUP_DN, [new Change({ operation: 'add', modification: new Attribute({ type: 'member', values: dns }) })]);
    }
  } finally {
    await client.unbind();
  }
}

async function changeOneMemberEachWay(domain: TestDomain, leaving: string, joining: string): Promise<void> {
  const client = await adminClient(domain);
  try {
    await client.modify(GROUP_DN, [
      new Change({ operation: 'delete', modification: new Attribute({ type: 'member', values: [leaving] }) }),
      new Change({ operation: 'add', modification: new Attribute({ type: 'member', values: [joining] }) }),
    ]);
  } finally {
    await client.unbind();
  }
}

/** A group of the first `members` bulk users; the domain holds at least one more (it joins in the delta). */
export async function measureLargeGroup(domain: TestDomain, members: number): Promise<LargeGroupResult> {
  await createGroup(domain, members);
  const standIn = await startEntraStandIn({ verifiedDomains: [domain.realm.toLowerCase()] });
  const work = await mkdtemp(join(tmpdir(), 'dirsync-bench-group-'));
  const store = new SqliteStore(join(work, 'dirsync.db'));
  const source = new ActiveDirectorySource({
    url: domain.ldapsUrl,
    caPem: domain.caPem,
    bindDn: domain.adminDn,
    password: domain.adminPassword,
    scope: { includeOus: [BULK.ou], excludeOus: [] },
  });
  const entra = await connectToEntra({
    tenantId: standIn.tenantId,
    clientId: standIn.clientId,
    caPem: standIn.caPem,
    preview: false,
    writeBudget: UNLIMITED,
    credential: { kind: 'client-secret', secret: standIn.clientSecret },
    cloud: { authorityHost: `https://${standIn.authorityHost}`, graphEndpoint: standIn.graphEndpoint },
  });
  try {
    await store.migrate();
    const cloud = new CloudDirectory(entra.session, standIn.clientId);
    const sink = new Exporter(entra.session, { sourceAnchorProperty: await cloud.ensureSourceAnchorExtension() });
    const cycle = async (mode: 'full' | 'delta'): Promise<number> => {
      standIn.control.clearRequests();
      const started = performance.now();
      const result = await runSyncCycle(
        {
          mode,
          runMode: resolveRunMode({ kind: 'live' }),
          acceptDeletes: false,
          deletionGuard: { enabled: true, threshold: 500, sharePercent: 20 },
          softMatch: 'smtp-then-upn',
          deltaDeletions: 'tombstones',
          cloudDrift: 'revert',
          mapping: DEFAULT_ATTRIBUTE_MAPPING,
        },
        { store, source, target: cloud, exporter: sink, reporter: silentReporter },
      );
      if (result.status !== 'success')
        throw new Error(
          `The ${mode} cycle ended ${result.status}: ${result.errors
            .slice(0, 3)
            .map((error) => `${error.dn}: ${error.message}`)
            .join('; ')}`,
        );
      return (performance.now() - started) / 1000;
    };
    const initialSeconds = await cycle('full');
    const initialMembershipRequests = membershipWrites(standIn);
    const exported = standIn.control.snapshot().groups.find((group) => group.props.displayName === 'Large Group')?.members.length;
    if (exported !== members) throw new Error(`The group arrived with ${exported} members, not ${members}.`);

    await changeOneMemberEachWay(domain, BULK.userDn(0), BULK.userDn(members));
    const deltaSeconds = await cycle('delta');
    return {
      members,
      initialSeconds,
      initialMembershipRequests,
      deltaSeconds,
      deltaMemberValuesRead: source.statistics.memberValues,
      deltaMembershipWrites: membershipWrites(standIn),
    };
  } finally {
    await source.close();
    entra.close();
    await store.close();
    await standIn.stop();
    await rm(work, { recursive: true, force: true });
  }
}
