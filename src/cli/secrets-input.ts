// Secrets reach the executable from the environment or as JSON on stdin — never from its command line,
// where any user of the machine could read them (ps, /proc/*/cmdline).
import { text } from 'node:stream/consumers';
import * as z from 'zod';
import { CommandError } from '../commands/output.ts';
import { ExitCode } from '../commands/exit-codes.ts';

const secretsSchema = z
  .object({
    adPassword: z.string().min(1).optional(),
    clientSecret: z.string().min(1).optional(),
    sqlUser: z.string().min(1).optional(),
    sqlPassword: z.string().min(1).optional(),
  })
  .strict();

export type SuppliedSecrets = z.infer<typeof secretsSchema>;

const ENVIRONMENT: Record<keyof SuppliedSecrets, string> = {
  adPassword: 'DIRSYNC_AD_PASSWORD',
  clientSecret: 'DIRSYNC_CLIENT_SECRET',
  sqlUser: 'DIRSYNC_SQL_USER',
  sqlPassword: 'DIRSYNC_SQL_PASSWORD',
};

export async function readSuppliedSecrets(fromStdin: boolean, stdin: NodeJS.ReadableStream = process.stdin): Promise<SuppliedSecrets> {
  if (fromStdin) return parseSecretsJson(await text(stdin));
  const secrets: SuppliedSecrets = {};
  for (const [name, variable] of Object.entries(ENVIRONMENT) as [keyof SuppliedSecrets, string][]) {
    const value = process.env[variable];
    if (value) secrets[name] = value;
  }
  return secrets;
}

export function parseSecretsJson(json: string): SuppliedSecrets {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    // Never echo the input: it holds secrets.
    throw usage('the secrets given on standard input are not valid JSON');
  }
  const result = secretsSchema.safeParse(parsed);
  if (!result.success) {
    throw usage(`the secrets given on standard input are not understood: ${result.error.issues.map((issue) => `${issue.path.join('.') || 'value'}: ${issue.message}`).join('; ')}`);
  }
  return result.data;
}

function usage(message: string): CommandError {
  return new CommandError({
    errorId: 'SecretsInputInvalid',
    category: 'InvalidArgument',
    exitCode: ExitCode.usageOrConfiguration,
    message,
    recommendedAction: 'send one JSON object such as {"adPassword":"…","clientSecret":"…"} (keys: adPassword, clientSecret, sqlUser, sqlPassword)',
  });
}
