// The state-store contract: one suite that every implementation passes (SQLite always, SQL Server when one
// is reachable). It pins down behaviour, not SQL: batches, transactions, paging, migrations, durability.
import assert from 'node:assert/strict';
import { DirSyncError } from '../../src/core/errors.ts';
import { LATEST_SCHEMA_VERSION } from '../../src/store/migrations/index.ts';
import type {
  DeletedLink,
  DeletedObject,
  DirSyncStore as StateStore,
  ObjectChange,
  ObjectError,
  ObjectLink,
  StoreOptions,
} from '../../src/store/store.ts';

async function membersOf(store: StateStore, group: string): Promise<Set<string>> {
  return (await store.getMemberships([group])).get(group)!;
}

/** One empty database per test. */
export interface StoreFixture {
  /** Opens a store on the fixture's database (not migrated); may be called again after close() to reopen it. */
  open(options?: StoreOptions): Promise<StateStore>;
  /** Runs one dialect-neutral SQL statement directly against the database. */
  execute(statement: string): Promise<void>;
  /** Drops the database. */
  destroy(): Promise<void>;
}

const PRODUCT_VERSION = '1.0.7200.0000';
/** More rows than SQL Server accepts parameters in one request (2,100). */
const BIG_BATCH = 5000;

export function link(anchor: string, overrides: Partial<ObjectLink> = {}): ObjectLink {
  return {
    anchor,
    kind: 'user',
    cloudId: `cloud-${anchor}`,
    dn: `CN=${anchor},OU=People,DC=example,DC=com`,
    exported: { displayName: anchor, accountEnabled: true },
    lastSeenRunId: null,
    ...overrides,
  };
}

export function deletedLink(anchor: string, deletedAt: Date, overrides: Partial<DeletedLink> = {}): DeletedLink {
  return {
    anchor,
    kind: 'user',
    cloudId: `cloud-${anchor}`,
    dn: `CN=${anchor},OU=Leavers,DC=example,DC=com`,
    deletedAt,
    exported: { displayName: anchor, accountEnabled: false, proxyAddresses: ['SMTP:a@example.com'] },
    ...overrides,
  };
}

export function anchors(count: number, prefix = 'anchor'): string[] {
  return Array.from({ length: count }, (_, index) => `${prefix}-${String(index).padStart(6, '0')}`);
}

const zeroCounts = { added: 0, updated: 0, deleted: 0, unchanged: 0, errors: 0, notExportable: 0, reverted: 0, restored: 0 };

export function describeStoreContract(name: string, createFixture: () => Promise<StoreFixture>): void {
  describe(`the ${name} state store (contract)`, function () {
    this.timeout(120_000);
    let fixture: StoreFixture;
    const opened: StateStore[] = [];

    /** Opens and migrates a store; afterEach closes it. */
    async function open(options: StoreOptions = {}): Promise<StateStore> {
      const store = await fixture.open({ productVersion: PRODUCT_VERSION, ...options });
      opened.push(store);
      await store.migrate();
      return store;
    }

    beforeEach(async () => {
      fixture = await createFixture();
    });
    afterEach(async () => {
      for (const store of opened.splice(0)) await store.close();
      await fixture.destroy();
    });

    describe('schema and migrations', () => {
      it('reports an empty database as schema version 0, migrated by no product', async () => {
        const store = await fixture.open();
        opened.push(store);
        assert.deepEqual(await store.storeInfo(), { schemaVersion: 0, productVersion: null });
      });

      it('migrates to the latest version and records the product version that did it', async () => {
        const store = await open();
        assert.deepEqual(await store.storeInfo(), { schemaVersion: LATEST_SCHEMA_VERSION, productVersion: PRODUCT_VERSION });
      });

      it('is idempotent and records the newest product that migrated the store', async () => {
        const first = await open();
        await first.saveLinks([link('a')]);
        await first.close();
        const second = await open({ productVersion: '1.0.7200.0000' });
        await second.migrate();
        assert.deepEqual(await second.storeInfo(), { schemaVersion: LATEST_SCHEMA_VERSION, productVersion: '1.0.7200.0000' });
        assert.equal(await second.countLinks(), 1);
      });

      it('refuses a store that a newer DirSync has migrated past the versions it knows', async () => {
        await open();
        await fixture.execute(`UPDATE schema_version SET version = ${LATEST_SCHEMA_VERSION + 1}`);
        const store = await fixture.open();
        opened.push(store);
        await assert.rejects(store.migrate(), (error: unknown) => error instanceof DirSyncError && error.code === 'Store.schema-too-new');
      });

      it('upgrades a version 1 store holding data without losing any of it', async () => {
        const old = await fixture.open({ productVersion: '1.0.6385.0012' });
        opened.push(old);
        await old.migrate(1);
        assert.deepEqual(await old.storeInfo(), { schemaVersion: 1, productVersion: '1.0.6385.0012' });
        const links = [link('user-1', { dn: 'CN=Zoë,DC=example,DC=com', lastSeenRunId: 1 }), link('group-1', { kind: 'group', cloudId: null })];
        await old.saveLinks(links);
        await old.setMembers('group-1', ['user-1'], []);
        await old.setWatermark('ad:DC=example,DC=com', 'cookie-1');
        const runId = await old.startRun('full', new Date('2024-05-01T10:00:00.000Z'));
        await old.recordObjectErrors(runId, [{ dn: 'CN=x', anchor: 'x', code: 'Request_BadRequest', message: 'bad' }]);
        // (finishRun writes the counts of the latest schema: a version 1 store keeps its run in progress here.)
        await old.close();

        const upgraded = await open();
        assert.deepEqual(await upgraded.storeInfo(), { schemaVersion: LATEST_SCHEMA_VERSION, productVersion: PRODUCT_VERSION });
        assert.deepEqual(await upgraded.getLinks(['user-1', 'group-1']), new Map(links.map((entry) => [entry.anchor, entry])));
        assert.deepEqual(await membersOf(upgraded, 'group-1'), new Set(['user-1']));
        assert.equal(await upgraded.getWatermark('ad:DC=example,DC=com'), 'cookie-1');
        const [run] = await upgraded.listRuns(10);
        assert.deepEqual(run, {
          id: runId,
          mode: 'full',
          startedAt: new Date('2024-05-01T10:00:00.000Z'),
          endedAt: null,
          status: 'in-progress',
          counts: zeroCounts,
          message: null,
        });
        const counts = { ...zeroCounts, added: 2, errors: 1, notExportable: 3, reverted: 4, restored: 5 };
        await upgraded.finishRun(runId, 'completed-export-errors', counts, new Date('2024-05-01T10:05:00.000Z'), 'one error');
        assert.deepEqual((await upgraded.listRuns(1))[0]?.counts, counts, 'the migrated run history takes the new counts');
        assert.deepEqual(await upgraded.getRunErrors(runId), [{ dn: 'CN=x', anchor: 'x', code: 'Request_BadRequest', message: 'bad' }]);
      });

      it('refuses a schema version that does not exist', async () => {
        const store = await fixture.open();
        opened.push(store);
        await assert.rejects(store.migrate(LATEST_SCHEMA_VERSION + 1), RangeError);
      });
    });

    describe('links', () => {
      it('round-trips every field, unicode DNs and nested JSON included', async () => {
        const store = await open();
        const saved = link('AbC+/0123456789abcdefg==', {
          kind: 'group',
          dn: 'CN=Zoë Ångström\\, Jr.,OU=Ünïcødé 日本語 🚀,DC=example,DC=com',
          exported: { displayName: 'Zoë 🚀', mailNickname: 'zoe', nested: { list: [1, 'two', null, true], empty: {} }, number: 1.5 },
          lastSeenRunId: 42,
        });
        const unexported = link('not-yet-created', { cloudId: null, exported: {} });
        await store.saveLinks([saved, unexported]);
        assert.deepEqual(
          await store.getLinks([saved.anchor, unexported.anchor, 'missing']),
          new Map([
            [saved.anchor, saved],
            [unexported.anchor, unexported],
          ]),
        );
      });

      it('treats anchors as case-sensitive (they are Base64)', async () => {
        const store = await open();
        await store.saveLinks([link('abc='), link('ABC=')]);
        assert.equal(await store.countLinks(), 2);
        assert.equal((await store.getLinks(['ABC='])).get('ABC=')?.cloudId, 'cloud-ABC=');
      });

      it('replaces an existing link, and the last of duplicates in one batch wins', async () => {
        const store = await open();
        await store.saveLinks([link('a', { dn: 'CN=old' })]);
        await store.saveLinks([link('a', { dn: 'CN=first' }), link('a', { dn: 'CN=second', cloudId: 'new-id' })]);
        const stored = (await store.getLinks(['a'])).get('a');
        assert.equal(stored?.dn, 'CN=second');
        assert.equal(stored?.cloudId, 'new-id');
        assert.equal(await store.countLinks(), 1);
      });

      it(`saves, reads, marks and deletes batches of ${BIG_BATCH}`, async () => {
        const store = await open();
        const all = anchors(BIG_BATCH);
        await store.saveLinks(all.map((anchor) => link(anchor)));
        assert.equal(await store.countLinks(), BIG_BATCH);
        const read = await store.getLinks(all);
        assert.equal(read.size, BIG_BATCH);
        assert.deepEqual(read.get(all[4321]!), link(all[4321]!));
        await store.markSeen(7, all);
        assert.equal((await store.getLinks([all[0]!])).get(all[0]!)?.lastSeenRunId, 7);
        await store.deleteLinks(all);
        assert.equal(await store.countLinks(), 0);
      });

      it('writes nothing of a batch that fails part-way', async () => {
        const store = await open();
        await store.saveLinks([link('kept')]);
        const batch = [...anchors(BIG_BATCH / 2).map((anchor) => link(anchor)), link('', {}), ...anchors(10, 'after').map((anchor) => link(anchor))];
        await assert.rejects(store.saveLinks(batch));
        assert.equal(await store.countLinks(), 1);
        assert.equal((await store.getLinks(anchors(1))).size, 0);
      });

      it('is readable again after the store is closed and reopened', async () => {
        const store = await open();
        await store.saveLinks(anchors(100).map((anchor) => link(anchor)));
        await store.setWatermark('source', 'value');
        await store.close();
        const reopened = await open();
        assert.equal(await reopened.countLinks(), 100);
        assert.equal(await reopened.getWatermark('source'), 'value');
      });
    });

    describe('the sweep of links a full import did not see', () => {
      it('streams every unseen link once, in anchor order, across pages (10,000 links)', async () => {
        const store = await open();
        const all = anchors(10_000);
        await store.saveLinks(all.map((anchor, index) => link(anchor, { lastSeenRunId: index % 3 === 0 ? null : 1 })));
        const seen = all.filter((_, index) => index % 2 === 0);
        await store.markSeen(2, seen);
        const unseen: string[] = [];
        for await (const entry of store.unseenLinks(2)) unseen.push(entry.anchor);
        assert.deepEqual(
          unseen,
          all.filter((_, index) => index % 2 === 1),
        );
      });

      it('keeps paging correctly while the caller deletes what it was given', async () => {
        const store = await open();
        const all = anchors(3500);
        await store.saveLinks(all.map((anchor) => link(anchor)));
        const swept: string[] = [];
        for await (const entry of store.unseenLinks(1)) {
          swept.push(entry.anchor);
          await store.deleteLinks([entry.anchor]);
        }
        assert.deepEqual(swept, all);
        assert.equal(await store.countLinks(), 0);
      });
    });

    describe('memberships', () => {
      it('adds and removes members, idempotently', async () => {
        const store = await open();
        assert.deepEqual(await membersOf(store, 'group'), new Set());
        await store.setMembers('group', ['m1', 'm2', 'm3'], []);
        await store.setMembers('group', ['m1', 'm4'], ['m2', 'never-a-member']);
        assert.deepEqual(await membersOf(store, 'group'), new Set(['m1', 'm3', 'm4']));
        assert.deepEqual(await membersOf(store, 'other-group'), new Set());
      });

      it('tells which of some anchors are members of a group, without the others', async () => {
        const store = await open();
        await store.setMembers('group', ['m1', 'm2', 'm3'], []);
        await store.setMembers('other-group', ['m4'], []);
        assert.deepEqual(await store.getMembersAmong('group', ['m2', 'm4', 'never-a-member']), new Set(['m2']));
        assert.deepEqual(await store.getMembersAmong('group', []), new Set());
      });

      it(`handles ${BIG_BATCH} members in one call`, async () => {
        const store = await open();
        const members = anchors(BIG_BATCH, 'member');
        await store.setMembers('big-group', members, []);
        assert.equal((await membersOf(store, 'big-group')).size, BIG_BATCH);
        await store.setMembers('big-group', [], members.slice(0, BIG_BATCH - 1));
        assert.deepEqual(await membersOf(store, 'big-group'), new Set([members.at(-1)]));
      });

      it('forgets the memberships of a deleted group and of a deleted member', async () => {
        const store = await open();
        await store.saveLinks([link('group-a', { kind: 'group' }), link('group-b', { kind: 'group' }), link('user-1'), link('user-2')]);
        await store.setMembers('group-a', ['user-1', 'user-2'], []);
        await store.setMembers('group-b', ['user-1', 'user-2'], []);
        await store.deleteLinks(['group-a', 'user-1']);
        assert.deepEqual(await membersOf(store, 'group-a'), new Set());
        assert.deepEqual(await membersOf(store, 'group-b'), new Set(['user-2']));
      });
    });

    describe('watermarks', () => {
      it('stores, replaces and removes a watermark per source', async () => {
        const store = await open();
        assert.equal(await store.getWatermark('ad:DC=example,DC=com'), undefined);
        const cookie = Buffer.alloc(6000, 7).toString('base64');
        await store.setWatermark('ad:DC=example,DC=com', cookie);
        await store.setWatermark('ad:DC=other,DC=com', 'other');
        assert.equal(await store.getWatermark('ad:DC=example,DC=com'), cookie);
        await store.setWatermark('ad:DC=example,DC=com', 'next');
        assert.equal(await store.getWatermark('ad:DC=example,DC=com'), 'next');
        await store.setWatermark('ad:DC=example,DC=com', undefined);
        assert.equal(await store.getWatermark('ad:DC=example,DC=com'), undefined);
        assert.equal(await store.getWatermark('ad:DC=other,DC=com'), 'other');
      });
    });

    describe('the retry queue', () => {
      it('queues failed objects once each, oldest failure first, and takes them off again', async () => {
        const store = await open();
        const first = await store.startRun('delta', new Date());
        await store.addRetries(first, ['b', 'a']);
        const second = await store.startRun('delta', new Date());
        await store.addRetries(second, ['c', 'a']);
        assert.deepEqual(await store.listRetries(10), ['a', 'b', 'c']);
        assert.deepEqual(await store.listRetries(2), ['a', 'b']);
        await store.clearRetries(['a', 'never-queued']);
        assert.deepEqual(await store.listRetries(10), ['b', 'c']);
      });

      it('handles batches bigger than one statement can carry', async () => {
        const store = await open();
        const run = await store.startRun('full', new Date());
        const anchors = Array.from({ length: 5000 }, (_, index) => `anchor-${String(index).padStart(5, '0')}`);
        await store.addRetries(run, anchors);
        assert.equal((await store.listRetries(10_000)).length, 5000);
        await store.clearRetries(anchors.slice(0, 4000));
        assert.deepEqual(await store.listRetries(10_000), anchors.slice(4000));
      });
    });

    describe('deleted links (for restoring an object that comes back)', () => {
      it('remembers deleted objects by anchor, the last of duplicates winning, and forgets them', async () => {
        const store = await open();
        const monday = new Date('2024-06-03T08:00:00.123Z');
        const tuesday = new Date('2024-06-04T08:00:00.000Z');
        const zoe = deletedLink('Zoe=', monday, { dn: 'CN=Zoë Ångström,OU=Ünïcødé 🚀,DC=example,DC=com', exported: { nested: { list: [1, null] } } });
        await store.rememberDeletedLinks([zoe, deletedLink('group=', monday, { kind: 'group' })]);
        await store.rememberDeletedLinks([deletedLink('zoe=', monday), deletedLink('group=', monday, { cloudId: 'first' })]);
        const regrouped = deletedLink('group=', tuesday, { kind: 'group', cloudId: 'second' });
        await store.rememberDeletedLinks([deletedLink('group=', tuesday, { cloudId: 'superseded' }), regrouped]);
        assert.deepEqual(
          await store.getDeletedLinks(['Zoe=', 'group=', 'never-deleted']),
          new Map([
            ['Zoe=', zoe],
            ['group=', regrouped],
          ]),
        );
        assert.equal((await store.getDeletedLinks(['zoe='])).get('zoe=')?.anchor, 'zoe=', 'anchors are case-sensitive');
        await store.forgetDeletedLinks(['Zoe=', 'never-deleted']);
        assert.deepEqual([...(await store.getDeletedLinks(['Zoe=', 'zoe=', 'group='])).keys()].sort(), ['group=', 'zoe=']);
        assert.equal(await store.countLinks(), 0, 'a deleted link is not a link');
      });

      it(`prunes what was deleted before a time, and handles batches of ${BIG_BATCH}`, async () => {
        const store = await open();
        const old = anchors(BIG_BATCH, 'old');
        const recent = anchors(10, 'recent');
        const cutoff = new Date('2024-06-01T00:00:00.000Z');
        await store.rememberDeletedLinks([
          ...old.map((anchor, index) => deletedLink(anchor, new Date(cutoff.getTime() - 1 - index * 60_000))),
          ...recent.map((anchor) => deletedLink(anchor, cutoff)),
        ]);
        assert.equal((await store.getDeletedLinks([...old, ...recent])).size, BIG_BATCH + recent.length);
        assert.equal(await store.pruneDeletedLinks(cutoff), BIG_BATCH);
        assert.deepEqual([...(await store.getDeletedLinks([...old, ...recent])).keys()].sort(), recent);
        assert.equal(await store.pruneDeletedLinks(cutoff), 0);
        await store.forgetDeletedLinks(recent);
        assert.equal((await store.getDeletedLinks(recent)).size, 0);
      });

      it('writes nothing of a batch that fails part-way', async () => {
        const store = await open();
        const when = new Date('2024-06-01T00:00:00.000Z');
        await assert.rejects(store.rememberDeletedLinks([deletedLink('first', when), deletedLink('', when)]));
        assert.equal((await store.getDeletedLinks(['first'])).size, 0);
      });
    });

    describe('run history', () => {
      it('records a run from start to finish, with its object errors in order', async () => {
        const store = await open();
        const startedAt = new Date('2024-06-01T08:00:00.123Z');
        const runId = await store.startRun('delta', startedAt);
        assert.deepEqual(await store.listRuns(1), [
          { id: runId, mode: 'delta', startedAt, endedAt: null, status: 'in-progress', counts: zeroCounts, message: null },
        ]);

        const errors = anchors(BIG_BATCH, 'failed').map((anchor, index) => ({
          dn: `CN=Ünïcødé ${index},DC=example,DC=com`,
          anchor,
          code: 'Request_BadRequest',
          message: `invalid value ${index}`,
        }));
        await store.recordObjectErrors(runId, errors);
        const endedAt = new Date('2024-06-01T08:03:00.456Z');
        const counts = { added: 1, updated: 2, deleted: 3, unchanged: 4, errors: BIG_BATCH, notExportable: 5, reverted: 0, restored: 0 };
        await store.finishRun(runId, 'completed-export-errors', counts, endedAt, 'some objects failed');
        assert.deepEqual(await store.listRuns(1), [
          { id: runId, mode: 'delta', startedAt, endedAt, status: 'completed-export-errors', counts, message: 'some objects failed' },
        ]);
        assert.deepEqual(await store.getRunErrors(runId), errors);
      });

      it('lists the most recent runs first, up to the limit', async () => {
        const store = await open();
        const ids: number[] = [];
        for (const mode of ['full', 'delta', 'preview-full', 'preview-delta'] as const) ids.push(await store.startRun(mode, new Date()));
        assert.ok(
          ids.every((id, index) => index === 0 || id > ids[index - 1]!),
          'run ids increase',
        );
        assert.deepEqual(
          (await store.listRuns(3)).map((run) => run.mode),
          ['preview-delta', 'preview-full', 'delta'],
        );
      });

      it('keeps only the configured number of runs, and drops the errors of the runs it prunes', async () => {
        const store = await open({ retainedRuns: 3 });
        const ids: number[] = [];
        for (let index = 0; index < 5; index++) {
          const runId = await store.startRun('delta', new Date());
          await store.recordObjectErrors(runId, [{ dn: `CN=${index}`, anchor: `a${index}`, code: 'E', message: 'm' }]);
          ids.push(runId);
        }
        assert.deepEqual(
          (await store.listRuns(10)).map((run) => run.id),
          ids.slice(2).reverse(),
        );
        assert.deepEqual(await store.getRunErrors(ids[0]!), []);
        assert.equal((await store.getRunErrors(ids[4]!)).length, 1);
      });

      it("reads one object's records across the kept runs by its anchor, in run order, and none of another object's", async () => {
        const store = await open({ retainedRuns: 3 });
        const change = (anchor: string, action: ObjectChange['action'], name: string): ObjectChange => ({
          anchor,
          dn: `CN=${anchor}`,
          kind: 'user',
          action,
          attributes: [{ name, old: null, new: `${name} of ${anchor}` }],
          reason: null,
        });
        const deletion = (anchor: string): DeletedObject => ({
          anchor,
          kind: 'user',
          cloudId: `cloud-${anchor}`,
          dn: `CN=${anchor}`,
          exported: { displayName: anchor },
          members: [],
          memberOf: ['g1'],
        });
        const error = (anchor: string, code: string): ObjectError => ({ dn: `CN=${anchor}`, anchor, code, message: `${code} for ${anchor}` });
        // 'zoe=' differs from 'Zoe=' in case only: anchors are case-sensitive, so its records are another object's.
        const first = await store.startRun('full', new Date('2024-06-01T08:00:00.000Z'));
        await store.recordObjectChanges(first, [change('Zoe=', 'added', 'displayName'), change('zoe=', 'added', 'displayName')]);
        await store.recordObjectErrors(first, [error('Zoe=', 'First')]);
        const second = await store.startRun('delta', new Date('2024-06-01T09:00:00.000Z'));
        await store.recordObjectChanges(second, [
          change('other', 'updated', 'title'),
          change('Zoe=', 'updated', 'title'),
          change('zoe=', 'updated', 'title'),
          change('Zoe=', 'reverted', 'mail'),
        ]);
        await store.recordObjectErrors(second, [error('other', 'Other'), error('Zoe=', 'Second'), error('Zoe=', 'Third')]);
        const third = await store.startRun('delta', new Date('2024-06-01T10:00:00.000Z'));
        await store.recordDeletedObjects(third, [deletion('other'), deletion('Zoe='), deletion('zoe=')]);
        await store.recordObjectChanges(third, [change('Zoe=', 'deleted', 'accountEnabled')]);

        const kept = {
          changes: [
            { ...change('Zoe=', 'updated', 'title'), runId: second },
            { ...change('Zoe=', 'reverted', 'mail'), runId: second },
            { ...change('Zoe=', 'deleted', 'accountEnabled'), runId: third },
          ],
          deleted: [{ ...deletion('Zoe='), runId: third }],
          errors: [
            { ...error('Zoe=', 'Second'), runId: second },
            { ...error('Zoe=', 'Third'), runId: second },
          ],
        };
        assert.deepEqual(await store.getObjectHistory('Zoe='), {
          changes: [{ ...change('Zoe=', 'added', 'displayName'), runId: first }, ...kept.changes],
          deleted: kept.deleted,
          errors: [{ ...error('Zoe=', 'First'), runId: first }, ...kept.errors],
        });
        assert.deepEqual(await store.getObjectHistory('never-recorded'), { changes: [], deleted: [], errors: [] });
        await store.startRun('delta', new Date('2024-06-01T11:00:00.000Z'));
        assert.deepEqual(await store.getObjectHistory('Zoe='), kept, "the first run's records are pruned with it");
      });

      it('refuses to finish a run it does not know, and to record errors for one, writing nothing', async () => {
        const store = await open();
        await assert.rejects(store.finishRun(999_999, 'success', zeroCounts, new Date()));
        await assert.rejects(store.recordObjectErrors(999_999, [{ dn: 'CN=x', anchor: 'x', code: 'E', message: 'm' }]));
        assert.deepEqual(await store.getRunErrors(999_999), []);
        assert.deepEqual(await store.listRuns(10), []);
      });
    });

    describe('do-no-harm records', () => {
      it('links a cloud object to one anchor at most, and finds links by cloud id', async () => {
        const store = await open();
        await store.saveLinks([link('a', { cloudId: 'shared' }), link('b', { cloudId: null }), link('c', { cloudId: null })]);
        await assert.rejects(store.saveLinks([link('b', { cloudId: 'shared' })]));
        assert.equal((await store.getLinks(['b'])).get('b')?.cloudId, null, 'nothing of the refused batch was written');
        const found = await store.getLinksByCloudIds(['shared', 'unknown']);
        assert.deepEqual([...found.keys()], ['shared']);
        assert.equal(found.get('shared')?.anchor, 'a');
        assert.equal(await store.countLinks(), 1, 'only links with a cloud object count');
      });

      it('streams every link, reads several groups and the groups of a member, and counts memberships', async () => {
        const store = await open();
        const all = anchors(2500);
        await store.saveLinks(all.map((anchor) => link(anchor)));
        const streamed: string[] = [];
        for await (const entry of store.allLinks()) streamed.push(entry.anchor);
        assert.deepEqual(streamed, all);
        await store.setMembers('g1', ['m1', 'm2'], []);
        await store.setMembers('g2', ['m2'], []);
        const memberships = await store.getMemberships(['g1', 'g2', 'g3']);
        assert.deepEqual(
          [...memberships].map(([group, members]) => [group, [...members].sort()]),
          [
            ['g1', ['m1', 'm2']],
            ['g2', ['m2']],
            ['g3', []],
          ],
        );
        assert.deepEqual(await store.groupsOf('m2'), ['g1', 'g2']);
        assert.equal(await store.countMemberships(), 3);
      });

      it('records a mode change, marks runs left in progress as interrupted, and keeps what a run deleted', async () => {
        const store = await open();
        const orphan = await store.startRun('delta', new Date('2024-06-01T08:00:00.000Z'));
        await store.setRunMode(orphan, 'full');
        assert.equal(await store.markInterruptedRuns(new Date('2024-06-01T09:00:00.000Z')), 1);
        const [run] = await store.listRuns(1);
        assert.deepEqual([run?.mode, run?.status, run?.endedAt?.toISOString()], ['full', 'interrupted', '2024-06-01T09:00:00.000Z']);
        const deleted = [
          { anchor: 'u1', kind: 'user' as const, cloudId: 'c1', dn: 'CN=Zoë', exported: { displayName: 'Zoë' }, members: [], memberOf: ['g1'] },
        ];
        await store.recordDeletedObjects(orphan, deleted);
        assert.deepEqual(await store.getDeletedObjects(orphan), deleted);
      });

      it('keeps what each run changed, in order, and prunes it with the run', async () => {
        const store = await open({ retainedRuns: 2 });
        const first = await store.startRun('full', new Date('2024-06-01T08:00:00.000Z'));
        const changes = [
          {
            anchor: 'u1',
            dn: "CN=Conor O'Brien",
            kind: 'user' as const,
            action: 'added' as const,
            attributes: [
              { name: 'displayName', old: null, new: "Conor O'Brien" },
              { name: 'businessPhones', old: null, new: ['+1 555'] },
            ],
            reason: null,
          },
          {
            anchor: 'g1',
            dn: 'CN=Zoë <team>',
            kind: 'group' as const,
            action: 'updated' as const,
            attributes: [{ name: 'description', old: 'old', new: null }],
            reason: null,
          },
          {
            anchor: 'u2',
            dn: 'CN=Gone',
            kind: 'user' as const,
            action: 'withheld-delete' as const,
            attributes: [],
            reason: 'the deletion threshold',
          },
        ];
        await store.recordObjectChanges(first, changes);
        assert.deepEqual(await store.getObjectChanges(first), changes);
        await store.recordObjectChanges(first, []);
        assert.equal((await store.getObjectChanges(first)).length, 3);
        await store.startRun('delta', new Date('2024-06-01T09:00:00.000Z'));
        await store.startRun('delta', new Date('2024-06-01T10:00:00.000Z'));
        assert.deepEqual(await store.getObjectChanges(first), [], 'pruned with its run');
      });

      it('upgrades a version 6 store holding retries, links and deleted objects without losing any of it', async () => {
        const old = await fixture.open({ productVersion: '1.0.7100.0000' });
        opened.push(old);
        await old.migrate(6);
        const run = await old.startRun('full', new Date('2024-06-01T08:00:00.000Z'));
        await old.addRetries(run, ['retry-b', 'retry-a']);
        await old.addRetries(run, ['retry-a']);
        await old.saveLinks([link('linked', { cloudId: 'Cloud-Id' })]);
        const deleted = [{ anchor: 'gone', kind: 'group' as const, cloudId: 'c9', dn: 'CN=Gone', exported: {}, members: ['linked'], memberOf: [] }];
        await old.recordDeletedObjects(run, deleted);
        await old.close();
        const upgraded = await open();
        assert.deepEqual(await upgraded.listRetries(10), ['retry-a', 'retry-b']);
        await upgraded.addRetries(run, ['retry-b', 'retry-c']);
        await upgraded.clearRetries(['retry-a']);
        assert.deepEqual(await upgraded.listRetries(10), ['retry-b', 'retry-c']);
        assert.equal((await upgraded.getLinksByCloudIds(['Cloud-Id', 'cloud-id'])).get('Cloud-Id')?.anchor, 'linked');
        assert.equal((await upgraded.getLinksByCloudIds(['cloud-id'])).size, 0, 'cloud ids compare as written');
        assert.deepEqual(await upgraded.getDeletedObjects(run), deleted);
        assert.deepEqual((await upgraded.getObjectHistory('gone')).deleted, [{ ...deleted[0], runId: run }], 'found by its anchor after the upgrade');
      });

      it('upgrades a version 4 store whose links share a cloud id: both lose it and are queued for retry', async () => {
        const old = await fixture.open({ productVersion: '1.0.7000.0000' });
        opened.push(old);
        await old.migrate(4);
        await old.saveLinks([link('twin-1', { cloudId: 'same' }), link('twin-2', { cloudId: 'same' }), link('single', { cloudId: 'own' })]);
        await old.close();
        const upgraded = await open();
        const links = await upgraded.getLinks(['twin-1', 'twin-2', 'single']);
        assert.deepEqual(
          [...links.values()].map((entry) => [entry.anchor, entry.cloudId]),
          [
            ['twin-1', null],
            ['twin-2', null],
            ['single', 'own'],
          ],
        );
        assert.deepEqual((await upgraded.listRetries(10)).sort(), ['twin-1', 'twin-2']);
      });
    });
  });
}
