// Secrets reach the executable from the environment or as JSON on stdin — never from its command line,
// where any user of the machine could read them (ps, /proc/*/cmdline).
import { text } from 'node:stream/consumers';
import { DirSyncError } from '../core/errors.ts';
import { parseSuppliedSecrets, type SuppliedSecrets } from '../use-cases/secrets.ts';

const ENVIRONMENT: Record<keyof SuppliedSecrets, string> = {
  adPassword: 'DIRSYNC_AD_PASSWORD',
  clientSecret: 'DIRSYNC_CLIENT_SECRET',
  sqlUser: 'DIRSYNC_SQL_USER',
  sqlPassword: 'DIRSYNC_SQL_PASSWORD',
  smtpUser: 'DIRSYNC_SMTP_USER',
  smtpPassword: 'DIRSYNC_SMTP_PASSWORD',
  webhookSecret: 'DIRSYNC_WEBHOOK_SECRET',
};

export async function readSuppliedSecrets(fromStdin: boolean, stdin: NodeJS.ReadableStream = process.stdin): Promise<SuppliedSecrets> {
  if (!fromStdin) {
    const secrets: SuppliedSecrets = {};
    for (const [name, variable] of Object.entries(ENVIRONMENT) as [keyof SuppliedSecrets, string][]) {
      const value = process.env[variable];
      if (value) secrets[name] = value;
    }
    return secrets;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(await text(stdin));
  } catch {
    // Never echo the input: it holds secrets.
    throw new DirSyncError('Secrets.input-invalid', 'the secrets given on standard input are not valid JSON');
  }
  return parseSuppliedSecrets(parsed);
}
