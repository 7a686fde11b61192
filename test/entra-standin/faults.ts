// Injected faults for resilience tests: the next N requests matching a method and a path pattern
// get an error status, a delay, or a dropped connection.

export type FaultAction = { kind: 'status'; status: number; retryAfterSeconds?: number } | { kind: 'delay'; ms: number } | { kind: 'drop' };

export interface FaultRule {
  /** HTTP method to match; any method when absent. */
  method?: string;
  /** Regular expression (source text) matched against the path, e.g. `^/v1.0/users`. */
  path: string;
  /** How many matching requests get the fault. */
  count: number;
  action: FaultAction;
}

export class FaultInjector {
  #rules: { rule: FaultRule; pattern: RegExp; remaining: number }[] = [];

  add(rule: FaultRule): void {
    if (!Number.isInteger(rule.count) || rule.count < 1) throw new Error(`A fault needs a positive count; got ${rule.count}.`);
    this.#rules.push({ rule, pattern: new RegExp(rule.path, 'i'), remaining: rule.count });
  }

  clear(): void {
    this.#rules = [];
  }

  /** The fault for this request, if a rule matches; consumes one of the rule's occurrences. */
  take(method: string, path: string): FaultAction | undefined {
    const match = this.#rules.find(({ rule, pattern }) => (!rule.method || rule.method.toUpperCase() === method) && pattern.test(path));
    if (!match) return undefined;
    match.remaining -= 1;
    if (match.remaining === 0) this.#rules = this.#rules.filter((candidate) => candidate !== match);
    return match.rule.action;
  }
}
