// configuration.json: everything DirSync needs to run a cycle, except secrets (those are in the vault).
// Validated on every read, so a hand-edited file that makes no sense is refused with the reason, never guessed at.
import * as z from 'zod';

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
  sourceAnchorProperty: z.string().regex(/^extension_[0-9a-f]{32}_\w+$/).nullable(),
});

export const configurationSchema = z.object({
  schemaVersion: z.literal(1),
  activeDirectory: activeDirectorySchema.nullable(),
  cloud: cloudSchema.nullable(),
  scope: z.object({
    includeOus: z.array(z.string().min(1)),
    excludeOus: z.array(z.string().min(1)),
    attributeFilter: z.string().min(1).nullable(),
  }),
  features: z.object({
    hybridDeployment: z.boolean(),
    passwordSync: z.literal(false, { error: 'password sync cannot be enabled: no public Graph API accepts password hashes' }),
  }),
  deletionThreshold: z.object({ enabled: z.boolean(), threshold: z.number().int().min(1) }),
  matching: z.object({ softMatch: z.enum(['smtp-then-upn', 'off']) }),
  schedule: z.object({
    intervalMinutes: z.number().int().min(5).max(7 * 24 * 60),
    /**
     * The service reconciles with a full import when the last one is older than this (0: never on its own):
     * deletions a delta cannot see (tombstones withheld, a scope changed by hand) are caught within the period.
     */
    fullImportIntervalHours: z.number().int().min(0).max(24 * 30).default(24),
  }),
  /** Graph's directory write budget for this app and tenant: the exporter paces itself to it. */
  writeBudget: z.object({ writes: z.number().int().min(1), windowSeconds: z.number().int().min(1) }),
});

export type Configuration = z.infer<typeof configurationSchema>;
export type ActiveDirectoryConfiguration = z.infer<typeof activeDirectorySchema>;
export type CloudConfiguration = z.infer<typeof cloudSchema>;

/** What a fresh installation starts with: the original's defaults (3-hour cycle, deletes guarded at 500). */
export function defaultConfiguration(): Configuration {
  return {
    schemaVersion: 1,
    activeDirectory: null,
    cloud: null,
    scope: { includeOus: [], excludeOus: [], attributeFilter: null },
    features: { hybridDeployment: false, passwordSync: false },
    deletionThreshold: { enabled: true, threshold: 500 },
    matching: { softMatch: 'smtp-then-upn' },
    schedule: { intervalMinutes: 180, fullImportIntervalHours: 24 },
    writeBudget: { writes: 3000, windowSeconds: 150 },
  };
}

export class ConfigurationError extends Error {}

export function parseConfiguration(text: string, file: string): Configuration {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ConfigurationError(`${file} is not valid JSON (${(error as Error).message}); restore it or run configure again`);
  }
  const result = configurationSchema.safeParse(json);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.') || '(file)'}: ${issue.message}`);
    throw new ConfigurationError(`${file} is not a valid DirSync configuration: ${problems.join('; ')}. Correct it or run configure again.`);
  }
  return result.data;
}
