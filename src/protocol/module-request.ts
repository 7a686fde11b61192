// The request the PowerShell module sends on the executable's stdin: the command line carries only the
// command name (`module-request`), so secrets never appear in a process listing.
//
// A request with `"cancellation": "stdin"` is one JSON line, and stdin stays open after it: a line `cancel`
// (the user pressed Ctrl+C) or the end of stdin (the module is gone) aborts the command's signal. Without
// that field the request is all of stdin, and its end means nothing more.
import type { Readable } from 'node:stream';
import * as z from 'zod';
import { DirSyncError } from '../core/errors.ts';
import { describeIssues } from '../core/validation.ts';

// A request is a few kilobytes; the cap stops a wrong pipe from filling memory.
const MAX_REQUEST_BYTES = 1024 * 1024;

const moduleRequestSchema = z.strictObject({
  /** The protocol the module speaks (module-contract.ts); modules before protocol 3 send none. */
  protocolVersion: z.number().int().optional(),
  command: z.string().regex(/^[a-z][a-z-]*$/, 'a lower-case command name such as "sync"'),
  parameters: z.record(z.string(), z.unknown()).default({}),
  secrets: z.record(z.string(), z.string()).default({}),
  cancellation: z.literal('stdin').optional(),
});

export type ModuleRequest = z.infer<typeof moduleRequestSchema>;

export interface ReceivedRequest {
  request: ModuleRequest;
  /** Present when the request asked for cancellation on stdin; aborts when the module cancels. */
  signal?: AbortSignal;
  /** Stops listening for a cancellation, so that an open stdin does not keep the process alive. */
  stopListening(): void;
}

const CANCEL_LINE = 'cancel';

/** Reads and validates the request on `input`; a CommandError (exit code 2) says what is wrong. */
export async function receiveModuleRequest(input: Readable): Promise<ReceivedRequest> {
  const chunks = input[Symbol.asyncIterator]() as AsyncIterator<Buffer | string>;
  let received = Buffer.alloc(0);
  let firstLineChecked = false;
  for (let next = await chunks.next(); next.done !== true; next = await chunks.next()) {
    const chunk = Buffer.isBuffer(next.value) ? next.value : Buffer.from(String(next.value));
    received = Buffer.concat([received, chunk]);
    if (received.length > MAX_REQUEST_BYTES) throw invalidRequest(`the request is larger than ${MAX_REQUEST_BYTES} bytes`);
    const newline = received.indexOf(0x0a);
    if (firstLineChecked || newline < 0) continue;
    firstLineChecked = true;
    const request = parseModuleRequest(received.subarray(0, newline).toString('utf8'), { quiet: true });
    if (request?.cancellation === 'stdin') {
      const controller = new AbortController();
      void listenForCancel(chunks, received.subarray(newline + 1).toString('utf8'), controller);
      return { request, signal: controller.signal, stopListening: () => input.destroy() };
    }
  }
  return { request: parseModuleRequest(received.toString('utf8')), stopListening: () => {} };
}

async function listenForCancel(chunks: AsyncIterator<Buffer | string>, pending: string, controller: AbortController): Promise<void> {
  try {
    let text = pending;
    for (;;) {
      if (text.split(/\r?\n/).some((line) => line.trim() === CANCEL_LINE)) break;
      const next = await chunks.next();
      if (next.done === true) break;
      text = text.slice(text.lastIndexOf('\n') + 1) + String(next.value);
    }
  } catch {
    // stdin failed: the module that could cancel is gone, which is a cancellation too.
  }
  controller.abort(new Error('The PowerShell module stopped the command (Ctrl+C).'));
}

export function parseModuleRequest(text: string): ModuleRequest;
/** With `quiet`, text that is not a whole valid request gives undefined instead of an error. */
export function parseModuleRequest(text: string, options: { quiet: true }): ModuleRequest | undefined;
export function parseModuleRequest(text: string, options?: { quiet: true }): ModuleRequest | undefined {
  if (text.trim() === '') {
    if (options?.quiet) return undefined;
    throw invalidRequest('no request arrived on standard input');
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    if (options?.quiet) return undefined;
    throw invalidRequest(`the request is not valid JSON (${(error as Error).message})`, error);
  }
  const parsed = moduleRequestSchema.safeParse(json);
  if (!parsed.success) {
    if (options?.quiet) return undefined;
    throw invalidRequest(`the request is malformed (${describeIssues(parsed.error.issues, 'request')})`);
  }
  return parsed.data;
}

function invalidRequest(problem: string, cause?: unknown): DirSyncError {
  return new DirSyncError('Module.invalid-request', `The DirSync executable could not read the request from the PowerShell module: ${problem}.`, {
    recommendedAction:
      '"dirsync module-request" is meant for the DirSync PowerShell module; if the module sent this, make sure the module and the executable come from the same DirSync version.',
    powerShellAction: 'Use the DirSync module and executable of the same version: reinstall DirSync.',
    cause,
  });
}
