// Validates a command's parameters the same way whether they came from argv or from the module's JSON request.
import type * as z from 'zod';
import { describeIssues } from '../core/validation.ts';
import { invalidParameter } from './errors.ts';

export function parseParameters<Schema extends z.ZodType>(schema: Schema, raw: unknown): z.infer<Schema> {
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  throw invalidParameter(`invalid parameters: ${describeIssues(result.error.issues)}`, (say) => `see ${say.help} for the expected values`);
}
