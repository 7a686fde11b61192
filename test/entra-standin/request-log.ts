// Every request the stand-in answered, for assertions ("no write reached Graph", "3 items were
// throttled inside $batch").

export interface LoggedRequest {
  time: string;
  method: string;
  /** Path with query string, e.g. `/v1.0/users?$filter=…` or `/{tenant}/oauth2/v2.0/token`. */
  path: string;
  status: number;
  /** Client id of the caller, when the request carried a valid token. */
  appId: string | null;
  inBatch: boolean;
  requestId: string;
}

const maxEntries = 200_000;

export class RequestLog {
  #entries: LoggedRequest[] = [];

  add(entry: LoggedRequest): void {
    this.#entries.push(entry);
    if (this.#entries.length > maxEntries) this.#entries.splice(0, this.#entries.length - maxEntries);
  }

  entries(): LoggedRequest[] {
    return [...this.#entries];
  }
  clear(): void {
    this.#entries = [];
  }
}
