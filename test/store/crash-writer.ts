// Child process of the crash-safety test: writes whole batches into a SQLite store until it is killed.
// Batch n holds links "batch-n-0000" … with the batch number in their exported attributes, and moves the
// watermark to n; it prints each batch number once committed.
import { SqliteStore } from '../../src/store/sqlite-store.ts';

const [file, batchSize] = process.argv.slice(2);
if (!file || !batchSize) throw new Error('usage: crash-writer.ts <store file> <links per batch>');
const store = new SqliteStore(file);
await store.migrate();
for (let batch = 0; ; batch++) {
  const links = Array.from({ length: Number(batchSize) }, (_, index) => ({
    anchor: `batch-${batch}-${String(index).padStart(4, '0')}`,
    kind: 'user' as const,
    cloudId: `cloud-${batch}-${index}`,
    dn: `CN=User ${index},OU=Batch ${batch},DC=example,DC=com`,
    exported: { batch, padding: 'x'.repeat(200) },
    lastSeenRunId: null,
  }));
  await store.saveLinks(links);
  await store.setMembers(
    `batch-${batch}-0000`,
    links.map((entry) => entry.anchor),
    [],
  );
  process.stdout.write(`${batch}\n`);
}
