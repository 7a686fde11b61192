import assert from 'node:assert/strict';
import { adminClient, BULK, startDomain } from '../support/ad/index.ts';

describe('test harness: the bulk variant', function () {
  this.timeout(180_000); // first use on a machine builds (and caches) this variant's template

  it('holds exactly N users in OU=Bulk, none of the fixture', async () => {
    const bulkUsers = 25;
    const domain = await startDomain({ variant: { bulkUsers } });
    try {
      const client = await adminClient(domain);
      try {
        const inBulk = await client.search(BULK.ou, { filter: '(&(objectCategory=person)(objectClass=user))', attributes: ['sAMAccountName'] });
        assert.deepEqual(
          inBulk.searchEntries.map((entry) => entry.sAMAccountName).sort(),
          Array.from({ length: bulkUsers }, (_, index) => BULK.samAccountName(index)),
        );
        const corp = await client.search(domain.baseDn, { filter: '(ou=Corp)', attributes: ['ou'] });
        assert.equal(corp.searchEntries.length, 0);
      } finally {
        await client.unbind();
      }
    } finally {
      await domain.stop();
    }
  });
});
