import assert from 'node:assert/strict';
import { DirSyncError } from '../../../src/core/errors.ts';
import { DirectoryScope } from '../../../src/connectors/ad/scope.ts';

describe('DirectoryScope', () => {
  const scope = new DirectoryScope({
    includeOus: ['OU=Corp,DC=corp,DC=example', 'OU=Sales\\, EMEA,OU=Corp,DC=corp,DC=example', 'OU=Partners,DC=corp,DC=example'],
    excludeOus: ['OU=Disabled Accounts,OU=Corp,DC=corp,DC=example'],
  });

  it('includes objects below an included OU unless they are below an excluded one', () => {
    assert.equal(scope.containsDn('CN=Ann,OU=Corp,DC=corp,DC=example'), true);
    assert.equal(scope.containsDn('cn=bob,ou=sales\\2c emea,ou=corp,dc=corp,dc=example'), true);
    assert.equal(scope.containsDn('CN=Old,OU=Disabled Accounts,OU=Corp,DC=corp,DC=example'), false);
    assert.equal(scope.containsDn('CN=Admin,CN=Users,DC=corp,DC=example'), false);
    assert.equal(scope.containsDn('CN=X,OU=CorpLegacy,DC=corp,DC=example'), false);
  });

  it('includes everything when no OU is listed', () => {
    const everything = new DirectoryScope({ includeOus: [], excludeOus: ['OU=Lab,DC=corp'] });
    assert.equal(everything.containsDn('CN=Admin,CN=Users,DC=corp'), true);
    assert.equal(everything.containsDn('CN=Box,OU=Lab,DC=corp'), false);
    assert.deepEqual(everything.searchBasesIn('DC=corp'), ['DC=corp']);
  });

  it('searches each included OU of a naming context once (nested ones with their parent)', () => {
    assert.deepEqual(scope.searchBasesIn('DC=corp,DC=example'), ['OU=Corp,DC=corp,DC=example', 'OU=Partners,DC=corp,DC=example']);
    assert.deepEqual(scope.searchBasesIn('DC=other,DC=example'), []);
    const twice = new DirectoryScope({ includeOus: ['OU=A,DC=x', 'ou=a,dc=x'], excludeOus: [] });
    assert.deepEqual(twice.searchBasesIn('DC=x'), ['OU=A,DC=x']);
  });

  it('narrows a filter with the attribute filter, with or without its parentheses', () => {
    const filtered = new DirectoryScope({ includeOus: [], excludeOus: [], attributeFilter: 'department=Sales' });
    assert.equal(filtered.narrow('(objectClass=user)'), '(&(objectClass=user)(department=Sales))');
    assert.equal(scope.narrow('(objectClass=user)'), '(objectClass=user)');
  });

  it('has a fingerprint that changes with the scope but not with DN spelling or order', () => {
    const respelled = new DirectoryScope({
      includeOus: ['ou=partners,dc=corp,dc=example', 'OU=Corp, DC=corp, DC=example'],
      excludeOus: ['OU=Disabled Accounts,OU=Corp,DC=corp,DC=example'],
    });
    assert.equal(respelled.fingerprint(), scope.fingerprint());
    const narrower = new DirectoryScope({ includeOus: ['OU=Corp,DC=corp,DC=example'], excludeOus: [] });
    assert.notEqual(narrower.fingerprint(), scope.fingerprint());
  });

  it('rejects a malformed OU or attribute filter with a configuration error naming it', () => {
    assert.throws(
      () => new DirectoryScope({ includeOus: ['Sales'], excludeOus: [] }),
      (error: unknown) =>
        error instanceof DirSyncError &&
        error.code === 'ActiveDirectory.invalid-configuration' &&
        /includeOus/.test(error.message) &&
        error.target === 'Sales',
    );
    assert.throws(
      () => new DirectoryScope({ includeOus: [], excludeOus: [], attributeFilter: '(department=Sales' }),
      (error: unknown) =>
        error instanceof DirSyncError && error.code === 'ActiveDirectory.invalid-configuration' && /not a valid LDAP filter/.test(error.message),
    );
  });
});
