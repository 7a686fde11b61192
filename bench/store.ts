// Store micro-benchmark: the embedded store's own workload, on node:sqlite (what ships) and on better-sqlite3
// (the usual alternative, a native addon), with the same schema, pragmas and SQL on both.
//   node_modules/.bin/node bench/store.ts [--json]      (also section 5 of npm run bench)
// better-sqlite3 is measured only, never shipped: install it outside the project first, e.g.
//   npm install --prefix /tmp/bsq better-sqlite3      (or set DIRSYNC_BENCH_BETTER_SQLITE3 to its folder)
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { MIGRATIONS } from '../src/store/migrations/index.ts';
import { SqliteStore } from '../src/store/sqlite-store.ts';
import type { ObjectLink, StateStore } from '../src/engine/state-store.ts';
import { syntheticUserAttributes } from './synthetic-directory.ts';

const LINKS = 100_000;
const BATCH = 500;
const GROUP_MEMBERS = 50_000;
const SWEEP_PAGE = 1000;

/** The part of the store interface the workload drives. */
type Workload = Pick<StateStore, 'saveLinks' | 'getLinks' | 'markSeen' | 'unseenLinks' | 'setMembers' | 'getMemberships'>;

/** What node:sqlite's DatabaseSync and better-sqlite3's Database have in common. */
interface Statement {
  run(...parameters: (string | number | null)[]): unknown;
  get(...parameters: (string | number | null)[]): unknown;
  all(...parameters: (string | number | null)[]): unknown[];
}
interface Database {
  exec(sql: string): unknown;
  prepare(sql: string): Statement;
  close(): unknown;
}

/**
 * The SqliteStore's statements for the benchmarked methods, written once against either driver, so that
 * the two drivers run identical SQL. (SqliteStore itself is measured too, to show its own overhead.)
 */
class DriverStore implements Workload {
  private readonly database: Database;
  private readonly upsertLink: Statement;
  private readonly selectLink: Statement;
  private readonly markLink: Statement;
  private readonly unseenPage: Statement;
  private readonly insertMember: Statement;
  private readonly deleteMember: Statement;
  private readonly selectMembers: Statement;

  constructor(database: Database) {
    this.database = database;
    database.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;');
    for (const migration of MIGRATIONS) for (const statement of migration.sqlite) database.exec(statement);
    this.upsertLink = database.prepare(`INSERT INTO links (anchor, kind, cloud_id, dn, exported, last_seen_run) VALUES (?, ?, ?, ?, ?, ?)
      ON CONFLICT (anchor) DO UPDATE SET kind = excluded.kind, cloud_id = excluded.cloud_id, dn = excluded.dn,
        exported = excluded.exported, last_seen_run = excluded.last_seen_run`);
    this.selectLink = database.prepare('SELECT anchor, kind, cloud_id, dn, exported, last_seen_run FROM links WHERE anchor = ?');
    this.markLink = database.prepare('UPDATE links SET last_seen_run = ? WHERE anchor = ?');
    this.unseenPage = database.prepare(`SELECT anchor, kind, cloud_id, dn, exported, last_seen_run FROM links
      WHERE anchor > ? AND (last_seen_run IS NULL OR last_seen_run <> ?) ORDER BY anchor LIMIT ?`);
    this.insertMember = database.prepare('INSERT OR IGNORE INTO memberships (group_anchor, member_anchor) VALUES (?, ?)');
    this.deleteMember = database.prepare('DELETE FROM memberships WHERE group_anchor = ? AND member_anchor = ?');
    this.selectMembers = database.prepare('SELECT member_anchor FROM memberships WHERE group_anchor = ?');
  }

  async saveLinks(links: readonly ObjectLink[]): Promise<void> {
    this.transaction(() => {
      for (const link of links) this.upsertLink.run(link.anchor, link.kind, link.cloudId, link.dn, JSON.stringify(link.exported), link.lastSeenRunId);
    });
  }

  async getLinks(anchors: readonly string[]): Promise<Map<string, ObjectLink>> {
    const links = new Map<string, ObjectLink>();
    for (const anchor of anchors) {
      const row = this.selectLink.get(anchor) as LinkRow | undefined;
      if (row) links.set(anchor, toLink(row));
    }
    return links;
  }

  async markSeen(runId: number, anchors: readonly string[]): Promise<void> {
    this.transaction(() => {
      for (const anchor of anchors) this.markLink.run(runId, anchor);
    });
  }

  async *unseenLinks(runId: number): AsyncGenerator<ObjectLink> {
    let after = '';
    for (;;) {
      const page = this.unseenPage.all(after, runId, SWEEP_PAGE) as LinkRow[];
      for (const row of page) yield toLink(row);
      if (page.length < SWEEP_PAGE) return;
      after = page.at(-1)!.anchor;
    }
  }

  async setMembers(groupAnchor: string, add: readonly string[], remove: readonly string[]): Promise<void> {
    this.transaction(() => {
      for (const member of remove) this.deleteMember.run(groupAnchor, member);
      for (const member of add) this.insertMember.run(groupAnchor, member);
    });
  }

  async getMemberships(groupAnchors: readonly string[]): Promise<Map<string, Set<string>>> {
    return new Map(
      groupAnchors.map((group) => [group, new Set((this.selectMembers.all(group) as { member_anchor: string }[]).map((row) => row.member_anchor))]),
    );
  }

  async close(): Promise<void> {
    this.database.close();
  }

  private transaction(work: () => void): void {
    this.database.exec('BEGIN IMMEDIATE');
    try {
      work();
      this.database.exec('COMMIT');
    } catch (error) {
      this.database.exec('ROLLBACK');
      throw error;
    }
  }
}

interface LinkRow {
  anchor: string;
  kind: ObjectLink['kind'];
  cloud_id: string | null;
  dn: string;
  exported: string;
  last_seen_run: number | null;
}

function toLink(row: LinkRow): ObjectLink {
  return {
    anchor: row.anchor,
    kind: row.kind,
    cloudId: row.cloud_id,
    dn: row.dn,
    exported: JSON.parse(row.exported) as Record<string, unknown>,
    lastSeenRunId: row.last_seen_run,
  };
}

/** A link shaped like a real user's: a GUID anchor, a DN and ~10 exported attributes. */
function syntheticLink(index: number): ObjectLink {
  const guid = Buffer.alloc(16);
  guid.writeUInt32BE(index, 12);
  guid.writeUInt32BE(0x5eed1e55, 0);
  const name = `User ${String(index).padStart(6, '0')}`;
  return {
    anchor: guid.toString('base64'),
    kind: 'user',
    cloudId: `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`,
    dn: `CN=${name},OU=Staff,OU=People,DC=corp,DC=example,DC=com`,
    exported: {
      ...syntheticUserAttributes(index),
      onPremisesImmutableId: guid.toString('base64'),
    },
    lastSeenRunId: 1,
  };
}

interface Timing {
  step: string;
  items: number;
  seconds: number;
}

async function runWorkload(store: Workload): Promise<Timing[]> {
  const links = Array.from({ length: LINKS }, (_, index) => syntheticLink(index));
  const anchors = links.map((link) => link.anchor);
  const timings: Timing[] = [];
  async function measure(step: string, items: number, work: () => Promise<void>): Promise<void> {
    const start = performance.now();
    await work();
    timings.push({ step, items, seconds: (performance.now() - start) / 1000 });
  }
  const batches = <T>(items: readonly T[]): T[][] =>
    Array.from({ length: Math.ceil(items.length / BATCH) }, (_, index) => items.slice(index * BATCH, (index + 1) * BATCH));

  await measure(`saveLinks (${LINKS.toLocaleString('en')} new links, batches of ${BATCH})`, LINKS, async () => {
    for (const batch of batches(links)) await store.saveLinks(batch);
  });
  await measure(`saveLinks (same links updated, batches of ${BATCH})`, LINKS, async () => {
    for (const batch of batches(links)) await store.saveLinks(batch.map((link) => ({ ...link, lastSeenRunId: 2 })));
  });
  await measure(`getLinks (batches of ${BATCH})`, LINKS, async () => {
    for (const batch of batches(anchors)) if ((await store.getLinks(batch)).size !== batch.length) throw new Error('getLinks lost links');
  });
  // A full import that sees 90% of the objects: the sweep then streams the other 10%, reading the whole table.
  const seen = anchors.filter((_, index) => index % 10 !== 0);
  await measure(`markSeen (batches of ${BATCH})`, seen.length, async () => {
    for (const batch of batches(seen)) await store.markSeen(3, batch);
  });
  await measure(`unseenLinks sweep over ${LINKS.toLocaleString('en')} links`, LINKS, async () => {
    let unseen = 0;
    for await (const _ of store.unseenLinks(3)) unseen++;
    if (unseen !== LINKS - seen.length) throw new Error(`the sweep found ${unseen} links`);
  });
  const members = anchors.slice(0, GROUP_MEMBERS);
  await measure(`setMembers (${GROUP_MEMBERS.toLocaleString('en')} members, one call)`, GROUP_MEMBERS, () =>
    store.setMembers('big-group', members, []),
  );
  await measure(`getMemberships (${GROUP_MEMBERS.toLocaleString('en')}-member group)`, GROUP_MEMBERS, async () => {
    if ((await store.getMemberships(['big-group'])).get('big-group')!.size !== GROUP_MEMBERS) throw new Error('getMemberships lost members');
  });
  return timings;
}

type BetterSqlite3 = new (file: string) => Database;

function loadBetterSqlite3(): BetterSqlite3 | undefined {
  const folder = process.env.DIRSYNC_BENCH_BETTER_SQLITE3 ?? '/tmp/bsq';
  try {
    return createRequire(join(folder, 'noop.js'))('better-sqlite3') as BetterSqlite3;
  } catch {
    return undefined;
  }
}

/** Each engine runs the workload this many times, interleaved, on a fresh file; the best time per step counts. */
const ROUNDS = Number(process.env.DIRSYNC_BENCH_ROUNDS ?? 3);

async function main(): Promise<void> {
  const engines = new Map<string, (file: string) => Promise<Workload & { close(): unknown }>>([
    [
      'SqliteStore',
      async (file) => {
        const store = new SqliteStore(file);
        await store.migrate();
        return store;
      },
    ],
    ['node:sqlite', async (file) => new DriverStore(new DatabaseSync(file))],
  ]);
  const BetterDatabase = loadBetterSqlite3();
  if (BetterDatabase) engines.set('better-sqlite3', async (file) => new DriverStore(new BetterDatabase(file)));
  const skipped = BetterDatabase
    ? []
    : ['better-sqlite3 not installed: skipped (npm install --prefix /tmp/bsq better-sqlite3, or set DIRSYNC_BENCH_BETTER_SQLITE3 to its folder)'];

  const best = new Map<string, Timing[]>();
  const directory = mkdtempSync(join(tmpdir(), 'dirsync-bench-store-'));
  try {
    for (let round = 0; round < ROUNDS; round++) {
      for (const [engine, open] of engines) {
        const store = await open(join(directory, `${engine.replace(/\W/g, '-')}-${round}.db`));
        const timings = await runWorkload(store);
        await store.close();
        const previous = best.get(engine);
        best.set(
          engine,
          previous ? timings.map((timing, index) => (timing.seconds < previous[index]!.seconds ? timing : previous[index]!)) : timings,
        );
      }
    }
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }

  const names = [...best.keys()];
  if (process.argv.includes('--json')) {
    // For bench/run.ts: the same figures as one JSON document.
    const steps = best.get('SqliteStore')!.map((timing, index) => ({
      step: timing.step,
      itemsPerSecond: Object.fromEntries(names.map((name) => [name, Math.round(best.get(name)![index]!.items / best.get(name)![index]!.seconds)])),
    }));
    console.log(JSON.stringify({ rounds: ROUNDS, engines: names, skipped, steps }));
    return;
  }
  for (const notice of skipped) console.log(notice);
  console.log(`Node ${process.version}, SQLite WAL + synchronous=FULL, best of ${ROUNDS} rounds, items/s (higher is better)`);
  console.log(['step'.padEnd(58), ...names.map((name) => name.padStart(15))].join(''));
  best.get('SqliteStore')!.forEach((timing, index) => {
    const cells = names.map((name) => {
      const measured = best.get(name)![index]!;
      return Math.round(measured.items / measured.seconds)
        .toLocaleString('en')
        .padStart(15);
    });
    console.log([timing.step.padEnd(58), ...cells].join(''));
  });
}

await main();
