// settings export / import / compare (Export-, Import-, Compare-CoexistenceConfiguration): the installation's settings
// as one reviewable file without secrets (src/install/settings-file.ts), a standby built from such a file through
// configure itself, and the differences between an installation and a file.
import { readFile, writeFile } from 'node:fs/promises';
import * as z from 'zod';
import { DirSyncError } from '../core/errors.ts';
import { Installation } from '../install/installation.ts';
import {
  compareSettings,
  configurationFrom,
  parseSettings,
  renderSettings,
  type SettingsDifference,
  type SettingsDocument,
  settingsOf,
  usesServiceAccount,
} from '../install/settings-file.ts';
import { PRODUCT_VERSION } from '../version.ts';
import { configure } from './configure.ts';
import { ExitCode } from './exit-codes.ts';
import { storedSecretsShown } from './get-configuration.ts';
import type { CommandOutput, CommandResult } from './output.ts';
import type { SuppliedSecrets } from './secrets.ts';

export const settingsFileParameters = z.object({ path: z.string().min(1), file: z.string().min(1) });
export type SettingsFileParameters = z.infer<typeof settingsFileParameters>;

export const settingsImportParameters = settingsFileParameters.extend({
  /** The on-premises Enterprise Administrator, as configure asks for it (the password among the secrets). */
  adUser: z.string().min(1).optional(),
});
export type SettingsImportParameters = z.infer<typeof settingsImportParameters>;

export async function exportSettings(parameters: SettingsFileParameters, output: CommandOutput): Promise<number> {
  const installation = new Installation(parameters.path);
  const document = await currentSettings(installation);
  await writeFile(parameters.file, renderSettings(document), { mode: 0o600 });
  output.result({
    typeName: 'DirSync.SettingsFile',
    properties: { path: installation.path, file: parameters.file, secretsStored: { ...document.secrets } },
  });
  return ExitCode.success;
}

/** Configures a new installation (or a standby) from a settings file, as a standby: configure checks everything for real. */
export async function importSettings(
  parameters: SettingsImportParameters,
  secrets: SuppliedSecrets,
  output: CommandOutput,
  signal?: AbortSignal,
): Promise<number> {
  const installation = new Installation(parameters.path);
  const manifest = await installation.readManifest();
  const existing = await installation.readConfiguration();
  if (!manifest.configurationRequired && !existing.standby)
    throw new DirSyncError(
      'Settings.import-onto-active',
      `${installation.path} is an active installation: importing settings would make it a standby.`,
      {
        target: installation.path,
      },
    );
  const document = await readSettingsFile(parameters.file);
  const startingFrom = configurationFrom(document, parameters.file);
  if (document.secrets.smtpAccount && !(secrets.smtpUser && secrets.smtpPassword))
    output.warning(
      'The exported installation signs in to its mail server, and no mail server account was given: give DIRSYNC_SMTP_USER and DIRSYNC_SMTP_PASSWORD (smtpUser, smtpPassword on stdin), or the notifications go without one.',
    );
  if (document.secrets.webhookSecret && !secrets.webhookSecret)
    output.warning(
      "The exported installation signs its webhook, and no webhook secret was given: give DIRSYNC_WEBHOOK_SECRET (webhookSecret on stdin) with the receiver's key, or the webhook goes unsigned and the receiver refuses it.",
    );
  output.verbose(`Configuring ${installation.path} as a standby from ${parameters.file} (exported by DirSync ${document.exportedBy}).`);
  return configure(
    {
      path: installation.path,
      ...(parameters.adUser ? { adUser: parameters.adUser } : {}),
      noServiceAccount: !usesServiceAccount(document),
      staging: true,
    },
    secrets,
    output,
    signal,
    startingFrom,
  );
}

export async function compareSettingsCommand(parameters: SettingsFileParameters, output: CommandOutput): Promise<number> {
  const installation = new Installation(parameters.path);
  const differences = compareSettings(await currentSettings(installation), await readSettingsFile(parameters.file));
  output.result(settingsComparison(installation.path, parameters.file, differences));
  return ExitCode.success;
}

/** The installation's settings as an export would write them. */
export async function currentSettings(installation: Installation): Promise<SettingsDocument> {
  await installation.readManifest();
  const configuration = await installation.readConfiguration();
  return settingsOf(configuration, storedSecretsShown(await installation.vault.read()), PRODUCT_VERSION);
}

export async function readSettingsFile(file: string): Promise<SettingsDocument> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new DirSyncError('Settings.file-invalid', `${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, {
      target: file,
    });
  }
  return parseSettings(text, file);
}

export function settingsComparison(path: string, file: string, differences: readonly SettingsDifference[]): CommandResult {
  return {
    typeName: 'DirSync.SettingsComparison',
    properties: {
      path,
      file,
      identical: differences.length === 0,
      differences: differences.map((difference) => ({
        setting: difference.setting,
        installation: shown(difference.installation),
        file: shown(difference.file),
      })),
    },
  };
}

/** A value as one line of text (a list, an object, or "(not set)"). */
export function shown(value: unknown): string {
  if (value === undefined) return '(not set)';
  return typeof value === 'string' ? value : JSON.stringify(value);
}
