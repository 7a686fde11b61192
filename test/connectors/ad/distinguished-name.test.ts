import assert from 'node:assert/strict';
import { InvalidDnError, deepestContainerOf, isDnWithin, normalizeDn, parentDn, parseDn } from '../../../src/connectors/ad/distinguished-name.ts';

describe('distinguished names', () => {
  it('keeps an escaped comma inside its RDN', () => {
    assert.deepEqual(parseDn('CN=Bob,OU=Sales\\, EMEA,DC=corp,DC=example'), ['cn=bob', 'ou=sales, emea', 'dc=corp', 'dc=example']);
  });

  it('compares case-insensitively and resolves hex escapes, spaces around separators and multi-valued RDNs', () => {
    assert.equal(normalizeDn('OU=Sales\\2C EMEA, DC=Corp'), normalizeDn('ou=sales\\, emea,dc=corp'));
    assert.equal(normalizeDn('CN=Ann+UID=7,DC=x'), normalizeDn('uid=7+cn=ANN,dc=x'));
    assert.equal(normalizeDn('CN=J\\C3\\BCrgen,DC=x'), 'cn=jürgen,dc=x');
    assert.equal(normalizeDn('CN=O\\27Brien ,DC=x'), "cn=o'brien,dc=x");
    assert.equal(normalizeDn('CN=\\ lead,DC=x'), 'cn= lead,dc=x');
  });

  it('tells whether a DN lies within another by whole RDNs, not by string suffix', () => {
    assert.equal(isDnWithin('CN=A,OU=Sales,DC=corp', 'OU=Sales,DC=corp'), true);
    assert.equal(isDnWithin('OU=Sales,DC=corp', 'ou=sales,dc=corp'), true);
    assert.equal(isDnWithin('CN=A,OU=PreSales,DC=corp', 'OU=Sales,DC=corp'), false);
    assert.equal(isDnWithin('CN=A,OU=Sales\\, EMEA,DC=corp', 'OU= EMEA,DC=corp'), false);
    assert.equal(isDnWithin('DC=corp', 'OU=Sales,DC=corp'), false);
  });

  it('gives the parent DN as spelled, stepping over an escaped comma', () => {
    assert.equal(parentDn('CN=Smith\\, Ann,OU=Sales\\, EMEA,DC=corp'), 'OU=Sales\\, EMEA,DC=corp');
    assert.equal(parentDn('OU=Sales, DC=corp'), 'DC=corp');
    assert.equal(parentDn('DC=corp'), undefined);
  });

  it('finds the deepest container a DN lies in (its naming context), whatever the case', () => {
    const contexts = ['DC=corp,DC=example', 'CN=Configuration,DC=corp,DC=example', 'DC=child,DC=corp,DC=example'];
    assert.equal(deepestContainerOf('OU=Sales,dc=child,DC=corp,DC=example', contexts), 'DC=child,DC=corp,DC=example');
    assert.equal(deepestContainerOf('OU=Sales,DC=corp,DC=example', contexts), 'DC=corp,DC=example');
    assert.equal(deepestContainerOf('OU=Sales,DC=other', contexts), undefined);
  });

  it('rejects what is not a DN', () => {
    assert.throws(() => parseDn('Sales'), InvalidDnError);
    assert.throws(() => parseDn('OU=Sales,,DC=corp'), InvalidDnError);
    assert.throws(() => parseDn('OU=Sales\\'), InvalidDnError);
    assert.deepEqual(parseDn(''), []);
  });
});
