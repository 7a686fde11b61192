import assert from 'node:assert/strict';
import { DirSyncError } from '../../../src/core/errors.ts';

const previewWriteBlocked = (error: unknown) => error instanceof DirSyncError && error.code === 'Sync.preview-write-blocked';
import { Exporter } from '../../../src/connectors/entra/exporter.ts';
import type { EntraConnection } from '../../../src/connectors/entra/connection.ts';
import type { EntraStandIn } from '../../entra-standin/stand-in.ts';
import { anchorFor, connect, userBody, withStandIn } from './stand-in-fixture.ts';

describe('GraphSession middleware against the stand-in', function () {
  this.timeout(30_000);
  let standIn: EntraStandIn;
  const opened: EntraConnection[] = [];
  const open = async (preview: boolean) => {
    const connection = await connect(standIn, { preview });
    opened.push(connection);
    return connection.session;
  };
  const writesReceived = () =>
    standIn.control
      .requests()
      .filter((request) => request.path.startsWith('/v1.0') && request.method !== 'GET' && !request.path.startsWith('/v1.0/$batch'));

  before(async () => {
    standIn = await withStandIn();
  });
  beforeEach(() => standIn.control.reset());
  after(async () => {
    for (const connection of opened) connection.close();
    await standIn.stop();
  });

  describe('in preview', () => {
    it('reads, but refuses every write (Sync.preview-write-blocked) before it leaves the process', async () => {
      const session = await open(true);
      const users = await session.get<{ value: unknown[] }>('/users');
      assert.equal(users.value.length, 1); // the tenant's administrator

      const body = userBody(1, standIn.initialDomain);
      await assert.rejects(session.post('/users', body), previewWriteBlocked);
      await assert.rejects(session.patch(`/users/${standIn.administrator.id}`, { jobTitle: 'x' }), previewWriteBlocked);
      await assert.rejects(session.delete(`/users/${standIn.administrator.id}`), previewWriteBlocked);
      await assert.rejects(
        session.batch([
          { id: '1', method: 'GET', url: '/users' },
          { id: '2', method: 'POST', url: '/users', body },
        ]),
        previewWriteBlocked,
      );
      const exporter = new Exporter(session, { sourceAnchorProperty: 'extension_x_dirSyncSourceAnchor' });
      await assert.rejects(async () => {
        for await (const _outcome of exporter.apply([{ action: 'create', objectType: 'user', anchor: anchorFor(1), body }]))
          assert.fail('no outcome expected');
      }, previewWriteBlocked);

      assert.deepEqual(writesReceived(), []);
      assert.equal(standIn.control.requests().filter((request) => request.path === '/v1.0/$batch').length, 0);
      assert.equal(session.counters.writes, 0);
    });

    it('lets a $batch of reads through', async () => {
      const session = await open(true);
      const responses = await session.batch([
        { id: '1', method: 'GET', url: '/users' },
        { id: '2', method: 'GET', url: '/groups' },
      ]);
      assert.deepEqual(responses.map((response) => response.status).sort(), [200, 200]);
    });
  });

  it('retries a top-level 429 after Retry-After and a 503, and counts requests, retries and throttles', async () => {
    const session = await open(false);
    standIn.control.addFault({ method: 'GET', path: '^/v1.0/users$', count: 1, action: { kind: 'status', status: 429, retryAfterSeconds: 1 } });
    standIn.control.addFault({ method: 'GET', path: '^/v1.0/users$', count: 1, action: { kind: 'status', status: 503 } });
    const started = performance.now();
    const users = await session.get<{ value: unknown[] }>('/users');
    assert.equal(users.value.length, 1);
    assert.ok(performance.now() - started >= 950, 'waited for Retry-After');
    assert.deepEqual(session.counters, { requests: 3, writes: 0, throttled: 1, retries: 2 });
  });

  it('sends a read again when its connection is dropped without an answer (a kept-alive socket the server closed)', async () => {
    const session = await open(false);
    standIn.control.addFault({ method: 'GET', path: '^/v1.0/users$', count: 1, action: { kind: 'drop' } });
    const users = await session.get<{ value: unknown[] }>('/users');
    assert.equal(users.value.length, 1);
    assert.equal(session.counters.retries, 1);
  });

  it('does not send a create again when its connection is dropped: it may have been applied', async () => {
    const session = await open(false);
    standIn.control.addFault({ method: 'POST', path: '^/v1.0/users$', count: 1, action: { kind: 'drop' } });
    await assert.rejects(
      session.post('/users', userBody(7, standIn.initialDomain)),
      (error: unknown) => error instanceof DirSyncError && error.code.startsWith('CloudConnection.'),
    );
    assert.equal(session.counters.retries, 0);
  });

  it('counts each write item of a $batch against the write budget', async () => {
    const session = await open(false);
    await session.batch([
      { id: '1', method: 'POST', url: '/users', body: userBody(1, standIn.initialDomain) },
      { id: '2', method: 'POST', url: '/users', body: userBody(2, standIn.initialDomain) },
      { id: '3', method: 'GET', url: '/users' },
    ]);
    assert.equal(session.counters.writes, 2);
    assert.equal(standIn.control.snapshot().counts.users, 3);
  });
});
