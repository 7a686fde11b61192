import assert from 'node:assert/strict';
import { CloudDirectory } from '../../../src/connectors/entra/cloud-directory.ts';
import type { EntraConnection } from '../../../src/connectors/entra/connection.ts';
import { Exporter } from '../../../src/connectors/entra/exporter.ts';
import type { CloudOperation, OperationOutcome } from '../../../src/engine/operations.ts';
import type { EntraStandIn } from '../../entra-standin/stand-in.ts';
import { anchorFor, connect, userBody, withStandIn } from './stand-in-fixture.ts';

async function collect(outcomes: AsyncIterable<OperationOutcome>): Promise<OperationOutcome[]> {
  const all: OperationOutcome[] = [];
  for await (const outcome of outcomes) all.push(outcome);
  return all;
}

function createUsers(from: number, count: number, domain: string): CloudOperation[] {
  return Array.from({ length: count }, (_, offset) => ({
    action: 'create',
    objectType: 'user',
    anchor: anchorFor(from + offset),
    body: userBody(from + offset, domain),
  }));
}

function failures(outcomes: OperationOutcome[]): OperationOutcome[] {
  return outcomes.filter((outcome) => !outcome.ok);
}

describe('Exporter ($batch) against the stand-in', function () {
  this.timeout(60_000);
  let standIn: EntraStandIn;
  let connection: EntraConnection;
  let anchorProperty: string;
  const exporter = (concurrency?: number) =>
    new Exporter(connection.session, { sourceAnchorProperty: anchorProperty, ...(concurrency ? { concurrency } : {}) });

  before(async () => {
    standIn = await withStandIn();
    connection = await connect(standIn);
    anchorProperty = await new CloudDirectory(connection.session, standIn.clientId).ensureSourceAnchorExtension();
  });
  beforeEach(() => {
    standIn.control.reset();
    standIn.control.setThrottle(undefined);
  });
  after(async () => {
    connection.close();
    await standIn.stop();
  });

  it('creates users, groups and memberships in batches of at most 20, one outcome per operation', async () => {
    const domain = standIn.initialDomain;
    const userOutcomes = await collect(exporter(1).apply(createUsers(0, 45, domain)));
    assert.equal(userOutcomes.length, 45);
    assert.deepEqual(failures(userOutcomes), []);
    const userIds = new Map(userOutcomes.map((outcome) => [outcome.operation.anchor, outcome.ok ? outcome.cloudId! : '']));

    const groups: CloudOperation[] = [1000, 1001].map((index) => ({
      action: 'create',
      objectType: 'group',
      anchor: anchorFor(index),
      body: {
        displayName: `Group ${index}`,
        mailNickname: `group${index}`,
        mailEnabled: false,
        securityEnabled: true,
        [anchorProperty]: anchorFor(index),
      },
    }));
    const groupOutcomes = await collect(exporter(1).apply(groups));
    const groupId = (index: number) => {
      const outcome = groupOutcomes.find((candidate) => candidate.operation.anchor === anchorFor(index));
      assert.ok(outcome?.ok && outcome.cloudId);
      return outcome.cloudId;
    };
    const members = [...userIds].map(([anchor, cloudId]) => ({ anchor, cloudId }));
    const memberships: CloudOperation[] = [0, 20, 40].map((start) => ({
      action: 'add-members',
      anchor: anchorFor(1000),
      groupId: groupId(1000),
      members: members.slice(start, start + 20),
    }));
    memberships.push({ action: 'add-members', anchor: anchorFor(1001), groupId: groupId(1001), members: members.slice(0, 3) });
    assert.deepEqual(failures(await collect(exporter(1).apply(memberships))), []);

    const snapshot = standIn.control.snapshot();
    assert.equal(snapshot.counts.users, 46); // the administrator too
    assert.equal(snapshot.groups.find((group) => group.id === groupId(1000))?.members.length, 45);
    assert.equal(snapshot.groups.find((group) => group.id === groupId(1001))?.members.length, 3);
    assert.equal(snapshot.groups.find((group) => group.id === groupId(1000))?.props[anchorProperty], anchorFor(1000));

    // The log lists each batch's items, then the batch itself: 45 + 2 + 4 items in 3 + 1 + 1 batches.
    const batchSizes: number[] = [];
    let items = 0;
    for (const request of standIn.control.requests().filter((entry) => entry.path.startsWith('/v1.0/') && entry.method !== 'GET')) {
      if (request.inBatch) items += 1;
      else if (request.path === '/v1.0/$batch') {
        batchSizes.push(items);
        items = 0;
      }
    }
    assert.deepEqual(batchSizes, [20, 20, 5, 2, 4]);
  });

  it('loses nothing to 429s, top level and per item: it waits for Retry-After and re-sends only the throttled items', async () => {
    standIn.control.addFault({ method: 'POST', path: '^/v1.0/\\$batch$', count: 1, action: { kind: 'status', status: 429, retryAfterSeconds: 1 } });
    standIn.control.addFault({ method: 'POST', path: '^/v1.0/users$', count: 7, action: { kind: 'status', status: 429, retryAfterSeconds: 1 } });
    const before = { ...connection.session.counters };
    const outcomes = await collect(exporter().apply(createUsers(0, 30, standIn.initialDomain)));
    assert.equal(outcomes.length, 30);
    assert.deepEqual(failures(outcomes), []);
    assert.equal(new Set(outcomes.map((outcome) => outcome.operation.anchor)).size, 30);
    assert.equal(standIn.control.snapshot().counts.users, 31);
    assert.equal(connection.session.counters.throttled - before.throttled, 8);
    assert.equal(connection.session.counters.retries - before.retries, 8);
  });

  it('retries server errors (500 inside a batch, 503 on the batch) and gives up on an item after a few attempts', async () => {
    standIn.control.addFault({ method: 'POST', path: '^/v1.0/\\$batch$', count: 1, action: { kind: 'status', status: 503 } });
    standIn.control.addFault({ method: 'POST', path: '^/v1.0/users$', count: 3, action: { kind: 'status', status: 500 } });
    assert.deepEqual(failures(await collect(exporter().apply(createUsers(0, 10, standIn.initialDomain)))), []);
    assert.equal(standIn.control.snapshot().counts.users, 11);

    standIn.control.addFault({ method: 'PATCH', path: '^/v1.0/users/', count: 10, action: { kind: 'status', status: 500 } });
    const [outcome] = await collect(
      exporter().apply([
        { action: 'update', objectType: 'user', anchor: anchorFor(0), cloudId: standIn.administrator.id, body: { jobTitle: 'CEO' } },
      ]),
    );
    assert.ok(outcome && !outcome.ok);
    assert.equal(outcome.httpStatus, 500);
  });

  it('re-joins a create whose object already exists with our anchor, without duplicating it', async () => {
    const [first] = await collect(exporter().apply(createUsers(1, 1, standIn.initialDomain)));
    assert.ok(first?.ok && first.cloudId);
    const [again] = await collect(exporter().apply(createUsers(1, 1, standIn.initialDomain)));
    assert.deepEqual(again, { ok: true, operation: again!.operation, cloudId: first.cloudId, rejoined: true });
    assert.equal(standIn.control.snapshot().users.filter((user) => user.props.onPremisesImmutableId === anchorFor(1)).length, 1);

    // Same UPN, another anchor: someone else's object, a real conflict.
    const [clash] = await collect(
      exporter().apply([{ action: 'create', objectType: 'user', anchor: anchorFor(2), body: userBody(1, standIn.initialDomain, anchorFor(2)) }]),
    );
    assert.ok(clash && !clash.ok);
    assert.equal(clash.httpStatus, 400);
    assert.match(clash.message, /Another object with the same value for property userPrincipalName/);
    assert.equal(clash.conflict, 'userPrincipalName', 'the engine learns which value clashed (duplicate UPN resiliency)');
  });

  it('fails a bad object alone (UPN on an unverified domain) while the rest succeed', async () => {
    const operations = createUsers(0, 12, standIn.initialDomain);
    operations[5] = {
      action: 'create',
      objectType: 'user',
      anchor: anchorFor(5),
      body: { ...userBody(5, standIn.initialDomain), userPrincipalName: 'user5@not-verified.example' },
    };
    const outcomes = await collect(exporter().apply(operations));
    const failed = failures(outcomes);
    assert.equal(outcomes.length, 12);
    assert.equal(failed.length, 1);
    assert.equal(failed[0]!.operation.anchor, anchorFor(5));
    assert.ok(!failed[0]!.ok && failed[0]!.httpStatus === 400 && failed[0]!.code.length > 0);
    assert.match(!failed[0]!.ok ? failed[0]!.message : '', /domain portion of the userPrincipalName/);
    assert.equal(standIn.control.snapshot().counts.users, 12);
  });

  it('treats re-sent deletes and membership changes as done (404 on delete, "already exist" on add)', async () => {
    const seeded = standIn.control.seed({
      users: [{ userPrincipalName: `a@${standIn.initialDomain}` }, { userPrincipalName: `b@${standIn.initialDomain}` }],
    });
    const [a, b] = seeded.users;
    const group = standIn.control.seed({ groups: [{ displayName: 'Ops', members: [a!.id] }] }).groups[0]!;
    const outcomes = await collect(
      exporter(1).apply([
        { action: 'delete', objectType: 'user', anchor: anchorFor(9), cloudId: '00000000-0000-0000-0000-000000000009' },
        {
          action: 'add-members',
          anchor: anchorFor(10),
          groupId: group.id,
          members: [
            { anchor: anchorFor(1), cloudId: a!.id },
            { anchor: anchorFor(2), cloudId: b!.id },
          ],
        },
      ]),
    );
    assert.deepEqual(failures(outcomes), []);
    assert.deepEqual(standIn.control.snapshot().groups[0]!.members.sort(), [a!.id, b!.id].sort());

    const removals = await collect(
      exporter(1).apply([
        { action: 'remove-member', anchor: anchorFor(10), groupId: group.id, member: { anchor: anchorFor(3), cloudId: standIn.administrator.id } },
      ]),
    );
    assert.deepEqual(failures(removals), []);
  });

  it('paces itself to a throttled tenant: 429s stay rare and writes run close to the budget', async () => {
    const limits = { writes: 200, windowSeconds: 2 };
    standIn.control.setThrottle(limits);
    const paced = await connect(standIn, { writeBudget: limits });
    try {
      const started = performance.now();
      const outcomes = await collect(
        new Exporter(paced.session, { sourceAnchorProperty: anchorProperty }).apply(createUsers(0, 400, standIn.initialDomain)),
      );
      const seconds = (performance.now() - started) / 1000;
      assert.deepEqual(failures(outcomes), []);
      const achieved = 400 / seconds;
      const allowed = limits.writes / limits.windowSeconds;
      console.log(`      paced export: ${achieved.toFixed(1)} writes/s against ${allowed} allowed; 429s: ${paced.session.counters.throttled}`);
      assert.ok(paced.session.counters.throttled <= 2, `${paced.session.counters.throttled} 429s`);
      assert.ok(achieved >= 0.75 * allowed, `achieved ${achieved.toFixed(1)} writes/s`);
    } finally {
      paced.close();
    }
  });
});
