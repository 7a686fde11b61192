// The Windows ACL logic of the installation directory, on sample outputs of Windows tools (whoami, Get-Acl's
// .Sddl). icacls, whoami and PowerShell themselves cannot run here (Linux): see the note in windows-acl.ts.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Installation, MANIFEST_FILE } from '../../src/install/installation.ts';
import { aclWidenings, allowedPrincipals, parseSddl, parseWhoamiUser, restrictArguments, widerAclMessage } from '../../src/install/windows-acl.ts';

const DOMAIN = 'S-1-5-21-3623811015-3361044348-30300820';
const SERVICE_ACCOUNT = `${DOMAIN}-1013`;
const DIRECTORY = 'C:\\ProgramData\\DirSync';

/** Get-Acl C:\ProgramData\DirSync after install: what restrictArguments produces. */
const RESTRICTED = `O:BAG:${DOMAIN}-513D:PAI(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)(A;OICI;FA;;;${SERVICE_ACCOUNT})`;
/** A folder just created under C:\ProgramData: everything inherited (Users may read and add files). */
const UNDER_PROGRAMDATA = `O:BAG:${DOMAIN}-513D:AI(A;OICIID;FA;;;SY)(A;OICIID;FA;;;BA)(A;CIIOID;GA;;;CO)(A;OICIID;0x1200a9;;;BU)(A;CIID;DCLCRPCR;;;BU)`;
/** A folder just created at the root of C: (Authenticated Users may modify). */
const UNDER_DRIVE_ROOT = `O:BAG:${DOMAIN}-513D:AI(A;OICIID;FA;;;BA)(A;OICIID;FA;;;SY)(A;OICIIOID;GA;;;CO)(A;OICIID;0x1200a9;;;BU)(A;CIID;LC;;;BU)(A;CIIOID;DC;;;BU)(A;ID;0x1301bf;;;AU)(A;OICIIOID;SDGXGWGR;;;AU)`;

const widenings = (sddl: string, runAs = SERVICE_ACCOUNT) => aclWidenings(parseSddl(sddl), allowedPrincipals(runAs));

describe('the Windows ACL of the installation directory (logic; the Windows tools cannot run on Linux)', () => {
  describe('setting it (icacls arguments)', () => {
    it('removes inheritance and grants SYSTEM, Administrators and the run-as account full control, by SID, to the folder and everything below', () => {
      assert.deepEqual(restrictArguments(DIRECTORY, SERVICE_ACCOUNT), [
        DIRECTORY,
        '/inheritance:r',
        '/grant:r',
        '*S-1-5-18:(OI)(CI)F',
        '*S-1-5-32-544:(OI)(CI)F',
        `*${SERVICE_ACCOUNT}:(OI)(CI)F`,
      ]);
    });

    it('keeps a path with spaces and shell characters as one argument, and grants SYSTEM once when DirSync runs as SYSTEM', () => {
      const odd = 'D:\\Sync & Co\\"DirSync" %TEMP% $(x)';
      const args = restrictArguments(odd, 'S-1-5-18');
      assert.equal(args[0], odd);
      assert.deepEqual(args.slice(3), ['*S-1-5-18:(OI)(CI)F', '*S-1-5-32-544:(OI)(CI)F']);
    });

    it("reads this account's SID from whoami /user /fo csv /nh, whatever the language", () => {
      assert.equal(parseWhoamiUser(`"contoso\\svc-dirsync","${SERVICE_ACCOUNT}"\r\n`), SERVICE_ACCOUNT);
      assert.equal(parseWhoamiUser('"autorité nt\\système","S-1-5-18"\r\n'), 'S-1-5-18');
      assert.throws(() => parseWhoamiUser('ERROR: Access is denied.\r\n'), /did not name this account's SID/);
    });
  });

  describe('reading it (Get-Acl SDDL)', () => {
    it('parses the owner, the protection and each entry, with well-known aliases turned into SIDs', () => {
      assert.deepEqual(parseSddl(`${RESTRICTED}\r\n`), {
        owner: 'S-1-5-32-544',
        protected: true,
        dacl: [
          { type: 'A', flags: ['OI', 'CI'], rights: 'FA', principal: 'S-1-5-18' },
          { type: 'A', flags: ['OI', 'CI'], rights: 'FA', principal: 'S-1-5-32-544' },
          { type: 'A', flags: ['OI', 'CI'], rights: 'FA', principal: SERVICE_ACCOUNT },
        ],
      });
      const inherited = parseSddl(UNDER_PROGRAMDATA);
      assert.equal(inherited.protected, false);
      assert.deepEqual(inherited.dacl?.[2], { type: 'A', flags: ['CI', 'IO', 'ID'], rights: 'GA', principal: 'S-1-3-0' });
    });

    it('parses a conditional entry (nested parentheses), a SACL after the DACL and a NULL DACL', () => {
      const conditional = parseSddl(`O:BAD:PAI(XA;OICI;FA;;;WD;(Member_of {SID(BA)}))(A;OICI;FA;;;SY)S:AI(AU;OICISAFA;FA;;;WD)`);
      assert.deepEqual(
        conditional.dacl?.map((entry) => [entry.type, entry.principal]),
        [
          ['XA', 'S-1-1-0'],
          ['A', 'S-1-5-18'],
        ],
      );
      assert.deepEqual(parseSddl('O:BAG:BAD:NO_ACCESS_CONTROL'), { owner: 'S-1-5-32-544', protected: false, dacl: null });
    });

    it('refuses what is not an SDDL descriptor with a DACL', () => {
      assert.throws(() => parseSddl('Get-Acl : Attempted to perform an unauthorized operation.'), /not an SDDL security descriptor/);
      assert.throws(() => parseSddl('O:BAD:PAI(A;OICI;FA;;;SY'), /unbalanced parentheses/);
      assert.throws(() => parseSddl('O:BAD:PAI(A;OICI;FA;;;SY)garbage'), /unexpected SDDL/);
    });
  });

  describe('deciding whether it is wider than allowed', () => {
    it('accepts the ACL install sets, and one where an allowed principal has less or a deny entry is added', () => {
      assert.deepEqual(widenings(RESTRICTED), []);
      assert.deepEqual(
        widenings(`O:${SERVICE_ACCOUNT}G:DUD:PAI(A;OICI;FA;;;SY)(A;OICI;0x1200a9;;;BA)(D;OICI;FA;;;WD)(A;OICI;FA;;;${SERVICE_ACCOUNT})`),
        [],
      );
    });

    it('refuses a folder that inherits from C:\\ProgramData, naming each extra principal and what it may do', () => {
      assert.deepEqual(widenings(UNDER_PROGRAMDATA), [
        'it inherits permissions from its parent folder',
        'it grants CREATOR OWNER (S-1-3-0) full control (inherited)',
        'it grants Users (S-1-5-32-545) read & execute and create files and folders (inherited)',
      ]);
    });

    it('refuses a folder at the root of a drive, where Authenticated Users may modify', () => {
      const problems = widenings(UNDER_DRIVE_ROOT);
      assert.ok(problems.includes('it grants Authenticated Users (S-1-5-11) modify and rights SDGXGWGR (inherited)'), problems.join('\n'));
    });

    it('refuses explicit entries for others even with inheritance disabled: Everyone, a domain group, another account', () => {
      const other = `${DOMAIN}-1105`;
      assert.deepEqual(
        widenings(
          `O:BAG:SYD:PAI(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)(A;OICI;FA;;;${SERVICE_ACCOUNT})(A;OICI;0x1200a9;;;WD)(A;OICI;FR;;;DU)(A;OICI;0x1301bf;;;${other})`,
        ),
        ['it grants Everyone (S-1-1-0) read & execute', 'it grants Domain Users (DU) read', `it grants ${other} modify`],
      );
    });

    it('refuses a NULL DACL and an owner who could change the permissions', () => {
      assert.deepEqual(widenings('O:BAG:BAD:NO_ACCESS_CONTROL'), ['it has no access control list at all, so every account has full control']);
      assert.deepEqual(widenings(`O:${DOMAIN}-1105D:PAI(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)`), [
        `it is owned by ${DOMAIN}-1105, who can change its permissions`,
      ]);
    });

    it('does not mistake the run-as account for a stranger when SDDL writes it as an alias (the built-in Administrator, LA)', () => {
      const machineAdministrator = 'S-1-5-21-1004336348-1177238915-682003330-500';
      assert.deepEqual(widenings('O:BAD:PAI(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)(A;OICI;FA;;;LA)', machineAdministrator), []);
      assert.deepEqual(widenings('O:BAD:PAI(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)(A;OICI;FA;;;LA)'), [
        'it grants the built-in Administrator account (LA) full control',
      ]);
    });

    it('says what is wrong and gives the icacls commands that fix it, the grant the same as install uses', () => {
      const message = widerAclMessage(DIRECTORY, SERVICE_ACCOUNT, widenings(UNDER_PROGRAMDATA));
      assert.ok(
        message.startsWith(
          `refusing to use the installation directory ${DIRECTORY}: it inherits permissions from its parent folder; it grants CREATOR OWNER`,
        ),
        message,
      );
      assert.ok(message.includes(`only SYSTEM, Administrators and the account DirSync runs as (${SERVICE_ACCOUNT}) may reach it`), message);
      const grant = restrictArguments(DIRECTORY, SERVICE_ACCOUNT)
        .map((argument) => (argument.startsWith('/') ? argument : `"${argument}"`))
        .join(' ');
      assert.ok(message.endsWith(`Restrict it from an elevated prompt: icacls "${DIRECTORY}" /reset, then icacls ${grant}`), message);
      const owned = widerAclMessage(DIRECTORY, SERVICE_ACCOUNT, widenings(`O:${DOMAIN}-1105D:PAI(A;OICI;FA;;;SY)`));
      assert.ok(owned.endsWith(`, then icacls "${DIRECTORY}" /setowner "*S-1-5-32-544"`), owned);
    });
  });

  describe('on Linux', () => {
    let directory: string;
    beforeEach(async () => {
      directory = await mkdtemp(join(tmpdir(), 'dirsync-acl-'));
    });
    afterEach(() => rm(directory, { recursive: true, force: true }));

    it('an installation is still created 0700 with 0600 files, and records no Windows account', async () => {
      const installation = new Installation(join(directory, 'DirSync'));
      await installation.create({ kind: 'sqlite', file: 'state.db' });
      assert.equal((await stat(installation.path)).mode & 0o777, 0o700);
      assert.equal((await stat(installation.file(MANIFEST_FILE))).mode & 0o777, 0o600);
      assert.equal((await stat(installation.file('secret.key'))).mode & 0o777, 0o600);
      assert.equal('windowsAccountSid' in JSON.parse(await readFile(installation.file(MANIFEST_FILE), 'utf8')), false);
      assert.equal((await installation.readManifest()).windowsAccountSid, undefined);
    });
  });
});
