// Saved plans without servers: what an operation looks like in a plan, that no password survives, the digest.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { approvedOperation, operationKey, PLAN_FORMAT, readPlan, sealPlan, writePlan } from '../../src/engine/plans/saved-plan.ts';

describe('saved plans', () => {
  let directory: string;
  beforeEach(async () => (directory = await mkdtemp(join(tmpdir(), 'dirsync-plan-unit-'))));
  afterEach(async () => rm(directory, { recursive: true, force: true }));

  const plan = () =>
    sealPlan({
      format: PLAN_FORMAT,
      createdAt: '2026-12-01T00:00:00.000Z',
      installation: '/var/lib/dirsync',
      mode: 'delta',
      computedFrom: { configuration: 'sha256:c', store: 'sha256:s', watermark: '{"mechanism":"usn"}' },
      thresholdExceeded: false,
      counts: { added: 1 },
      withheld: [],
      operations: [
        {
          ...approvedOperation({
            action: 'create',
            objectType: 'user',
            anchor: 'AAAA',
            body: { displayName: 'Alice', passwordProfile: { password: 'S3cret!', forceChangePasswordNextSignIn: false } },
          }),
          dn: 'CN=Alice',
        },
      ],
    });

  it('keeps no password in a create, and names members and managers by anchor only', () => {
    assert.deepEqual(
      approvedOperation({ action: 'create', objectType: 'user', anchor: 'AAAA', body: { displayName: 'Alice', passwordProfile: { password: 'x' } } }),
      { action: 'create', objectType: 'user', anchor: 'AAAA', body: { displayName: 'Alice' } },
    );
    assert.deepEqual(
      approvedOperation({ action: 'add-members', anchor: 'GGGG', groupId: '(new group)', members: [{ anchor: 'AAAA', cloudId: 'id-1' }] }),
      { action: 'add-members', anchor: 'GGGG', members: ['AAAA'] },
    );
    assert.deepEqual(
      approvedOperation({ action: 'set-manager', anchor: 'BBBB', userId: 'id-2', manager: { anchor: 'AAAA', cloudId: '(new user)' } }),
      { action: 'set-manager', anchor: 'BBBB', manager: 'AAAA' },
    );
  });

  it('gives equal operations one key, whatever the order of their attributes', () => {
    const one = approvedOperation({ action: 'update', objectType: 'user', anchor: 'AAAA', cloudId: 'c', body: { jobTitle: 'x', department: 'y' } });
    const other = approvedOperation({ action: 'update', objectType: 'user', anchor: 'AAAA', cloudId: 'c', body: { department: 'y', jobTitle: 'x' } });
    assert.equal(operationKey(one), operationKey(other));
    const changed = approvedOperation({
      action: 'update',
      objectType: 'user',
      anchor: 'AAAA',
      cloudId: 'c',
      body: { jobTitle: 'z', department: 'y' },
    });
    assert.notEqual(operationKey(one), operationKey(changed));
  });

  it('reads back what it wrote, and refuses a plan changed after it was saved', async () => {
    const file = join(directory, 'plan.json');
    await writePlan(file, plan());
    assert.ok(!(await readFile(file, 'utf8')).includes('S3cret!'));
    assert.deepEqual(await readPlan(file), plan());
    const edited = JSON.parse(await readFile(file, 'utf8'));
    edited.operations[0].body.displayName = 'Mallory';
    await writeFile(file, JSON.stringify(edited));
    await assert.rejects(readPlan(file), (error: { code?: string }) => error.code === 'Plan.tampered');
    await writeFile(file, '{"format":"something else"}');
    await assert.rejects(readPlan(file), (error: { code?: string }) => error.code === 'Plan.unreadable');
  });
});
