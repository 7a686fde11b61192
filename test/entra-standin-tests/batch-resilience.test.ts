import assert from 'node:assert/strict';
import { call, newUser, useStandIn } from './support.ts';

const json = { 'Content-Type': 'application/json' };

describe('entra stand-in: $batch', () => {
  const standIn = useStandIn();

  it('runs up to 20 requests, each checked on its own, and lists the responses in completion order', async () => {
    const bodies = [newUser(), newUser(), newUser({ onPremisesImmutableId: 'bad_id' })];
    const response = await call(standIn(), 'POST', '/v1.0/$batch', {
      body: { requests: bodies.map((body, index) => ({ id: String(index + 1), method: 'POST', url: '/users', headers: json, body })) },
    });
    assert.equal(response.status, 200);
    const byId = new Map(response.body.responses.map((item: { id: string }) => [item.id, item]));
    assert.deepEqual(
      [1, 2, 3].map((id) => (byId.get(String(id)) as { status: number }).status),
      [201, 201, 400],
    );
    assert.notDeepEqual(
      response.body.responses.map((item: { id: string }) => item.id),
      ['1', '2', '3'],
    );
    const logged = standIn()
      .control.requests()
      .filter((entry) => entry.inBatch);
    assert.equal(logged.length, 3);
    assert.ok(logged.every((entry) => entry.appId === standIn().clientId && entry.path === '/v1.0/users'));
  });

  it('answers 424 for a request whose dependency failed, and runs dependents after their dependency', async () => {
    const response = await call(standIn(), 'POST', '/v1.0/$batch', {
      body: {
        requests: [
          { id: 'bad', method: 'POST', url: '/users', headers: json, body: { displayName: 'incomplete' } },
          { id: 'after-bad', dependsOn: ['bad'], method: 'GET', url: '/organization' },
          { id: 'good', method: 'POST', url: '/users', headers: json, body: newUser() },
          { id: 'after-good', dependsOn: ['good'], method: 'GET', url: '/organization' },
        ],
      },
    });
    const statuses = Object.fromEntries(response.body.responses.map((item: { id: string; status: number }) => [item.id, item.status]));
    assert.deepEqual(statuses, { bad: 400, 'after-bad': 424, good: 201, 'after-good': 200 });
  });

  it('refuses more than 20 requests, absolute URLs, and bodies without Content-Type', async () => {
    const tooMany = Array.from({ length: 21 }, (_, index) => ({ id: String(index), method: 'GET', url: '/organization' }));
    assert.equal((await call(standIn(), 'POST', '/v1.0/$batch', { body: { requests: tooMany } })).status, 400);
    const absolute = await call(standIn(), 'POST', '/v1.0/$batch', {
      body: { requests: [{ id: '1', method: 'GET', url: `${standIn().graphEndpoint}/v1.0/users` }] },
    });
    assert.equal(absolute.status, 400);
    const versioned = await call(standIn(), 'POST', '/v1.0/$batch', { body: { requests: [{ id: '1', method: 'GET', url: '/v1.0/users' }] } });
    assert.equal(versioned.body.responses[0].status, 400);
    const noContentType = await call(standIn(), 'POST', '/v1.0/$batch', {
      body: { requests: [{ id: '1', method: 'POST', url: '/users', body: newUser() }] },
    });
    assert.equal(noContentType.body.responses[0].status, 400);
  });
});

describe('entra stand-in: write budget (throttling)', () => {
  const standIn = useStandIn({ throttle: { writes: 3, windowSeconds: 60 } });

  it('answers 429 with Retry-After once the app has spent its writes, at top level and per $batch item', async () => {
    const statuses: number[] = [];
    for (let index = 0; index < 2; index += 1) statuses.push((await call(standIn(), 'POST', '/v1.0/users', { body: newUser() })).status);
    const batch = await call(standIn(), 'POST', '/v1.0/$batch', {
      body: { requests: [1, 2].map((id) => ({ id: String(id), method: 'POST', url: '/users', headers: json, body: newUser() })) },
    });
    const items = batch.body.responses as { status: number; headers: Record<string, string>; body: { error: { code: string } } }[];
    assert.deepEqual(items.map((item) => item.status).sort(), [201, 429]);
    const throttledItem = items.find((item) => item.status === 429)!;
    assert.ok(Number(throttledItem.headers['Retry-After']) >= 1);
    assert.equal(throttledItem.body.error.code, 'TooManyRequests');

    const topLevel = await call(standIn(), 'POST', '/v1.0/users', { body: newUser() });
    assert.equal(topLevel.status, 429);
    assert.ok(Number(topLevel.headers.get('retry-after')) > 50);
    assert.equal((await call(standIn(), 'GET', '/v1.0/users')).status, 200, 'reads are not throttled');
    assert.deepEqual(statuses, [201, 201]);
  });
});

describe('entra stand-in: injected faults and the control API over HTTP', () => {
  const standIn = useStandIn();

  it('answers the next N matching requests with the injected status, then normally', async () => {
    standIn().control.addFault({ method: 'GET', path: '^/v1.0/users', count: 2, action: { kind: 'status', status: 503, retryAfterSeconds: 2 } });
    const first = await call(standIn(), 'GET', '/v1.0/users');
    assert.deepEqual([first.status, first.headers.get('retry-after')], [503, '2']);
    assert.equal((await call(standIn(), 'GET', '/v1.0/users')).status, 503);
    assert.equal((await call(standIn(), 'GET', '/v1.0/users')).status, 200);
  });

  it('delays responses and drops connections', async () => {
    standIn().control.addFault({ path: '^/v1.0/organization', count: 1, action: { kind: 'delay', ms: 300 } });
    const started = Date.now();
    assert.equal((await call(standIn(), 'GET', '/v1.0/organization')).status, 200);
    assert.ok(Date.now() - started >= 300);
    standIn().control.addFault({ path: '^/v1.0/organization', count: 1, action: { kind: 'drop' } });
    await assert.rejects(call(standIn(), 'GET', '/v1.0/organization'));
    assert.equal((await call(standIn(), 'GET', '/v1.0/organization')).status, 200);
  });

  it('is reachable under /_standin: seed, snapshot, find by immutable id, request log, reset', async () => {
    const control = async (method: string, path: string, body?: unknown) => {
      const response = await fetch(`${standIn().graphEndpoint}/_standin/${path}`, { method, ...(body ? { body: JSON.stringify(body) } : {}) });
      return { status: response.status, body: response.status === 204 ? undefined : ((await response.json()) as any) };
    };
    const seeded = await control('POST', 'seed', {
      users: [{ userPrincipalName: 'synced@corp.example.test', onPremisesSyncEnabled: true, onPremisesImmutableId: 'b3RoZXItdG9vbA==' }],
      groups: [{ displayName: 'Seeded', members: ['synced@corp.example.test'] }],
    });
    assert.equal(seeded.status, 200);
    assert.equal(standIn().control.findByImmutableId('b3RoZXItdG9vbA==')?.props.userPrincipalName, 'synced@corp.example.test');
    const snapshot = (await control('GET', 'snapshot')).body;
    assert.equal(
      snapshot.groups.find((group: { props: { displayName: string } }) => group.props.displayName === 'Seeded').members[0],
      seeded.body.users[0].id,
    );
    assert.ok((await control('GET', 'requests')).body.value.some((entry: { path: string }) => entry.path.startsWith('/v1.0/organization')));
    assert.equal((await control('POST', 'reset')).status, 204);
    const afterReset = standIn().control.snapshot();
    assert.deepEqual([afterReset.counts.users, afterReset.counts.groups], [1, 0]);
    assert.equal(afterReset.users[0]!.props.userPrincipalName, standIn().administrator.userPrincipalName);
    assert.equal((await control('GET', 'nothing-here')).status, 404);
  });
});
