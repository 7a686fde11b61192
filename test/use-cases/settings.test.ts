// Settings as reviewable text: export (stable, sorted, without secrets), compare, and promote --compare-with, on a
// real installation directory (no directory or tenant needed: import, which configures for real, is in test/e2e).
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DirSyncError } from '../../src/core/errors.ts';
import { type Configuration, defaultConfiguration } from '../../src/install/configuration.ts';
import { Installation } from '../../src/install/installation.ts';
import { configurationFrom, parseSettings } from '../../src/install/settings-file.ts';
import { install } from '../../src/use-cases/install.ts';
import type { CommandOutput, CommandResult } from '../../src/use-cases/output.ts';
import { promote } from '../../src/use-cases/promote.ts';
import { compareSettingsCommand, exportSettings, importSettings } from '../../src/use-cases/settings.ts';

function captured(): CommandOutput & { warnings: string[]; results: CommandResult[] } {
  const warnings: string[] = [];
  const results: CommandResult[] = [];
  return { warnings, results, progress() {}, verbose() {}, warning: (message) => warnings.push(message), result: (result) => results.push(result) };
}

const SECRETS = {
  adPassword: 'Ad-Secret-Value-1',
  clientSecret: 'Client-Secret-Value-2',
  smtpUser: 'mailer',
  smtpPassword: 'Smtp-Secret-Value-3',
  webhookSecret: 'Webhook-Secret-Value-4',
};

/** Promotion takes the tenant's lease: the tenant out of reach (tenantOutOfReach) refuses the connection. */
const unreachableTenant = (error: DirSyncError) => error.code === 'CloudConnection.connection-refused';

function configured(): Configuration {
  const configuration = defaultConfiguration();
  return {
    ...configuration,
    activeDirectory: {
      url: 'ldaps://dc1.corp.example.com',
      bindUser: 'AAD_0123456789ab@corp.example.com',
      caFile: '/etc/dirsync/corp-ca.pem',
      allowPlainLdap: false,
      serviceAccount: {
        objectGuid: '0f8fad5b-d9cb-469f-a165-70867728950e',
        samAccountName: 'AAD_0123456789ab',
        dn: 'CN=AAD_0123456789ab,CN=Users,DC=corp',
      },
      deletionVisibility: { visible: false, checkedAt: '2026-12-01T00:00:00.000Z', detail: 'tombstones withheld' },
    },
    cloud: {
      cloud: 'AzureCloud',
      tenantId: 'corp.onmicrosoft.com',
      clientId: '7d9f3a2e-5b1c-4e8a-9f0d-2c6b1a3e4f50',
      authorityHost: 'https://login.microsoftonline.com',
      graphEndpoint: 'https://graph.microsoft.com',
      certificateFile: null,
      caFile: null,
      sourceAnchorProperty: 'extension_7d9f3a2e5b1c4e8a9f0d2c6b1a3e4f50_dirSyncSourceAnchor',
    },
    scope: { includeOus: ['OU=Staff,DC=corp', 'OU=Groups,DC=corp'], excludeOus: [], attributeFilter: '(!(title=Contractor))' },
    notifications: {
      ...configuration.notifications,
      smtp: { host: 'mail.corp.example.com', port: 587, tls: 'starttls', from: 'dirsync@corp.example.com', to: ['ops@corp.example.com'] },
    },
  };
}

describe('settings as reviewable text', () => {
  let work: string;
  let installation: Installation;
  beforeEach(async () => {
    work = await mkdtemp(join(tmpdir(), 'dirsync-settings-'));
    installation = new Installation(join(work, 'DirSync'));
    await install({ path: installation.path, upgrade: false }, {}, captured());
    await installation.writeConfiguration(configured());
    await installation.vault.write(SECRETS);
    await installation.writeManifest({ ...(await installation.readManifest()), configurationRequired: false });
  });
  afterEach(() => rm(work, { recursive: true, force: true }));

  const exported = async (name: string) => {
    const file = join(work, name);
    assert.equal(await exportSettings({ path: installation.path, file }, captured()), 0);
    return file;
  };

  it('exports every setting, sorted, without a secret (only whether each is stored); two exports are byte-identical', async () => {
    const first = await readFile(await exported('a.json'), 'utf8');
    const second = await readFile(await exported('b.json'), 'utf8');
    assert.equal(first, second);
    for (const secret of Object.values(SECRETS)) assert.ok(!first.includes(secret), `no ${secret} in the file`);
    const document = JSON.parse(first);
    assert.deepEqual(document.secrets, { adPassword: true, clientSecret: true, smtpAccount: true, webhookSecret: true });
    const { webhookSecret: _notSaid, ...earlierSecrets } = document.secrets;
    const earlier = parseSettings(JSON.stringify({ ...document, secrets: earlierSecrets }), 'earlier.json');
    assert.equal(earlier.secrets.webhookSecret, false, 'a file exported before webhooks were signed: not set');
    assert.deepEqual(Object.keys(document), ['$comment', 'exportedBy', 'format', 'formatVersion', 'secrets', 'settings']);
    assert.deepEqual(Object.keys(document.settings), [...Object.keys(document.settings)].sort());
    assert.deepEqual(document.settings.scope.includeOus, ['OU=Groups,DC=corp', 'OU=Staff,DC=corp']);
    assert.deepEqual(document.settings.activeDirectory, {
      allowPlainLdap: false,
      caFile: '/etc/dirsync/corp-ca.pem',
      serviceAccount: true,
      url: 'ldaps://dc1.corp.example.com',
    });
    assert.equal(document.settings.cloud.sourceAnchorProperty, undefined, 'resolved by configure, not a setting');
    assert.equal(document.settings.standby, undefined, 'the role is not a setting: a standby and its active one compare equal');
    for (const section of ['deletionThreshold', 'schedule', 'writeBudget', 'matching', 'features', 'notifications'])
      assert.ok(section in document.settings, section);
    assert.equal(document.settings.notifications.smtp.host, 'mail.corp.example.com');
  });

  it('exports the other forests as settings too, without their own accounts; a standby read from the file creates its own', async () => {
    const configuration = configured();
    const forest = {
      name: 'fabrikam.example.com',
      activeDirectory: {
        ...configuration.activeDirectory!,
        url: 'ldaps://dc1.fabrikam.example.com',
        bindUser: 'AAD_ba9876543210@fabrikam.example.com',
        forestName: 'fabrikam.example.com',
      },
      scope: { includeOus: ['OU=Staff,DC=fabrikam,DC=example,DC=com'], excludeOus: [], attributeFilter: null },
    };
    await installation.writeConfiguration({ ...configuration, forests: [forest] });
    const file = await exported('forests.json');
    const document = JSON.parse(await readFile(file, 'utf8'));
    assert.deepEqual(document.settings.forests, [
      {
        activeDirectory: { allowPlainLdap: false, caFile: '/etc/dirsync/corp-ca.pem', serviceAccount: true, url: 'ldaps://dc1.fabrikam.example.com' },
        name: 'fabrikam.example.com',
        scope: { attributeFilter: null, excludeOus: [], includeOus: ['OU=Staff,DC=fabrikam,DC=example,DC=com'] },
      },
    ]);
    const standby = configurationFrom(parseSettings(await readFile(file, 'utf8'), file), file);
    assert.equal(standby.forests[0]?.name, 'fabrikam.example.com');
    assert.equal(standby.forests[0]?.activeDirectory.serviceAccount, null, "the standby's forest add creates its own AAD_ account");
  });

  it('compares an installation with a file, setting by setting', async () => {
    const file = await exported('settings.json');
    const same = captured();
    await compareSettingsCommand({ path: installation.path, file }, same);
    assert.deepEqual(same.results[0]?.properties, { path: installation.path, file, identical: true, differences: [] });

    const configuration = await installation.readConfiguration();
    await installation.writeConfiguration({
      ...configuration,
      scope: { ...configuration.scope, excludeOus: ['OU=Leavers,DC=corp'] },
      deletionThreshold: { ...configuration.deletionThreshold, threshold: 50 },
    });
    await installation.vault.write({ adPassword: SECRETS.adPassword, clientSecret: SECRETS.clientSecret });
    const changed = captured();
    await compareSettingsCommand({ path: installation.path, file }, changed);
    assert.equal(changed.results[0]?.properties.identical, false);
    assert.deepEqual(changed.results[0]?.properties.differences, [
      { setting: 'secrets.smtpAccount', installation: 'false', file: 'true' },
      { setting: 'secrets.webhookSecret', installation: 'false', file: 'true' },
      { setting: 'deletionThreshold.threshold', installation: '50', file: '500' },
      { setting: 'scope.excludeOus', installation: '["OU=Leavers,DC=corp"]', file: '[]' },
    ]);
  });

  /** The tenant at a port where nobody listens: promotion's lease cannot be taken, and nothing leaves this machine. */
  async function tenantOutOfReach(): Promise<void> {
    const configuration = await installation.readConfiguration();
    await installation.writeConfiguration({
      ...configuration,
      cloud: { ...configuration.cloud!, cloud: 'Custom', authorityHost: 'https://127.0.0.1:1', graphEndpoint: 'https://127.0.0.1:1' },
    });
  }

  it('promote --compare-with refuses a standby whose settings differ, showing them, unless forced', async () => {
    await tenantOutOfReach();
    const file = await exported('active.json');
    const configuration = await installation.readConfiguration();
    await installation.writeConfiguration({ ...configuration, standby: true, schedule: { ...configuration.schedule, intervalMinutes: 30 } });

    const refused = captured();
    await assert.rejects(promote({ path: installation.path, compareWith: file, force: false }, refused), (error: DirSyncError) => {
      assert.equal(error.code, 'Settings.differ');
      assert.equal(error.category, 'InvalidOperation', 'exit code 2');
      assert.match(error.message, /schedule\.intervalMinutes/);
      return true;
    });
    assert.match(refused.warnings.join('\n'), /Setting schedule\.intervalMinutes: 30 here, 180 in/);
    assert.equal((await installation.readConfiguration()).standby, true, 'still a standby');

    // Forced, it goes on to take the tenant's lease (test/e2e/active-installation.test.ts): out of reach here, so nothing changes.
    await assert.rejects(promote({ path: installation.path, compareWith: file, force: true }, captured()), unreachableTenant);
    assert.equal((await installation.readConfiguration()).standby, true, 'a promotion that cannot take the lease changes nothing');
  });

  it('promote --compare-with goes on to take the lease when the settings match', async () => {
    await tenantOutOfReach();
    const file = await exported('active.json');
    await installation.writeConfiguration({ ...(await installation.readConfiguration()), standby: true });
    const matching = captured();
    await assert.rejects(promote({ path: installation.path, compareWith: file, force: false }, matching), unreachableTenant);
    assert.deepEqual(matching.warnings, [], 'no difference shown');
  });

  it('reads a file back into the configuration a standby starts from, and refuses a damaged one or an active target', async () => {
    const file = await exported('settings.json');
    const document = parseSettings(await readFile(file, 'utf8'), file);
    const start = configurationFrom(document, file);
    assert.equal(start.standby, true);
    assert.equal(start.activeDirectory?.serviceAccount, null, 'configure creates the standby its own AAD_ account');
    assert.equal(start.cloud?.sourceAnchorProperty, null);
    const notifications = configured().notifications;
    assert.deepEqual(start.notifications, { ...notifications, on: [...notifications.on].sort() }, 'lists come back sorted, as exported');
    assert.deepEqual(start.deletionThreshold, configured().deletionThreshold);

    const damaged = join(work, 'damaged.json');
    const damagedText = (await readFile(file, 'utf8')).replace('"intervalMinutes": 180', '"intervalMinutes": 1');
    await writeFile(damaged, damagedText);
    assert.throws(
      () => parseSettings(damagedText, damaged),
      (error: DirSyncError) => error.code === 'Settings.file-invalid' && /schedule\.intervalMinutes/.test(error.message),
    );
    await assert.rejects(
      importSettings({ path: installation.path, file }, {}, captured()),
      (error: DirSyncError) => error.code === 'Settings.import-onto-active',
    );
  });
});
