import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { DirSyncError } from '../../src/core/errors.ts';
import { SqliteStore } from '../../src/store/sqlite-store.ts';
import { describeStoreContract, link } from './contract.ts';

describeStoreContract('SQLite', async () => {
  const directory = await mkdtemp(join(tmpdir(), 'dirsync-store-'));
  const file = join(directory, 'state.db');
  return {
    open: async (options) => new SqliteStore(file, options),
    execute: async (statement) => {
      const database = new DatabaseSync(file);
      try {
        database.exec(statement);
      } finally {
        database.close();
      }
    },
    destroy: () => rm(directory, { recursive: true, force: true }),
  };
});

describe('the SQLite state store file', function () {
  this.timeout(120_000);
  let directory: string;
  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), 'dirsync-store-'));
  });
  afterEach(() => rm(directory, { recursive: true, force: true }));

  it('is created readable and writable by its owner only, with its -wal and -shm files', async () => {
    const file = join(directory, 'state.db');
    const store = new SqliteStore(file);
    try {
      await store.migrate();
      await store.saveLinks([link('a')]);
      for (const path of [file, `${file}-wal`, `${file}-shm`]) {
        assert.equal((await stat(path)).mode & 0o777, 0o600, path);
      }
    } finally {
      await store.close();
    }
  });

  it('refuses a file that is not a database, saying which and what to do', async () => {
    const file = join(directory, 'state.db');
    await writeFile(file, 'not a database, just text that is long enough to fill a header'.repeat(20));
    assert.throws(
      () => new SqliteStore(file),
      (error: unknown) => {
        assert.ok(error instanceof DirSyncError && error.code === 'Store.open-failed');
        assert.match(`${error.message} ${error.recommendedAction}`, /state\.db: file is not a database\. .*restore it from a backup/);
        return true;
      },
    );
  });

  describe('after the writing process is killed (SIGKILL) at a random moment', () => {
    const BATCH_SIZE = 500;
    const KILLS = 10;

    it(`opens, passes the integrity check and holds only whole batches (${KILLS} kills)`, async () => {
      for (let attempt = 0; attempt < KILLS; attempt++) {
        const file = join(directory, `crash-${attempt}.db`);
        const committed = await runWriterAndKill(file, BATCH_SIZE, attempt === 0 ? 0 : Math.random() * 400);

        const database = new DatabaseSync(file);
        try {
          assert.equal((database.prepare('PRAGMA integrity_check').get() as { integrity_check: string }).integrity_check, 'ok');
        } finally {
          database.close();
        }
        const store = new SqliteStore(file);
        try {
          await store.migrate();
          const count = await store.countLinks();
          assert.equal(count % BATCH_SIZE, 0, `${count} links is not a whole number of batches`);
          const batches = count / BATCH_SIZE;
          assert.ok(batches >= committed, `batch ${committed - 1} was reported committed, yet only ${batches} batches are stored`);
          for (let batch = 0; batch < batches; batch++) {
            const stored = await store.getLinks([`batch-${batch}-0000`, `batch-${batch}-${String(BATCH_SIZE - 1).padStart(4, '0')}`]);
            assert.equal(stored.size, 2, `batch ${batch} is incomplete`);
            const members = (await store.getMemberships([`batch-${batch}-0000`])).get(`batch-${batch}-0000`)!.size;
            assert.ok(members === 0 || members === BATCH_SIZE, `batch ${batch} has ${members} memberships`);
          }
        } finally {
          await store.close();
        }
      }
    });
  });
});

/** Starts crash-writer.ts, lets it commit for `runMs` after its first batch, kills it; → batches it reported committed. */
function runWriterAndKill(file: string, batchSize: number, runMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const writer = spawn(process.execPath, [join(import.meta.dirname, 'crash-writer.ts'), file, String(batchSize)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let committed = 0;
    let timer: NodeJS.Timeout | undefined;
    writer.stdout.setEncoding('utf8').on('data', (text: string) => {
      committed += text.split('\n').filter(Boolean).length;
      timer ??= setTimeout(() => writer.kill('SIGKILL'), runMs);
    });
    writer.on('error', reject);
    writer.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (signal === 'SIGKILL') resolve(committed);
      else reject(new Error(`the writer exited by itself (code ${code}, signal ${signal})`));
    });
  });
}
