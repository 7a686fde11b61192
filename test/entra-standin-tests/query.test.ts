import assert from 'node:assert/strict';
import { call, graphClient, useStandIn } from './support.ts';

describe('entra stand-in: OData queries ($filter, $select, $top, paging, $count)', () => {
  const standIn = useStandIn();
  const immutableIdWithPlus = 'q+lk/AbC0123456789xyz==';

  before(() => {
    standIn().control.seed({
      users: Array.from({ length: 12 }, (_, index) => ({
        userPrincipalName: `query${index}@corp.example.test`,
        displayName: `Query ${index}`,
        mail: `query${index}@corp.example.test`,
        department: index % 2 === 0 ? 'Even' : 'Odd',
        onPremisesImmutableId: index === 0 ? immutableIdWithPlus : `immutable${index}`,
      })),
    });
  });

  const filter = async (expression: string, headers: Record<string, string> = {}) =>
    call(standIn(), 'GET', `/v1.0/users?$filter=${encodeURIComponent(expression)}&$select=userPrincipalName`, { headers });
  const names = (response: { body: { value: { userPrincipalName: string }[] } }) =>
    response.body.value.map((user) => user.userPrincipalName.split('@')[0]).sort();

  it('finds a user by an immutable id containing + through the Graph client when the value is URL-encoded', async () => {
    const found = await graphClient(standIn())
      .api('/users')
      .filter(`onPremisesImmutableId eq '${encodeURIComponent(immutableIdWithPlus)}'`)
      .select('id,onPremisesImmutableId')
      .get();
    assert.deepEqual(
      found.value.map((user: { onPremisesImmutableId: string }) => user.onPremisesImmutableId),
      [immutableIdWithPlus],
    );
    // Unencoded, the + arrives as a space and nothing matches — as with real Graph.
    const unencoded = await graphClient(standIn()).api('/users').filter(`onPremisesImmutableId eq '${immutableIdWithPlus}'`).get();
    assert.deepEqual(unencoded.value, []);
  });

  it('refuses more than 15 ORed values (an `in` list or eq clauses) with the real error, unless the query is advanced', async () => {
    const upns = (count: number) => Array.from({ length: count }, (_, index) => `'query${index % 12}@corp.example.test'`);
    const fifteen = await filter(`userPrincipalName in (${upns(15).join(',')})`);
    assert.deepEqual([fifteen.status, names(fifteen).length], [200, 12]);
    const tooMany = "Too many child clauses specified in search filter expression containing 'OR' operators: 16. Max allowed: 15.";
    for (const expression of [
      `userPrincipalName in (${upns(16).join(',')})`,
      upns(16)
        .map((upn) => `userPrincipalName eq ${upn}`)
        .join(' or '),
      `department eq 'Even' and (mail in (${upns(8).join(',')}) or userPrincipalName in (${upns(8).join(',')}))`,
    ]) {
      const refused = await filter(expression);
      assert.deepEqual([refused.status, refused.body.error.code, refused.body.error.message], [400, 'Request_UnsupportedQuery', tooMany], expression);
    }
    // "If I use advanced filter (ConsistencyLevel: eventual) … could use more than 15 words in "in" operator."
    const advanced = await call(
      standIn(),
      'GET',
      `/v1.0/users?$count=true&$filter=${encodeURIComponent(`userPrincipalName in (${upns(16).join(',')})`)}&$select=userPrincipalName`,
      { headers: { ConsistencyLevel: 'eventual' } },
    );
    assert.deepEqual([advanced.status, advanced.body['@odata.count']], [200, 12]);
  });

  it('supports eq, in, startswith, and/or, and a proxyAddresses/any lambda; string comparison ignores case', async () => {
    assert.deepEqual(names(await filter("userPrincipalName eq 'QUERY3@corp.example.test'")), ['query3']);
    assert.deepEqual(names(await filter("userPrincipalName in ('query1@corp.example.test','query2@corp.example.test')")), ['query1', 'query2']);
    assert.deepEqual(names(await filter("startswith(displayName,'Query 1')")), ['query1', 'query10', 'query11']);
    assert.deepEqual(names(await filter("department eq 'Even' and (startswith(displayName,'Query 1') or displayName eq 'Query 4')")), [
      'query10',
      'query4',
    ]);
    assert.deepEqual(names(await filter("proxyAddresses/any(p:p eq 'smtp:query5@corp.example.test')")), ['query5']);
    assert.deepEqual(names(await filter("mail eq 'it''s@corp.example.test'")), []);
  });

  it('needs ConsistencyLevel: eventual for ne, not and endswith (advanced queries)', async () => {
    const refused = await filter("department ne 'Even'");
    assert.deepEqual([refused.status, refused.body.error.code], [400, 'Request_UnsupportedQuery']);
    const accepted = await filter("department ne 'Even' and startswith(userPrincipalName,'query')", { ConsistencyLevel: 'eventual' });
    assert.equal(accepted.body.value.length, 6);
    assert.equal((await filter("endswith(mail,'@corp.example.test')")).status, 400);
  });

  it('rejects unknown properties and malformed filters with 400', async () => {
    const unknown = await filter('shoeSize eq 4');
    assert.deepEqual(
      [unknown.status, unknown.body.error.message],
      [400, "Could not find a property named 'shoeSize' on type 'microsoft.graph.user'."],
    );
    assert.equal((await filter("displayName eq 'unterminated")).status, 400);
    assert.equal((await filter("displayName like 'x'")).status, 400);
    assert.equal((await call(standIn(), 'GET', '/v1.0/users?$select=shoeSize')).status, 400);
  });

  it('pages with $top and @odata.nextLink, and refuses $top above 999', async () => {
    const seen: string[] = [];
    let url: string | undefined = '/v1.0/users?$top=5&$select=userPrincipalName';
    let pages = 0;
    while (url) {
      const response = await call(standIn(), 'GET', url);
      assert.ok(response.body.value.length <= 5);
      seen.push(...response.body.value.map((user: { userPrincipalName: string }) => user.userPrincipalName));
      url = response.body['@odata.nextLink']?.slice(standIn().graphEndpoint.length);
      pages += 1;
    }
    assert.equal(new Set(seen).size, seen.length);
    assert.equal(seen.length, (await call(standIn(), 'GET', '/v1.0/users?$top=999')).body.value.length);
    assert.ok(pages >= 3);
    const tooBig = await call(standIn(), 'GET', '/v1.0/users?$top=1000');
    assert.deepEqual([tooBig.status, tooBig.body.error.message], [400, "Invalid page size specified: '1000'. Must be between 1 and 999 inclusive."]);
  });

  it('counts only with ConsistencyLevel: eventual', async () => {
    assert.equal((await call(standIn(), 'GET', '/v1.0/users?$count=true')).status, 400);
    const counted = await call(standIn(), 'GET', `/v1.0/users?$count=true&$filter=${encodeURIComponent("department eq 'Odd'")}`, {
      headers: { ConsistencyLevel: 'eventual' },
    });
    assert.equal(counted.body['@odata.count'], 6);
    const raw = await call(standIn(), 'GET', '/v1.0/users/$count', { headers: { ConsistencyLevel: 'eventual' } });
    assert.equal(raw.body, standIn().control.snapshot().counts.users);
    const rawRefused = await call(standIn(), 'GET', '/v1.0/users/$count');
    assert.equal(rawRefused.body.error.code, 'Request_UnsupportedQuery');
  });
});
