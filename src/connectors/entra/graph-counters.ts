/** What a Graph session did, for the run summary and the benchmarks. */
export interface GraphCounters {
  /** HTTP requests sent, retries included. */
  requests: number;
  /** Directory writes sent (each write item of a $batch counts), re-sends included. */
  writes: number;
  /** 429 answers received, top level and inside $batch responses. */
  throttled: number;
  /** Requests and $batch items sent again after a 429 or a server error. */
  retries: number;
}

export function newGraphCounters(): GraphCounters {
  return { requests: 0, writes: 0, throttled: 0, retries: 0 };
}
