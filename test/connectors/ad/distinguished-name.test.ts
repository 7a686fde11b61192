import assert from 'node:assert/strict';
import { InvalidDnError, isDnWithin, normalizeDn, parseDn } from '../../../src/connectors/ad/distinguished-name.ts';

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

  it('rejects what is not a DN', () => {
    assert.throws(() => parseDn('Sales'), InvalidDnError);
    assert.throws(() => parseDn('OU=Sales,,DC=corp'), InvalidDnError);
    assert.throws(() => parseDn('OU=Sales\\'), InvalidDnError);
    assert.deepEqual(parseDn(''), []);
  });
});
