// The secrets a command may be given: by the CLI (environment or stdin) or in the module's request.
import * as z from 'zod';
import { DirSyncError } from '../core/errors.ts';

export const suppliedSecretsSchema = z
  .object({
    adPassword: z.string().min(1).optional(),
    clientSecret: z.string().min(1).optional(),
    sqlUser: z.string().min(1).optional(),
    sqlPassword: z.string().min(1).optional(),
    smtpUser: z.string().min(1).optional(),
    smtpPassword: z.string().min(1).optional(),
    /** The key the notification webhook's requests are signed with (HMAC-SHA256). */
    webhookSecret: z.string().min(1).optional(),
  })
  .strict();

export type SuppliedSecrets = z.infer<typeof suppliedSecretsSchema>;

export function parseSuppliedSecrets(value: unknown): SuppliedSecrets {
  const result = suppliedSecretsSchema.safeParse(value);
  if (result.success) return result.data;
  // Name the keys at fault, never the values: they are secrets.
  throw new DirSyncError(
    'Secrets.input-invalid',
    `the secrets given are not understood: ${result.error.issues.map((issue) => `${issue.path.join('.') || 'value'}: ${issue.code === 'unrecognized_keys' ? `unknown key(s) ${issue.keys.join(', ')}` : 'expected a non-empty string'}`).join('; ')}`,
  );
}
