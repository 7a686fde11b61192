// The request the PowerShell module sends on the executable's stdin: the command line carries only the
// command name (`module-request`), so secrets never appear in a process listing.
import type { Readable } from 'node:stream';
import * as z from 'zod';
import { DirSyncError } from '../core/errors.ts';
import { describeIssues } from '../core/validation.ts';

// A request is a few kilobytes; the cap stops a wrong pipe from filling memory.
const MAX_REQUEST_BYTES = 1024 * 1024;

const moduleRequestSchema = z.strictObject({
  command: z.string().regex(/^[a-z][a-z-]*$/, 'a lower-case command name such as "sync"'),
  parameters: z.record(z.string(), z.unknown()).default({}),
  secrets: z.record(z.string(), z.string()).default({}),
});

export type ModuleRequest = z.infer<typeof moduleRequestSchema>;

/** Reads and validates the one JSON request on `input`; a CommandError (exit code 2) says what is wrong. */
export async function readModuleRequest(input: Readable): Promise<ModuleRequest> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of input) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > MAX_REQUEST_BYTES) throw invalidRequest(`the request is larger than ${MAX_REQUEST_BYTES} bytes`);
    chunks.push(buffer);
  }
  return parseModuleRequest(Buffer.concat(chunks).toString('utf8'));
}

export function parseModuleRequest(text: string): ModuleRequest {
  if (text.trim() === '') throw invalidRequest('no request arrived on standard input');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw invalidRequest(`the request is not valid JSON (${(error as Error).message})`, error);
  }
  const parsed = moduleRequestSchema.safeParse(json);
  if (!parsed.success) {
    throw invalidRequest(`the request is malformed (${describeIssues(parsed.error.issues, 'request')})`);
  }
  return parsed.data;
}

function invalidRequest(problem: string, cause?: unknown): DirSyncError {
  return new DirSyncError('Module.invalid-request', `The DirSync executable could not read the request from the PowerShell module: ${problem}.`, {
    recommendedAction:
      '"dirsync module-request" is meant for the DirSync PowerShell module; if the module sent this, make sure the module and the executable come from the same DirSync version.',
    cause,
  });
}
