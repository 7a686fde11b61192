// Several forests behind one DirectorySource, run through the real engine with a SQLite store and an in-memory
// tenant: both forests land, each keeps its own watermark, a forest that cannot be read costs no deletion and is
// named in the run's status, the deletion guard counts per forest, and a forest being removed loses its objects
// only as out-of-scope deletes. (test/e2e/forests.test.ts runs the same against two real Samba domains.)
import { DEFAULT_ATTRIBUTE_MAPPING } from '../../../src/engine/mapping/attribute-mapping.ts';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeForestWatermarks, encodeForestWatermarks } from '../../../src/connectors/ad/forest-watermarks.ts';
import { ForeignPrincipalResolver } from '../../../src/connectors/ad/foreign-principals.ts';
import { MultiForestSource, type ForestReader } from '../../../src/connectors/ad/multi-forest-source.ts';
import { DirSyncError } from '../../../src/core/errors.ts';
import { silentReporter } from '../../../src/core/reporter.ts';
import { directoryImport } from '../../../src/engine/directory-import.ts';
import type { ImportChange, SourceObject } from '../../../src/engine/model.ts';
import type { DeletionCandidate, DeletionVerdict, DirectoryImport } from '../../../src/engine/ports.ts';
import { resolveRunMode } from '../../../src/engine/run-mode.ts';
import { runSyncCycle, type CycleOptions } from '../../../src/engine/sync-cycle.ts';
import { SqliteStore } from '../../../src/store/sqlite-store.ts';
import { MemoryCloud, ScriptedDirectory, user } from '../../engine/fakes.ts';

const CORP = 'corp.example.test';
const FABRIKAM = 'fabrikam.example.test';

/** A forest's reader over a scripted directory; `down` makes every read fail as a stopped DC does. */
class FakeForest implements ForestReader {
  down = false;
  readonly directory = new ScriptedDirectory();
  readonly sid: string;
  constructor(sid: string) {
    this.sid = sid;
  }
  fullImport(): DirectoryImport {
    return this.down ? directoryImport(this.#unreachable()) : this.directory.fullImport();
  }
  deltaImport(): DirectoryImport {
    return this.down ? directoryImport(this.#unreachable()) : this.directory.deltaImport();
  }
  readObjects(anchors: readonly string[]): AsyncIterable<ImportChange> {
    return this.down ? this.#unreachable() : this.directory.readObjects(anchors);
  }
  listScope(): AsyncIterable<DeletionCandidate> {
    return this.down ? this.#unreachable() : this.directory.listScope();
  }
  coverage() {
    return this.directory.coverage();
  }
  confirmDeletions(candidates: readonly DeletionCandidate[]): AsyncIterable<DeletionVerdict> {
    return this.down ? this.#unreachable() : this.directory.confirmDeletions(candidates);
  }
  async domainSid(): Promise<string> {
    if (this.down) throw unreachable();
    return this.sid;
  }
  async anchorOfSid(sid: string): Promise<string | undefined> {
    if (this.down) throw unreachable();
    return [...this.directory.objects.values()].find((object) => object.attributes.objectsid?.[0] === sid)?.anchor;
  }
  get account(): string {
    return `AAD_${this.sid.slice(-5)}`;
  }
  async findObject(identity: { dn: string } | { userPrincipalName: string }) {
    const object = [...this.directory.objects.values()].find((candidate) =>
      'dn' in identity ? candidate.dn === identity.dn : candidate.attributes.userprincipalname?.[0] === identity.userPrincipalName,
    );
    return object ? ({ found: true, anchor: object.anchor, dn: object.dn } as const) : ({ found: false } as const);
  }
  async examineObject(candidate: DeletionCandidate) {
    const object = this.directory.objects.get(candidate.anchor);
    return object
      ? { state: 'visible' as const, reason: 'in scope', dn: object.dn, kind: object.kind, object }
      : { state: 'gone' as const, reason: 'no such object', dn: candidate.dn, kind: undefined, object: undefined };
  }
  async close(): Promise<void> {}
  // biome-ignore lint/correctness/useYield: it fails before its first value, as a DC that does not answer
  async *#unreachable(): AsyncGenerator<never, string> {
    throw unreachable();
  }
}

function unreachable(): DirSyncError {
  return new DirSyncError('ActiveDirectory.unreachable', 'The domain controller 127.0.0.9:636 cannot be reached (ECONNREFUSED).');
}

function inFabrikam(object: SourceObject): SourceObject {
  return { ...object, dn: object.dn.replace('OU=Corp,DC=corp,DC=example,DC=test', 'OU=Fabrikam,DC=fabrikam,DC=example,DC=test') };
}

describe('several forests as one source (issue 22)', () => {
  let directory: string;
  let store: SqliteStore;
  let cloud: MemoryCloud;
  let corp: FakeForest;
  let fabrikam: FakeForest;
  const defaults: CycleOptions = {
    mode: 'delta',
    runMode: resolveRunMode({ kind: 'live' }),
    acceptDeletes: false,
    deletionGuard: { enabled: true, threshold: 500, sharePercent: 20 },
    softMatch: 'smtp-then-upn',
    deltaDeletions: 'tombstones',
    cloudDrift: 'revert',
    mapping: DEFAULT_ATTRIBUTE_MAPPING,
  };
  const source = (forests: FakeForest[] = [corp, fabrikam], withdrawn: string[] = []) =>
    new MultiForestSource(
      forests.map((forest) => ({ name: forest === corp ? CORP : FABRIKAM, open: () => forest })),
      { withdrawn },
    );
  const cycle = (options: Partial<CycleOptions> = {}, from = source()) =>
    runSyncCycle({ ...defaults, ...options }, { store, source: from, target: cloud, exporter: cloud, reporter: silentReporter });

  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), 'dirsync-forests-'));
    store = new SqliteStore(join(directory, 'state.db'));
    await store.migrate();
    cloud = new MemoryCloud();
    corp = new FakeForest('S-1-5-21-1-2-3');
    fabrikam = new FakeForest('S-1-5-21-7-8-9');
    corp.directory.put(user('AAAA', 'alice'));
    corp.directory.put(user('BBBB', 'bob'));
    fabrikam.directory.put(inFabrikam(user('FFFF', 'fiona')));
  });
  afterEach(async () => {
    await store.close();
    await rm(directory, { recursive: true, force: true });
  });

  it('reads every forest, then exports once; each forest keeps its own watermark and counts', async () => {
    const result = await cycle();
    assert.equal(result.status, 'success');
    assert.equal(result.counts.added, 3);
    assert.deepEqual(
      result.parts?.map((part) => [part.name, part.status, part.counts.added]),
      [
        [CORP, 'read', 2],
        [FABRIKAM, 'read', 1],
      ],
    );
    const stored = decodeForestWatermarks((await store.getWatermark('active-directory'))!, CORP);
    assert.deepEqual([...stored.keys()], [CORP, FABRIKAM]);

    fabrikam.directory.put(inFabrikam(user('FFFF', 'fiona', { title: ['Buyer'] })));
    const delta = await cycle();
    assert.equal(delta.mode, 'delta');
    assert.deepEqual(
      delta.parts?.map((part) => [part.name, part.counts.updated]),
      [
        [CORP, 0],
        [FABRIKAM, 1],
      ],
    );
  });

  it('a forest that cannot be read costs no deletion: the others sync, the run names it and ends completed-forest-errors', async () => {
    await cycle();
    fabrikam.down = true;
    corp.directory.put(user('AAAA', 'alice', { title: ['Head of Sales'] }));
    for (const options of [{ mode: 'delta' as const }, { mode: 'delta' as const, deltaDeletions: 'listing' as const }, { mode: 'full' as const }]) {
      const result = await cycle(options);
      assert.equal(result.status, 'completed-forest-errors', JSON.stringify(options));
      assert.match(result.message ?? '', new RegExp(`${FABRIKAM.replaceAll('.', '\\.')} could not be read \\[ActiveDirectory\\.unreachable\\]`));
      assert.equal(result.counts.deleted, 0);
      assert.equal(result.parts?.find((part) => part.name === FABRIKAM)?.status, 'unreadable');
      assert.equal(result.parts?.find((part) => part.name === CORP)?.status, 'read');
      assert.ok(cloud.byAnchor('FFFF'), "fabrikam's user is still in the cloud");
    }
    assert.equal(cloud.byAnchor('AAAA')?.attributes.jobTitle, 'Head of Sales', "corp's change arrived");

    // The full import saw fabrikam's objects missing: each is answered unconfirmed, never gone.
    const full = await cycle({ mode: 'full' });
    assert.deepEqual(
      full.withheld.map((entry) => [entry.anchor, /could not be confirmed: fabrikam\.example\.test could not be read/.test(entry.reason)]),
      [['FFFF', true]],
    );

    // Back: it resumes from its own watermark and converges.
    fabrikam.down = false;
    fabrikam.directory.put(inFabrikam(user('GGGG', 'gina')));
    const back = await cycle();
    assert.equal(back.status, 'success');
    assert.ok(cloud.byAnchor('GGGG'));
  });

  it('a retry of an object is never a delete while a forest that may hold it is unread', async () => {
    const source = new MultiForestSource([
      { name: CORP, open: () => corp },
      { name: FABRIKAM, open: () => fabrikam },
    ]);
    const read = async (anchors: string[]) => {
      const changes: ImportChange[] = [];
      for await (const change of source.readObjects(anchors)) changes.push(change);
      return changes.map((change) => (change.op === 'upsert' ? `upsert ${change.object.anchor}` : `delete ${change.anchor}`));
    };
    assert.deepEqual(await read(['FFFF', 'AAAA', 'GONE']), ['upsert AAAA', 'upsert FFFF', 'delete GONE']);
    fabrikam.down = true;
    assert.deepEqual(await read(['FFFF', 'AAAA', 'GONE']), ['upsert AAAA']);
  });

  it('a candidate whose DN is in no configured forest is gone only when every forest says so', async () => {
    const verdicts = async () => {
      const found: string[] = [];
      for await (const verdict of source().confirmDeletions([
        { anchor: 'FFFF', dn: 'CN=fiona,OU=Elsewhere,DC=old,DC=example' },
        { anchor: 'ZZZZ', dn: 'CN=zed,OU=Elsewhere,DC=old,DC=example' },
      ]))
        found.push(`${verdict.anchor} ${verdict.verdict}`);
      return found;
    };
    assert.deepEqual(await verdicts(), ['FFFF hidden', 'ZZZZ gone'], 'fiona exists in fabrikam: never gone');
    fabrikam.down = true;
    assert.deepEqual(await verdicts(), ['FFFF unconfirmed', 'ZZZZ unconfirmed']);
  });

  it('explain finds and examines an object in the forest that holds it', async () => {
    const both = source();
    assert.equal(both.account, 'AAD_1-2-3, AAD_7-8-9');
    assert.deepEqual(await both.findObject({ userPrincipalName: 'fiona@corp.example.test' }), {
      found: true,
      anchor: 'FFFF',
      dn: 'CN=fiona,OU=Fabrikam,DC=fabrikam,DC=example,DC=test',
    });
    assert.deepEqual(await both.findObject({ dn: 'CN=fiona,OU=Corp,DC=corp,DC=example,DC=test' }), { found: false });
    assert.equal((await both.examineObject({ anchor: 'FFFF', dn: '' })).state, 'visible', 'no DN: asked of every forest');
    assert.equal((await both.examineObject({ anchor: 'AAAA', dn: 'CN=alice,OU=Corp,DC=corp,DC=example,DC=test' })).state, 'visible');
  });

  it('counts the deletion guard per forest too: a forest losing most of its objects is stopped', async () => {
    for (let index = 0; index < 40; index++) corp.directory.put(user(`C${index}`, `corp${index}`));
    for (let index = 0; index < 9; index++) fabrikam.directory.put(inFabrikam(user(`F${index}`, `fab${index}`)));
    await cycle();
    for (let index = 0; index < 7; index++) fabrikam.directory.remove(`F${index}`);
    const result = await cycle();
    assert.equal(result.status, 'stopped-deletion-threshold-exceeded');
    assert.match(result.withheld[0]!.reason, /in fabrikam\.example\.test: 7 object deletes of 10: more than 20 %/);
    assert.doesNotMatch(result.withheld[0]!.reason, /; 7 object deletes of 52/, 'over all forests the same deletes are within the guard');
  });

  it('a forest being removed loses its objects as out-of-scope deletes, through the guard', async () => {
    for (let index = 0; index < 9; index++) fabrikam.directory.put(inFabrikam(user(`F${index}`, `fab${index}`)));
    await cycle();
    const withheld = await cycle({ mode: 'full' }, source([corp], [FABRIKAM]));
    assert.equal(withheld.status, 'stopped-deletion-threshold-exceeded');
    assert.equal(withheld.withheld.length, 10);
    assert.ok(cloud.byAnchor('FFFF'));
    const accepted = await cycle({ mode: 'full', acceptDeletes: true }, source([corp], [FABRIKAM]));
    assert.equal(accepted.status, 'success');
    assert.equal(accepted.counts.deleted, 10);
    assert.equal(cloud.byAnchor('FFFF'), undefined);
    assert.ok(cloud.byAnchor('AAAA'));
  });
});

describe('forest watermarks', () => {
  it('one forest keeps its own watermark as it is; a watermark written before there were others is the first forest’s', () => {
    assert.equal(encodeForestWatermarks(new Map([[CORP, 'corp-w']]), [CORP]), 'corp-w');
    const both = encodeForestWatermarks(
      new Map([
        [CORP, 'corp-w'],
        [FABRIKAM, 'fab-w'],
      ]),
      [CORP, FABRIKAM],
    );
    assert.deepEqual(
      [...decodeForestWatermarks(both, CORP)],
      [
        [CORP, 'corp-w'],
        [FABRIKAM, 'fab-w'],
      ],
    );
    assert.deepEqual([...decodeForestWatermarks('{"version":1,"mechanism":"dirsync"}', CORP)], [[CORP, '{"version":1,"mechanism":"dirsync"}']]);
  });
});

describe('foreign security principals across forests', () => {
  const directoryOf = (name: string, sid: string, objects: Record<string, string>, state: { down: boolean }) => ({
    name,
    reader: {
      async domainSid() {
        if (state.down) throw unreachable();
        return sid;
      },
      async anchorOfSid(member: string) {
        if (state.down) throw unreachable();
        return objects[member];
      },
    },
  });
  const unread = new Set<string>();
  const health = { isUnread: (name: string) => unread.has(name), fail: (name: string) => void unread.add(name) };

  it('resolves a member in the forest whose domain SID its SID extends; an SID of no forest is left out, said why', async () => {
    unread.clear();
    const fabrikamState = { down: false };
    const resolver = new ForeignPrincipalResolver(
      [
        directoryOf(CORP, 'S-1-5-21-1-2-3', {}, { down: false }),
        directoryOf(FABRIKAM, 'S-1-5-21-7-8-9', { 'S-1-5-21-7-8-9-1105': 'FFFF' }, fabrikamState),
      ],
      health,
    );
    assert.deepEqual(await resolver.resolve('S-1-5-21-7-8-9-1105', CORP), { anchor: 'FFFF' });
    assert.match(((await resolver.resolve('S-1-5-21-4-4-4-1105', CORP)) as { unresolved: string }).unresolved, /belongs to no forest/);
    assert.match(((await resolver.resolve('S-1-5-21-7-8-9-9999', CORP)) as { unresolved: string }).unresolved, /holds no object/);
  });

  it('a member of a forest that cannot be read is unavailable (its group then only gains members), never left out', async () => {
    unread.clear();
    const resolver = new ForeignPrincipalResolver(
      [directoryOf(CORP, 'S-1-5-21-1-2-3', {}, { down: false }), directoryOf(FABRIKAM, 'S-1-5-21-7-8-9', {}, { down: true })],
      health,
    );
    assert.deepEqual(await resolver.resolve('S-1-5-21-7-8-9-1105', CORP), { unavailable: FABRIKAM });
    assert.deepEqual(await resolver.resolve('S-1-5-21-4-4-4-1105', CORP), { unavailable: FABRIKAM }, 'it may be one of the unread forest');
  });
});
