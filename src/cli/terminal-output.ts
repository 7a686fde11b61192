// CommandOutput for people at a console and for scripts: progress on stderr (only when it is a terminal),
// warnings and verbose messages on stderr, results on stdout — human text, or with --json one JSON object
// as the last line.
import type { CommandOutput, CommandResult, ProgressEvent } from '../use-cases/output.ts';
import type { DirSyncError } from '../core/errors.ts';
import { runText } from './run-text.ts';

const PROGRESS_INTERVAL_MS = 200;

export interface TerminalOutputOptions {
  json: boolean;
  verbose: boolean;
  stdout?: NodeJS.WritableStream;
  stderr?: NodeJS.WriteStream | NodeJS.WritableStream;
}

export class TerminalOutput implements CommandOutput {
  private readonly json: boolean;
  private readonly verboseEnabled: boolean;
  private readonly stdout: NodeJS.WritableStream;
  private readonly stderr: NodeJS.WritableStream;
  private readonly interactive: boolean;
  private readonly activityStarted = new Map<string, number>();
  private lastProgressAt = 0;
  private progressLineShown = false;
  private readonly results: CommandResult[] = [];

  constructor(options: TerminalOutputOptions) {
    this.json = options.json;
    this.verboseEnabled = options.verbose;
    this.stdout = options.stdout ?? process.stdout;
    this.stderr = options.stderr ?? process.stderr;
    this.interactive = Boolean((this.stderr as NodeJS.WriteStream).isTTY);
  }

  progress(event: ProgressEvent): void {
    if (!this.interactive) return;
    const now = Date.now();
    const started = this.activityStarted.get(event.activity) ?? now;
    this.activityStarted.set(event.activity, started);
    if (!event.completed && now - this.lastProgressAt < PROGRESS_INTERVAL_MS) return;
    this.lastProgressAt = now;
    const seconds = (now - started) / 1000;
    const rate = event.current !== undefined && seconds > 1 ? ` (${Math.round(event.current / seconds)}/s)` : '';
    const total = event.total !== undefined ? ` of ${event.total}` : '';
    this.stderr.write(`\r\x1b[2K${event.activity}: ${event.status}${total}${rate}`);
    this.progressLineShown = !event.completed;
    if (event.completed) this.stderr.write('\n');
  }

  verbose(message: string): void {
    if (this.verboseEnabled) this.line(`VERBOSE: ${message}`);
  }

  get verboseShown(): boolean {
    return this.verboseEnabled;
  }

  warning(message: string): void {
    this.line(`WARNING: ${message}`);
  }

  /** The failure that ends the command: its code, what happened and what to do; with --json also one JSON object as stdout's last line. */
  error(error: DirSyncError): void {
    this.flush();
    this.line(`error [${error.code}]: ${error.message}`);
    this.line(`  what to do: ${error.recommendedAction}`);
    if (this.json) {
      const { code, category, message, recommendedAction } = error;
      this.stdout.write(
        `${JSON.stringify({ error: { code, category, message, recommendedAction, ...(error.target ? { target: error.target } : {}) } })}\n`,
      );
    }
  }

  result(result: CommandResult): void {
    if (this.json) {
      this.results.push(result);
      return;
    }
    this.stdout.write(`${result.typeName === 'DirSync.SyncRun' ? runText(result.properties) : renderText(result)}\n`);
  }

  /** With --json: the command's results as the last line on stdout (one object, or an array for several). */
  flush(): void {
    if (!this.json || this.results.length === 0) return;
    const values = this.results.splice(0).map((result) => result.properties);
    this.stdout.write(`${JSON.stringify(values.length === 1 ? values[0] : values)}\n`);
  }

  private line(text: string): void {
    if (this.progressLineShown) {
      this.stderr.write('\r\x1b[2K');
      this.progressLineShown = false;
    }
    this.stderr.write(`${text}\n`);
  }
}

/** A readable rendering of a result object: one "name: value" line per property, nested values indented. */
function renderText(result: CommandResult): string {
  return renderProperties(result.properties, '');
}

function renderProperties(properties: Record<string, unknown>, indent: string): string {
  // Nothing to say is said by leaving the line out (a run without a message, a setting not configured).
  const shown = Object.entries(properties).filter(([, value]) => value !== null && value !== undefined && value !== '');
  const width = Math.max(...shown.map(([name]) => name.length));
  return shown
    .map(([name, value]) => {
      const label = `${indent}${name.padEnd(width)} : `;
      if (Array.isArray(value)) {
        if (value.length === 0) return `${label}(none)`;
        return `${label}\n${value.map((item) => (isRecord(item) ? renderProperties(item, `${indent}    `) : `${indent}    ${String(item)}`)).join('\n\n')}`;
      }
      if (isRecord(value)) return `${label}\n${renderProperties(value, `${indent}    `)}`;
      return `${label}${value instanceof Date ? value.toISOString() : String(value ?? '')}`;
    })
    .join('\n');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !(value instanceof Date) && !Array.isArray(value);
}
