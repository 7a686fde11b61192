// explain's history of one object (objectHistory), on an embedded store whose run history holds an initial sync of
// 100,000 objects (100,000 run_changes rows) and 30 small delta runs: its time and the peak memory of a process that
// opens the store and reads that history, nothing else (the store is filled by another process first).
//   node_modules/.bin/node bench/object-history.ts
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../src/store/sqlite-store.ts';
import type { ObjectChange } from '../src/store/store.ts';
import { objectHistory } from '../src/use-cases/object-explanation.ts';
import { syntheticUserAttributes } from './synthetic-directory.ts';

const INITIAL_OBJECTS = 100_000;
const DELTA_RUNS = 30;
const CHANGES_PER_DELTA = 20;
const MEASUREMENTS = 3;
/** The object asked about: created by the initial sync, changed by every third delta run. */
const ASKED = anchorOf(4242);

function anchorOf(index: number): string {
  const guid = Buffer.alloc(16);
  guid.writeUInt32BE(0x5eed1e55, 0);
  guid.writeUInt32BE(index, 12);
  return guid.toString('base64');
}

/** A change shaped like an initial sync's: a user added with about ten attributes. */
function added(index: number): ObjectChange {
  const values = syntheticUserAttributes(index);
  return {
    anchor: anchorOf(index),
    dn: `CN=${values.displayName},OU=Staff,OU=People,DC=corp,DC=example,DC=com`,
    kind: 'user',
    action: 'added',
    attributes: Object.entries(values).map(([attribute, value]) => ({ name: attribute, old: null, new: value })),
    reason: null,
  };
}

async function fill(file: string): Promise<void> {
  const store = new SqliteStore(file);
  await store.migrate();
  const counts = { added: 0, updated: 0, deleted: 0, unchanged: 0, errors: 0, notExportable: 0, reverted: 0, restored: 0 };
  const initial = await store.startRun('full', new Date());
  await store.recordObjectChanges(
    initial,
    Array.from({ length: INITIAL_OBJECTS }, (_, index) => added(index)),
  );
  await store.finishRun(initial, 'success', { ...counts, added: INITIAL_OBJECTS }, new Date());
  for (let run = 1; run <= DELTA_RUNS; run++) {
    const runId = await store.startRun('delta', new Date());
    const touched = Array.from({ length: CHANGES_PER_DELTA }, (_, index) => run * 1000 + index);
    if (run % 3 === 0) touched[0] = 4242;
    await store.recordObjectChanges(
      runId,
      touched.map((index) => ({
        ...added(index),
        action: 'updated' as const,
        attributes: [{ name: 'jobTitle', old: 'Engineer', new: `Run ${run}` }],
      })),
    );
    await store.recordObjectErrors(runId, [
      { dn: 'CN=x', anchor: run === DELTA_RUNS ? ASKED : anchorOf(run), code: 'Request_BadRequest', message: 'bad' },
    ]);
    await store.finishRun(runId, 'success', { ...counts, updated: CHANGES_PER_DELTA }, new Date());
  }
  await store.close();
}

/** In a process of its own: opens the store, reads the history, prints what it took. */
async function measure(file: string): Promise<void> {
  const store = new SqliteStore(file);
  const openedRssMb = process.memoryUsage().rss / 2 ** 20;
  const started = performance.now();
  const history = await objectHistory(store, ASKED);
  const seconds = (performance.now() - started) / 1000;
  await store.close();
  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  console.log(JSON.stringify({ seconds, peakRssMb, openedRssMb, entries: history.entries.length }));
}

if (process.argv[2] === '--measure') {
  await measure(process.argv[3]!);
} else {
  const directory = mkdtempSync(join(tmpdir(), 'dirsync-bench-history-'));
  try {
    const file = join(directory, 'state.db');
    const filling = performance.now();
    await fill(file);
    console.log(
      `store: ${INITIAL_OBJECTS.toLocaleString('en')} changes in one run + ${DELTA_RUNS} runs of ${CHANGES_PER_DELTA} (filled in ${((performance.now() - filling) / 1000).toFixed(1)} s)`,
    );
    for (let round = 1; round <= MEASUREMENTS; round++) {
      const child = spawnSync(process.execPath, [import.meta.filename, '--measure', file], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      if (child.status !== 0) throw new Error(`the measuring process failed (exit code ${child.status})`);
      const { seconds, peakRssMb, openedRssMb, entries } = JSON.parse(child.stdout) as Record<string, number>;
      console.log(
        `objectHistory, round ${round}: ${seconds!.toFixed(3)} s, peak RSS ${peakRssMb!.toFixed(0)} MB (${openedRssMb!.toFixed(0)} MB with the store open), ${entries} history entries`,
      );
    }
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}
