// The secrets a command may be given: by the CLI (environment or stdin) or in the module's request.
import * as z from 'zod';
import { ExitCode } from './exit-codes.ts';
import { CommandError } from './output.ts';

export const suppliedSecretsSchema = z
  .object({
    adPassword: z.string().min(1).optional(),
    clientSecret: z.string().min(1).optional(),
    sqlUser: z.string().min(1).optional(),
    sqlPassword: z.string().min(1).optional(),
  })
  .strict();

export type SuppliedSecrets = z.infer<typeof suppliedSecretsSchema>;

export function parseSuppliedSecrets(value: unknown): SuppliedSecrets {
  const result = suppliedSecretsSchema.safeParse(value);
  if (result.success) return result.data;
  // Name the keys at fault, never the values: they are secrets.
  throw new CommandError({
    errorId: 'SecretsInputInvalid',
    category: 'InvalidArgument',
    exitCode: ExitCode.usageOrConfiguration,
    message: `the secrets given are not understood: ${result.error.issues.map((issue) => `${issue.path.join('.') || 'value'}: ${issue.code === 'unrecognized_keys' ? `unknown key(s) ${issue.keys.join(', ')}` : 'expected a non-empty string'}`).join('; ')}`,
    recommendedAction: 'send one JSON object such as {"adPassword":"…","clientSecret":"…"} (keys: adPassword, clientSecret, sqlUser, sqlPassword)',
  });
}
