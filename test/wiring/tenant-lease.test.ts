// The lease's decisions and its record, without a tenant: who may write, what is written, what a refusal says.
import assert from 'node:assert/strict';
import { hostname } from 'node:os';
import { formatHolder, type LeaseHolder, parseHolder } from '../../src/connectors/entra/application-lease.ts';
import type { DirSyncError } from '../../src/core/errors.ts';
import type { LeaseClaim } from '../../src/engine/run-mode.ts';
import { holdTenantLease } from '../../src/wiring/tenant-lease.ts';

const now = new Date('2026-12-07T12:00:00Z');
const me = { installationId: '11111111-1111-4111-8111-111111111111', path: '/var/lib/dirsync', staleAfterHours: 24 };
const other = (hoursAgo: number): LeaseHolder => ({
  installationId: '22222222-2222-4222-8222-222222222222',
  host: 'sync-02',
  path: '/srv/dirsync',
  renewedAt: new Date(now.getTime() - hoursAgo * 3_600_000),
});

/** A tenant's lease in memory: what was written is what is read back, unless another writer gets in between. */
function tenantLease(initial: LeaseHolder | undefined, intruder?: LeaseHolder) {
  let held = initial;
  const written: LeaseHolder[] = [];
  return {
    written,
    read: async () => held,
    write: async (holder: LeaseHolder) => {
      written.push(holder);
      held = intruder ?? holder;
      return held;
    },
  };
}

const silent = { progress() {}, verbose() {}, warning() {} };

async function claim(initial: LeaseHolder | undefined, how: LeaseClaim, intruder?: LeaseHolder) {
  const lease = tenantLease(initial, intruder);
  const warnings: string[] = [];
  let error: unknown;
  try {
    await holdTenantLease(lease, how, me, { ...silent, warning: (message) => warnings.push(message) }, now);
  } catch (caught) {
    error = caught;
  }
  return { written: lease.written, warnings, error: error as DirSyncError | undefined };
}

describe('the tenant lease: one active installation', () => {
  it('is taken when nobody holds it, and renewed by its holder', async () => {
    const taken = await claim(undefined, 'renew');
    assert.equal(taken.error, undefined);
    assert.deepEqual(taken.written, [{ installationId: me.installationId, host: hostname(), path: me.path, renewedAt: now }]);
    const renewed = await claim({ ...taken.written[0]!, renewedAt: new Date(0) }, 'renew');
    assert.deepEqual(renewed.written[0]?.renewedAt, now);
  });

  it("refuses another holder's lease, fresh or stale, without --take-over-lease: nothing written", async () => {
    for (const hoursAgo of [1, 100]) {
      const refused = await claim(other(hoursAgo), 'renew');
      assert.equal(refused.error?.code, 'Sync.another-active-installation');
      assert.match(refused.error!.message, /\/srv\/dirsync on sync-02 \(installation 22222222-.*\), last cycle 2026-12-0\dT/);
      assert.deepEqual(refused.written, []);
    }
  });

  it('--take-over-lease takes only a lease older than the configured hours; promote takes any', async () => {
    assert.equal((await claim(other(23), 'take-over-stale')).error?.code, 'Sync.another-active-installation');
    const stale = await claim(other(25), 'take-over-stale');
    assert.equal(stale.error, undefined);
    assert.match(stale.warnings[0]!, /takes over .* from \/srv\/dirsync on sync-02/);
    assert.equal((await claim(other(0), 'take-over')).error, undefined);
  });

  it('refuses when another installation wrote at the same moment and the tenant kept its record', async () => {
    const raced = await claim(undefined, 'renew', other(0));
    assert.equal(raced.error?.code, 'Sync.another-active-installation');
  });

  it("a record DirSync cannot read is never taken silently: it counts as another holder's, long stale", async () => {
    const unreadable = parseHolder('written by hand');
    assert.equal(unreadable.installationId, 'unknown');
    assert.equal((await claim(unreadable, 'renew')).error?.code, 'Sync.another-active-installation');
    assert.equal((await claim(unreadable, 'take-over-stale')).error, undefined);
  });

  it("fits Graph's 256 characters, keeping the end of a long path, and reads back what it wrote", () => {
    const holder = { ...other(0), path: `/very/long/${'deep/'.repeat(60)}installation` };
    const value = formatHolder(holder);
    assert.ok(value.length <= 256, `${value.length} characters`);
    const read = parseHolder(value);
    assert.deepEqual({ ...read, path: '' }, { ...holder, path: '' });
    assert.ok(read.path.startsWith('…') && read.path.endsWith('/installation'));
    assert.deepEqual(parseHolder(formatHolder(other(2))), other(2));
  });
});
