// configuration.json: everything DirSync needs to run a cycle, except secrets (those are in the vault).
// Validated on every read, so a hand-edited file that makes no sense is refused with the reason, never guessed at.
import { recommendedActions } from '../core/advice.ts';
import * as z from 'zod';
import { DirSyncError } from '../core/errors.ts';
import { describeIssues } from '../core/validation.ts';
import { DEFAULT_SHARE_PERCENT } from '../engine/deletion-guard.ts';
import { defaultNotificationSettings, notificationSettingsSchema } from './notification-settings.ts';
import { customMappingSchema } from '../engine/mapping/attribute-mapping.ts';

export const CLOUDS = ['AzureCloud', 'AzureChinaCloud', 'AzureUSGovernment', 'Custom'] as const;

const activeDirectorySchema = z.object({
  /** ldaps://host[:636], or ldap://host[:389] (StartTLS unless allowPlainLdap). */
  url: z.string().regex(/^ldaps?:\/\/[^/\s]+$/i, 'must look like ldaps://dc1.corp.example.com or ldap://dc1.corp.example.com'),
  /** The account DirSync reads AD with: the AAD_ service account's DN, or the one the administrator supplied. */
  bindUser: z.string().min(1),
  caFile: z.string().min(1).nullable(),
  allowPlainLdap: z.boolean(),
  serviceAccount: z
    .object({ objectGuid: z.string().uuid(), samAccountName: z.string().regex(/^AAD_[0-9a-f]{12}$/), dn: z.string().min(1) })
    .nullable(),
  /**
   * Whether the account DirSync reads with sees deletions in a delta (tombstones), as configure's probe found; a delta
   * lists the scope to find deletions when it does not, or when this was never checked (null).
   */
  deletionVisibility: z.object({ visible: z.boolean(), checkedAt: z.string(), detail: z.string() }).nullable().default(null),
  /** The forest's DNS root, as configure (or forest add) read it; null in configurations saved before forests had names. */
  forestName: z.string().min(1).nullish(),
});

const scopeSchema = z.object({
  includeOus: z.array(z.string().min(1)),
  excludeOus: z.array(z.string().min(1)),
  attributeFilter: z.string().min(1).nullable(),
});

/** A forest besides the first (forest add): read with its own account, over its own scope, into the same tenant. */
const forestSchema = z.object({
  /** Its DNS root (fabrikam.example.test): its name, and the suffix of its objects' DNs. */
  name: z.string().regex(/^[a-z0-9-]+(\.[a-z0-9-]+)+$/, 'must be a DNS name in lower case, such as fabrikam.example.com'),
  activeDirectory: activeDirectorySchema,
  scope: scopeSchema,
});

const cloudSchema = z.object({
  cloud: z.enum(CLOUDS),
  tenantId: z.string().min(1),
  clientId: z.string().uuid(),
  authorityHost: z.string().url().startsWith('https://', 'must be an https:// URL'),
  graphEndpoint: z.string().url().startsWith('https://', 'must be an https:// URL'),
  certificateFile: z.string().min(1).nullable(),
  /** Extra CA certificate (PEM file) to trust for sign-in and Graph, e.g. a TLS-inspecting proxy's. */
  caFile: z.string().min(1).nullable(),
  /** Resolved at configure time: the directory extension property that anchors groups. */
  sourceAnchorProperty: z
    .string()
    .regex(/^extension_[0-9a-f]{32}_\w+$/)
    .nullable(),
});

export const configurationSchema = z.object({
  schemaVersion: z.literal(1),
  activeDirectory: activeDirectorySchema.nullable(),
  cloud: cloudSchema.nullable(),
  scope: scopeSchema,
  /** The forests besides the first (activeDirectory and scope above), each synchronised into the same tenant. */
  forests: z.array(forestSchema).default([]),
  features: z.object({
    hybridDeployment: z.boolean(),
    passwordSync: z.literal(false, { error: 'password sync cannot be enabled: no public Graph API accepts password hashes' }),
  }),
  /** Accidental-delete prevention (src/engine/deletion-guard.ts): a count and a share of the synchronized objects. */
  deletionThreshold: z.object({
    enabled: z.boolean(),
    threshold: z.number().int().min(1),
    sharePercent: z.number().int().min(1).max(100).default(DEFAULT_SHARE_PERCENT),
  }),
  matching: z.object({ softMatch: z.enum(['smtp-then-upn', 'off']) }),
  schedule: z.object({
    intervalMinutes: z
      .number()
      .int()
      .min(5)
      .max(7 * 24 * 60),
    /**
     * The service reconciles with a full import when the last one is older than this (0: never on its own):
     * deletions a delta cannot see (tombstones withheld, a scope changed by hand) are caught within the period.
     */
    fullImportIntervalHours: z
      .number()
      .int()
      .min(0)
      .max(24 * 30)
      .default(24),
  }),
  /** Graph's directory write budget for this app and tenant: the exporter paces itself to it. */
  writeBudget: z.object({ writes: z.number().int().min(1), windowSeconds: z.number().int().min(1) }),
  /**
   * A standby, what the command line calls staging mode (Microsoft's name, `--staging`): cycles import and plan, and
   * export nothing, until `promote` makes it active. Stored as `staging` before 2026-12; read under either name.
   */
  standby: z.boolean().default(false),
  /** The tenant's active-installation lease: another installation's may be taken (--take-over-lease) once this old. */
  activeLease: z
    .object({
      staleAfterHours: z
        .number()
        .int()
        .min(1)
        .max(24 * 30),
    })
    .default({ staleAfterHours: 24 }),
  /** Changes made in the cloud to what DirSync owns: sent back to AD's values (revert), or only listed (report). */
  cloudDrift: z.enum(['revert', 'report']).default('revert'),
  /** Mail and webhook notifications (notification-settings.ts). */
  notifications: notificationSettingsSchema.default(defaultNotificationSettings),
  /** The administrator's attribute mapping over the default one (mapping set); null: the default alone. */
  attributeMapping: customMappingSchema.nullable().default(null),
});

export type Configuration = z.infer<typeof configurationSchema>;
export type ActiveDirectoryConfiguration = z.infer<typeof activeDirectorySchema>;
export type CloudConfiguration = z.infer<typeof cloudSchema>;
export type ForestConfiguration = z.infer<typeof forestSchema>;

/** What a fresh installation starts with: the original's defaults (3-hour cycle, deletes guarded at 500). */
export function defaultConfiguration(): Configuration {
  return {
    schemaVersion: 1,
    activeDirectory: null,
    cloud: null,
    scope: { includeOus: [], excludeOus: [], attributeFilter: null },
    forests: [],
    features: { hybridDeployment: false, passwordSync: false },
    deletionThreshold: { enabled: true, threshold: 500, sharePercent: DEFAULT_SHARE_PERCENT },
    matching: { softMatch: 'smtp-then-upn' },
    schedule: { intervalMinutes: 180, fullImportIntervalHours: 24 },
    writeBudget: { writes: 3000, windowSeconds: 150 },
    standby: false,
    activeLease: { staleAfterHours: 24 },
    cloudDrift: 'revert',
    notifications: defaultNotificationSettings(),
    attributeMapping: null,
  };
}

export function parseConfiguration(text: string, file: string): Configuration {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new DirSyncError('Configuration.invalid', `${file} is not valid JSON (${(error as Error).message})`, {
      target: file,
      ...recommendedActions((say) => `restore it from a backup, or run ${say.command('configure')} again`),
    });
  }
  const result = configurationSchema.safeParse(withStandbyUnderItsName(json));
  if (!result.success) {
    throw new DirSyncError(
      'Configuration.invalid',
      `${file} is not a valid DirSync configuration: ${describeIssues(result.error.issues, '(file)')}`,
      { target: file },
    );
  }
  return result.data;
}

/** A configuration written before the field was named `standby` says `staging`. */
function withStandbyUnderItsName(json: unknown): unknown {
  if (typeof json !== 'object' || json === null || !('staging' in json) || 'standby' in json) return json;
  const { staging, ...rest } = json as Record<string, unknown>;
  return { ...rest, standby: staging };
}
