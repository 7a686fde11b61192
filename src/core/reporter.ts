// What long work tells the person or script watching it: progress, verbose detail and warnings. The terminal and
// the PowerShell module protocol implement it, so the engine and the connectors report without knowing the audience.

export interface ProgressEvent {
  /** What is being done, e.g. "Importing from Active Directory". Stable across one activity. */
  activity: string;
  /** What is happening now, e.g. "1,200 objects". */
  status: string;
  current?: number;
  total?: number;
  /** The activity is over. */
  completed?: boolean;
}

export interface Reporter {
  progress(event: ProgressEvent): void;
  verbose(message: string): void;
  warning(message: string): void;
  /** False when verbose messages are dropped anyway: work that would compose one per object can skip it. */
  readonly verboseShown?: boolean;
}

/** For callers that want nothing reported (tests, benchmarks). */
export const silentReporter: Reporter = { progress() {}, verbose() {}, warning() {} };
