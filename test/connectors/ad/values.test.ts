import assert from 'node:assert/strict';
import {
  anchorFromGuid,
  attributeValuesAsStrings,
  parseExtendedDn,
  parseRangedAttributeName,
  sidToString,
} from '../../../src/connectors/ad/values.ts';

describe('AD value codecs', () => {
  it('makes the anchor from the 16 raw bytes of objectGUID', () => {
    const guid = Buffer.from('09aae5ffd79acd4481b4e626736b89c0', 'hex');
    assert.equal(anchorFromGuid(guid), 'Carl/9eazUSBtOYmc2uJwA==');
    assert.throws(() => anchorFromGuid(Buffer.alloc(15)), /16 bytes/);
  });

  it('writes objectSid in its S-1-5-21-… form', () => {
    const sid = Buffer.from('0105000000000005150000009387559437847222d62363e44e040000', 'hex');
    assert.equal(sidToString(sid), 'S-1-5-21-2488633235-577930295-3831702486-1102');
    assert.equal(sidToString(Buffer.from('01020000000000052000000027020000', 'hex')), 'S-1-5-32-551');
  });

  it('splits an Extended DN into GUID, SID and the plain DN (which may contain escaped characters)', () => {
    const value = '<GUID=4559119cc3ac8144a66a2e8f9868b77a>;<SID=010500000000000515000000>;CN=Bob,OU=Sales\\, EMEA,DC=corp';
    const parsed = parseExtendedDn(value);
    assert.equal(parsed.guid!.toString('hex'), '4559119cc3ac8144a66a2e8f9868b77a');
    assert.equal(parsed.sid!.toString('hex'), '010500000000000515000000');
    assert.equal(parsed.dn, 'CN=Bob,OU=Sales\\, EMEA,DC=corp');
    assert.deepEqual(parseExtendedDn('<GUID=d45f988058970343a333e282a61a8fc4>;OU=Corp,DC=corp').sid, undefined);
    assert.deepEqual(parseExtendedDn('CN=Plain,DC=corp'), { guid: undefined, sid: undefined, dn: 'CN=Plain,DC=corp' });
  });

  it('recognises range retrieval attribute names', () => {
    assert.deepEqual(parseRangedAttributeName('member;range=0-1499'), { attribute: 'member', low: 0, high: 1499 });
    assert.deepEqual(parseRangedAttributeName('member;range=1500-*'), { attribute: 'member', low: 1500, high: '*' });
    assert.equal(parseRangedAttributeName('member'), undefined);
    assert.equal(parseRangedAttributeName('userCertificate;binary'), undefined);
  });

  it('carries values as strings: DN prefixes stripped, SIDs as text, other binaries dropped', () => {
    assert.deepEqual(attributeValuesAsStrings('manager', '<GUID=4559119cc3ac8144a66a2e8f9868b77a>;CN=Ann,DC=x'), ['CN=Ann,DC=x']);
    assert.deepEqual(attributeValuesAsStrings('description', ['<b>bold</b>']), ['<b>bold</b>']);
    assert.deepEqual(attributeValuesAsStrings('objectSid', Buffer.from('01020000000000052000000027020000', 'hex')), ['S-1-5-32-551']);
    assert.equal(attributeValuesAsStrings('thumbnailPhoto', Buffer.from([0xff, 0xd8])), undefined);
  });
});
