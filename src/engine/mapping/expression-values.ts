// What the functions of the expression language take and give, and the conversions they share: every function family
// (string-functions.ts, date-functions.ts, logic-functions.ts, generated-functions.ts) reads its arguments through these.
import type { CallNode, ExpressionNode } from './expression-syntax.ts';

/** What an expression yields: text, a number, a truth value, nothing (null) or several values (a multi-valued attribute, Split). */
export type Value = string | number | boolean | null | readonly string[];

/** A function's arguments: each evaluated on demand; an argument left out reads as null. */
export interface Arguments {
  readonly count: number;
  /** What the function's prepare() made of its call when the mapping was compiled (a compiled pattern, say). */
  readonly prepared: unknown;
  given(index: number): boolean;
  value(index: number): Value;
}

export interface FunctionSpec {
  /** Microsoft's parameter names, in Microsoft's order. */
  parameters: readonly string[];
  /** How many of the first parameters must be given. */
  required: number;
  /** How many arguments, given or left out, there must be at least (default: `required`). */
  minimum?: number;
  /** The last parameter may repeat (Coalesce's sources, Join's, Switch's key/value pairs). */
  repeats?: boolean;
  /** A new value every time (Now, Guid, RandomString): only for targets applied onCreate. */
  nondeterministic?: boolean;
  /** Decides whether the target flows at all (IgnoreFlowIfNullOrEmpty): only as the whole expression. */
  wholeExpressionOnly?: boolean;
  /** A check of the arguments as written, beyond their count: the problem, or undefined. */
  check?(args: readonly ExpressionNode[]): string | undefined;
  /** Work done once, when the mapping is compiled (a pattern, a format); may throw ExpressionSyntaxError at its column. */
  prepare?(call: CallNode): unknown;
  evaluate(args: Arguments): Value;
}

/** A function refused its arguments (the evaluator adds where). */
export class FunctionError extends Error {}

/** Error("message"): the administrator's own refusal of an object. */
export class RaisedError extends Error {}

export const isGiven = (node: ExpressionNode | undefined): boolean => node !== undefined && node.kind !== 'omitted';

/** The text of an argument written as a string constant, if it is one. */
export function constantText(node: ExpressionNode | undefined): string | undefined {
  return node?.kind === 'string' ? node.value : undefined;
}

/** One value as text: a multi-valued one only when it holds at most one value. */
export function asText(value: Value, what: string): string | null {
  if (value === null) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (value.length > 1) throw new FunctionError(`${what} takes one value, and got ${value.length}`);
  return value[0] ?? null;
}

export function asNumber(value: Value, what: string): number {
  if (typeof value === 'number') return value;
  const text = asText(value, what)?.trim() ?? '';
  const number = text === '' ? Number.NaN : Number(text);
  if (!Number.isFinite(number)) throw new FunctionError(`${what} must be a number, not ${shown(value)}`);
  return number;
}

export function asInteger(value: Value, what: string): number {
  const number = asNumber(value, what);
  if (!Number.isInteger(number)) throw new FunctionError(`${what} must be a whole number, not ${number}`);
  return number;
}

/** True or False as Microsoft's functions take them: booleans, "True"/"False" (any case), numbers (non-zero is true). */
export function asTruth(value: Value, what: string): boolean {
  if (value === null) return false;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value !== 0;
  const text = asText(value, what);
  if (text === null) return false;
  if (/^true$/i.test(text.trim())) return true;
  if (/^false$/i.test(text.trim())) return false;
  const number = Number(text.trim());
  if (text.trim() !== '' && Number.isFinite(number)) return number !== 0;
  throw new FunctionError(`${what} must be True or False, not ${shown(value)}`);
}

export function asList(value: Value): readonly string[] {
  if (value === null) return [];
  if (Array.isArray(value)) return value;
  return [asText(value, 'the value')!];
}

export function shown(value: Value): string {
  if (value === null) return 'nothing (null)';
  if (Array.isArray(value)) return `[${value.map((item) => JSON.stringify(item)).join(', ')}]`;
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

/** Not null, not "", not an empty list: what IsPresent asks and IgnoreFlowIfNullOrEmpty lets flow. */
export const isPresent = (value: Value): boolean => value !== null && value !== '' && !(Array.isArray(value) && value.length === 0);
