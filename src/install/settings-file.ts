// Settings as reviewable text (dirsync settings export/import/compare, issue 23 §2): everything configured, as one
// stable, sorted JSON document without any secret — only whether each is stored — so that two exports of an unchanged
// installation are byte-identical, a change review diffs them, and a standby is built from the reviewed file.
// The document is the configuration less what belongs to one installation alone (its role, its AAD_ account, what its
// probes found, what configure resolves): a section added to the configuration later (drift policy…) is exported,
// imported and compared without a change here.
import * as z from 'zod';
import { DirSyncError } from '../core/errors.ts';
import { describeIssues } from '../core/validation.ts';
import { type ActiveDirectoryConfiguration, type Configuration, configurationSchema, defaultConfiguration } from './configuration.ts';

const FORMAT = 'dirsync-settings';
const FORMAT_VERSION = 1;

const COMMENT =
  'DirSync settings, written by dirsync settings export (Export-CoexistenceConfiguration). No secret is in this file: ' +
  '"secrets" says only whether each is stored. Review and diff it; dirsync settings import --path DIR --file FILE builds a ' +
  'standby installation from it, and promote --compare-with FILE checks a standby against it.';

/** Whether each secret is stored: never a value. */
export interface SecretsStored {
  adPassword: boolean;
  clientSecret: boolean;
  smtpAccount: boolean;
  webhookSecret: boolean;
}

export interface SettingsDocument {
  /** The product version that wrote it (informative: compare leaves it out). */
  exportedBy: string;
  secrets: SecretsStored;
  settings: Record<string, unknown>;
}

const documentSchema = z.object({
  $comment: z.string().optional(),
  format: z.literal(FORMAT),
  formatVersion: z.literal(FORMAT_VERSION),
  exportedBy: z.string(),
  secrets: z.object({
    adPassword: z.boolean(),
    clientSecret: z.boolean(),
    smtpAccount: z.boolean(),
    // Files exported before the webhook could be signed do not say.
    webhookSecret: z.boolean().default(false),
  }),
  settings: z.record(z.string(), z.unknown()),
});

/** The configuration's settings, less what belongs to this installation alone. */
export function settingsOf(configuration: Configuration, secrets: SecretsStored, productVersion: string): SettingsDocument {
  const { schemaVersion: _schema, standby: _role, activeDirectory, cloud, forests, ...shared } = configuration;
  const settings: Record<string, unknown> = { ...shared };
  settings.activeDirectory = activeDirectory ? directorySettings(activeDirectory) : null;
  // The other forests likewise; their passwords, like the first's, are entered again (forest add on the standby).
  if (forests.length > 0) settings.forests = forests.map((forest) => ({ ...forest, activeDirectory: directorySettings(forest.activeDirectory) }));
  if (cloud) {
    const { sourceAnchorProperty: _resolved, ...application } = cloud;
    settings.cloud = application;
  } else settings.cloud = null;
  return { exportedBy: productVersion, secrets, settings };
}

/** With the AAD_ account each installation has its own; without it, the account AD is read with is a setting. */
function directorySettings(activeDirectory: ActiveDirectoryConfiguration): Record<string, unknown> {
  const { serviceAccount, deletionVisibility: _probed, forestName: _resolved, bindUser, ...directory } = activeDirectory;
  return { ...directory, serviceAccount: serviceAccount !== null, ...(serviceAccount ? {} : { bindUser }) };
}

/** configure (forest add) replaces the whole section with what it checked: the account here only has to be a name. */
function directoryFrom({ serviceAccount: _own, bindUser, ...rest }: Record<string, unknown>): Record<string, unknown> {
  return { ...rest, bindUser: bindUser ?? 'AAD_ service account', serviceAccount: null, deletionVisibility: null };
}

/** The file's text: keys sorted at every level, lists of names sorted, two-space indents, a final newline. */
export function renderSettings(document: SettingsDocument): string {
  return `${JSON.stringify(sorted({ $comment: COMMENT, format: FORMAT, formatVersion: FORMAT_VERSION, ...document }), null, 2)}\n`;
}

export function parseSettings(text: string, file: string): SettingsDocument {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw settingsInvalid(file, `it is not valid JSON (${(error as Error).message})`);
  }
  const parsed = documentSchema.safeParse(json);
  if (!parsed.success) throw settingsInvalid(file, describeIssues(parsed.error.issues, '(file)'));
  const { exportedBy, secrets, settings } = parsed.data;
  configurationFrom({ exportedBy, secrets, settings }, file);
  return { exportedBy, secrets, settings };
}

/**
 * The configuration a new installation starts from (a standby): the file's settings over the defaults, with what
 * configure finds out again for itself left empty (the AAD_ account, the deletion probe, the group anchor property).
 */
export function configurationFrom(document: SettingsDocument, file: string): Configuration {
  const { activeDirectory, cloud, forests, ...shared } = document.settings as {
    activeDirectory?: Record<string, unknown> | null;
    cloud?: Record<string, unknown> | null;
    forests?: { activeDirectory?: Record<string, unknown> }[];
  };
  const candidate = {
    ...defaultConfiguration(),
    ...shared,
    activeDirectory: activeDirectory ? directoryFrom(activeDirectory) : null,
    forests: (Array.isArray(forests) ? forests : []).map((forest) =>
      forest?.activeDirectory ? { ...forest, activeDirectory: directoryFrom(forest.activeDirectory) } : forest,
    ),
    cloud: cloud ? { ...cloud, sourceAnchorProperty: null } : null,
    schemaVersion: 1,
    standby: true,
  };
  const parsed = configurationSchema.safeParse(candidate);
  if (!parsed.success) throw settingsInvalid(file, describeIssues(parsed.error.issues, 'settings'));
  return parsed.data;
}

/** Whether the exported installation read AD with its own AAD_ account (true) or a named one. */
export function usesServiceAccount(document: SettingsDocument): boolean {
  const directory = document.settings.activeDirectory as { serviceAccount?: unknown } | null | undefined;
  return directory?.serviceAccount !== false;
}

export interface SettingsDifference {
  /** Dotted path of the setting, e.g. `scope.includeOus` or `secrets.clientSecret`. */
  setting: string;
  /** Its value in the installation; undefined when it has none. */
  installation: unknown;
  /** Its value in the file. */
  file: unknown;
}

/** Every setting whose value differs, by dotted path (lists compared whole), in path order. */
export function compareSettings(installation: SettingsDocument, file: SettingsDocument): SettingsDifference[] {
  const left = flatten({ secrets: installation.secrets, settings: installation.settings });
  const right = flatten({ secrets: file.secrets, settings: file.settings });
  const paths = [...new Set([...left.keys(), ...right.keys()])].sort();
  return paths
    .filter((path) => JSON.stringify(left.get(path)) !== JSON.stringify(right.get(path)))
    .map((path) => ({ setting: path.replace(/^settings\./, ''), installation: left.get(path), file: right.get(path) }));
}

function flatten(value: unknown, prefix = '', into = new Map<string, unknown>()): Map<string, unknown> {
  if (isRecord(value) && Object.keys(value).length > 0) {
    for (const [key, inner] of Object.entries(value)) flatten(inner, prefix ? `${prefix}.${key}` : key, into);
  } else into.set(prefix, sorted(value));
  return into;
}

/** Keys in order at every level; lists of strings in order too (their order means nothing in a configuration). */
function sorted(value: unknown): unknown {
  if (Array.isArray(value)) {
    const items = value.map(sorted);
    return items.every((item) => typeof item === 'string') ? [...(items as string[])].sort() : items;
  }
  if (!isRecord(value)) return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, sorted(value[key])]),
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function settingsInvalid(file: string, problem: string): DirSyncError {
  return new DirSyncError('Settings.file-invalid', `${file} is not a DirSync settings file: ${problem}`, { target: file });
}
