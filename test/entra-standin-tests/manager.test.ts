import assert from 'node:assert/strict';
import { call, useStandIn } from './support.ts';

describe('entra stand-in: the manager relationship', () => {
  const standIn = useStandIn();

  it('sets, reads, replaces and removes a manager with $ref, and 404s without one', async () => {
    const { users } = standIn().control.seed({
      users: ['report', 'boss', 'other'].map((name) => ({ userPrincipalName: `${name}.${Date.now()}@corp.example.test`, displayName: name })),
    });
    const [report, boss, other] = users.map((user) => user.id);
    const ref = (id: string) => ({ '@odata.id': `${standIn().graphEndpoint}/v1.0/users/${id}` });

    assert.equal((await call(standIn(), 'GET', `/v1.0/users/${report}/manager`)).status, 404);
    assert.equal((await call(standIn(), 'PUT', `/v1.0/users/${report}/manager/$ref`, { body: ref(boss!) })).status, 204);
    const read = await call(standIn(), 'GET', `/v1.0/users/${report}/manager`);
    assert.deepEqual([read.status, read.body.displayName], [200, 'boss']);
    assert.equal((await call(standIn(), 'PUT', `/v1.0/users/${report}/manager/$ref`, { body: ref(other!) })).status, 204);
    assert.equal(
      standIn()
        .control.snapshot()
        .users.find((user) => user.id === report)?.manager,
      other,
    );
    assert.equal((await call(standIn(), 'DELETE', `/v1.0/users/${report}/manager/$ref`)).status, 204);
    assert.equal((await call(standIn(), 'DELETE', `/v1.0/users/${report}/manager/$ref`)).status, 404);
  });

  it('refuses a manager that does not exist, and forgets a manager that is deleted', async () => {
    const { users } = standIn().control.seed({
      users: ['r2', 'b2'].map((name) => ({ userPrincipalName: `${name}.${Date.now()}@corp.example.test`, displayName: name })),
    });
    const [report, boss] = users.map((user) => user.id);
    const missing = await call(standIn(), 'PUT', `/v1.0/users/${report}/manager/$ref`, {
      body: { '@odata.id': `${standIn().graphEndpoint}/v1.0/users/00000000-0000-0000-0000-000000000000` },
    });
    assert.equal(missing.status, 404);
    await call(standIn(), 'PUT', `/v1.0/users/${report}/manager/$ref`, { body: { '@odata.id': `${standIn().graphEndpoint}/v1.0/users/${boss}` } });
    assert.equal((await call(standIn(), 'DELETE', `/v1.0/users/${boss}`)).status, 204);
    assert.equal((await call(standIn(), 'GET', `/v1.0/users/${report}/manager`)).status, 404);
  });
});
