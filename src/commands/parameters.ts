// Validates a command's parameters the same way whether they came from argv or from the module's JSON request.
import type * as z from 'zod';
import { invalidParameter } from './errors.ts';

export function parseParameters<Schema extends z.ZodType>(schema: Schema, raw: unknown): z.infer<Schema> {
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `${issue.path.length > 0 ? `${issue.path.join('.')}: ` : ''}${issue.message}`);
  throw invalidParameter(`invalid parameters: ${problems.join('; ')}`, 'see --help (or Get-Help) for the expected values');
}
