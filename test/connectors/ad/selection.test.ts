import assert from 'node:assert/strict';
import { exclusionReason, kindOf } from '../../../src/connectors/ad/selection.ts';

const person = 'CN=Person,CN=Schema,CN=Configuration,DC=corp';
const user = (extra: Record<string, string[]> = {}) => ({
  objectclass: ['top', 'person', 'organizationalPerson', 'user'],
  objectcategory: [person],
  samaccountname: ['ann'],
  ...extra,
});

describe('selection of AD objects', () => {
  describe('kindOf', () => {
    it('takes people, groups and contacts, and leaves computers and other objects out', () => {
      assert.equal(kindOf(user()), 'user');
      assert.equal(kindOf({ objectclass: ['top', 'group'] }), 'group');
      assert.equal(kindOf({ objectclass: ['top', 'person', 'organizationalPerson', 'contact'], objectcategory: [person] }), 'contact');
      assert.equal(
        kindOf({ objectclass: ['top', 'person', 'organizationalPerson', 'user', 'computer'], objectcategory: ['CN=Computer,CN=Schema,DC=corp'] }),
        undefined,
      );
      assert.equal(kindOf({ objectclass: ['top', 'user'], objectcategory: ['CN=ms-DS-Managed-Service-Account,CN=Schema,DC=corp'] }), undefined);
      assert.equal(kindOf({ objectclass: ['top', 'organizationalUnit'] }), undefined);
    });
  });

  describe('exclusionReason (the exclusions of the original tool)', () => {
    it('keeps ordinary users, groups and contacts', () => {
      assert.equal(exclusionReason('user', user()), undefined);
      assert.equal(exclusionReason('group', { grouptype: ['2'], mail: ['all@corp.example'], proxyaddresses: ['SMTP:all@corp.example'] }), undefined);
      assert.equal(exclusionReason('group', { grouptype: ['-2147483646'] }), undefined);
      assert.equal(exclusionReason('contact', { name: ['Partner'], mail: ['p@partner.example'] }), undefined);
    });

    it('excludes critical system objects of any kind', () => {
      assert.match(exclusionReason('user', user({ iscriticalsystemobject: ['TRUE'] }))!, /critical system object/);
      assert.match(exclusionReason('group', { iscriticalsystemobject: ['TRUE'] })!, /critical system object/);
      assert.equal(exclusionReason('user', user({ iscriticalsystemobject: ['FALSE'] })), undefined);
    });

    it('excludes users without sAMAccountName, the support account, service accounts and Exchange system mailboxes', () => {
      assert.match(exclusionReason('user', { objectclass: ['user'] })!, /without sAMAccountName/);
      for (const accountName of ['SUPPORT_388945a0', 'MSOL_0123456789ab', 'aad_0123456789ab', 'SystemMailbox{1f05a927-3be2}', 'CAS_{f0b1}']) {
        assert.notEqual(exclusionReason('user', user({ samaccountname: [accountName] })), undefined, accountName);
      }
      assert.equal(exclusionReason('user', user({ samaccountname: ['msolveig'] })), undefined);
    });

    it('excludes mail-enabled groups and contacts with neither mail nor an SMTP proxy address', () => {
      assert.match(exclusionReason('group', { mailnickname: ['sales'] })!, /mail-enabled group/);
      assert.match(exclusionReason('contact', { proxyaddresses: ['X500:/o=corp/cn=p'] })!, /mail-enabled contact/);
      assert.equal(exclusionReason('contact', { proxyaddresses: ['smtp:p@partner.example'] }), undefined);
      assert.equal(exclusionReason('group', { mailnickname: ['sales'], mail: ['sales@corp.example'] }), undefined);
      assert.match(exclusionReason('contact', { name: ['Nigel'] })!, /mail-enabled contact/, 'every contact is a mail recipient');
    });

    it('excludes contacts hidden from address lists or named *MSOL*', () => {
      const mail = ['p@partner.example'];
      assert.match(exclusionReason('contact', { name: ['Partner'], mail, msexchhidefromaddresslists: ['TRUE'] })!, /hidden/);
      assert.match(exclusionReason('contact', { name: ['Contact-MSOL-sync'], mail })!, /MSOL/);
      assert.match(exclusionReason('contact', { name: ['c1'], mail, displayname: ['msol contact'] })!, /MSOL/);
    });
  });
});
