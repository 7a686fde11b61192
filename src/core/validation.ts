// How a schema's complaints are worded for people, in one place (configuration files, manifests, parameters).
import type * as z from 'zod';

/** `path: message; path: message`, with `root` naming an issue of the value as a whole. */
export function describeIssues(issues: readonly z.core.$ZodIssue[], root = 'value'): string {
  return issues.map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : root}: ${issue.message}`).join('; ');
}
