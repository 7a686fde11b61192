// The functions of the expression language, with Microsoft's names, parameter names and order (Entra provisioning's
// "Reference for writing expressions for attribute mappings"; Error comes from Entra Connect sync's declarative
// provisioning). Where Microsoft leaves a case open, the choice is DirSync's and the README says so. Arguments are
// evaluated only when a function asks for them: IIF and Switch evaluate the branch they take, nothing else.
import type { ExpressionNode } from './expression-syntax.ts';

/** What an expression yields: text, a number, a truth value, nothing (null) or several values (a multi-valued attribute, Split). */
export type Value = string | number | boolean | null | readonly string[];

/** A function's arguments: each evaluated on demand; an argument left out reads as null. */
export interface Arguments {
  readonly count: number;
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
  /** A check of the arguments as written, beyond their count: the problem, or undefined. */
  check?(args: readonly ExpressionNode[]): string | undefined;
  evaluate(args: Arguments): Value;
}

/** A function refused its arguments (the evaluator adds where). */
export class FunctionError extends Error {}

/** Error("message"): the administrator's own refusal of an object. */
export class RaisedError extends Error {}

const isGiven = (node: ExpressionNode | undefined) => node !== undefined && node.kind !== 'omitted';

/** One value as text: a multi-valued one only when it holds at most one value. */
export function asText(value: Value, what: string): string | null {
  if (value === null) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (value.length > 1) throw new FunctionError(`${what} takes one value, and got ${value.length}`);
  return value[0] ?? null;
}

function asNumber(value: Value, what: string): number {
  if (typeof value === 'number') return value;
  const text = asText(value, what)?.trim() ?? '';
  const number = text === '' ? Number.NaN : Number(text);
  if (!Number.isFinite(number)) throw new FunctionError(`${what} must be a number, not ${shown(value)}`);
  return number;
}

function asInteger(value: Value, what: string): number {
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

function asList(value: Value): readonly string[] {
  if (value === null) return [];
  if (Array.isArray(value)) return value;
  return [asText(value, 'the value')!];
}

export function shown(value: Value): string {
  if (value === null) return 'nothing (null)';
  if (Array.isArray(value)) return `[${value.map((item) => JSON.stringify(item)).join(', ')}]`;
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

const isPresent = (value: Value) => value !== null && value !== '' && !(Array.isArray(value) && value.length === 0);

/** Letters Unicode does not decompose into a base letter and marks, as Microsoft's table maps them. */
const UNDECOMPOSED: Record<string, string> = {
  æ: 'ae',
  Æ: 'AE',
  ǣ: 'ae',
  Ǣ: 'AE',
  ø: 'oe',
  Ø: 'OE',
  œ: 'oe',
  Œ: 'OE',
  ß: 'ss',
  ł: 'l',
  Ł: 'L',
  ı: 'i',
};

function normalizeDiacritics(text: string): string {
  return text
    .replace(/[æÆǣǢøØœŒßłŁı]/g, (letter) => UNDECOMPOSED[letter]!)
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .normalize('NFC');
}

/** Microsoft's Replace has regex forms too; DirSync takes the two string forms (a pattern from a file is a risk: see README). */
function checkReplace(args: readonly ExpressionNode[]): string | undefined {
  const unsupported = [2, 3, 5].filter((index) => isGiven(args[index])).map((index) => REPLACE_PARAMETERS[index]);
  if (unsupported.length > 0) return `Replace: DirSync supports the string forms only, not ${unsupported.join(', ')}`;
  if (!isGiven(args[1])) return 'Replace: oldValue must be given';
  if (isGiven(args[4]) === isGiven(args[6])) return 'Replace: give either replacementValue or template (one of the two)';
  return undefined;
}

const REPLACE_PARAMETERS = ['source', 'oldValue', 'regexPattern', 'regexGroupName', 'replacementValue', 'replacementAttributeName', 'template'];

/** The function of this name (case-sensitive, as Microsoft's syntax is), if there is one. */
export function functionNamed(name: string): FunctionSpec | undefined {
  return Object.hasOwn(FUNCTIONS, name) ? FUNCTIONS[name] : undefined;
}

/** The functions by name. */
export const FUNCTIONS: Readonly<Record<string, FunctionSpec>> = {
  Append: {
    parameters: ['source', 'suffix'],
    required: 2,
    evaluate: (args) => {
      const source = asText(args.value(0), 'Append: source');
      return source === null ? null : source + (asText(args.value(1), 'Append: suffix') ?? '');
    },
  },
  BitAnd: {
    parameters: ['value1', 'value2'],
    required: 2,
    // Both numbers as whole (64-bit, two's complement) numbers, so a negative groupType keeps its top bit; nothing is 0.
    evaluate: (args) => {
      const [first, second] = [0, 1].map((index) =>
        args.value(index) === null ? 0n : BigInt(asInteger(args.value(index), `BitAnd: value${index + 1}`)),
      );
      return Number(first! & second!);
    },
  },
  CBool: { parameters: ['expression'], required: 1, evaluate: (args) => asTruth(args.value(0), 'CBool: expression') },
  Coalesce: {
    parameters: ['source1', 'source2', 'defaultValue'],
    required: 1,
    repeats: true,
    evaluate: (args) => {
      for (let index = 0; index < args.count; index++) {
        const value = args.value(index);
        if (value !== null && !(Array.isArray(value) && value.length === 0)) return value;
      }
      return null;
    },
  },
  Count: { parameters: ['attribute'], required: 1, evaluate: (args) => asList(args.value(0)).length },
  CStr: { parameters: ['value'], required: 1, evaluate: (args) => asText(args.value(0), 'CStr: value') },
  DateFromNum: {
    parameters: ['value'],
    required: 1,
    // AD's dates count 100-nanosecond intervals since 1601-01-01 UTC; 0 and the largest value mean "never".
    evaluate: (args) => {
      if (args.value(0) === null) return null;
      const ticks = BigInt(asInteger(args.value(0), 'DateFromNum: value'));
      if (ticks <= 0n || ticks >= 0x7fffffffffffffffn) return null;
      return new Date(Number(ticks / 10_000n - 11_644_473_600_000n)).toISOString().replace('.000Z', 'Z');
    },
  },
  Error: {
    parameters: ['message'],
    required: 1,
    evaluate: (args) => {
      throw new RaisedError(asText(args.value(0), 'Error: message') ?? 'Error() without a message');
    },
  },
  IIF: {
    parameters: ['condition', 'valueIfTrue', 'valueIfFalse'],
    required: 3,
    evaluate: (args) => (asTruth(args.value(0), 'IIF: condition') ? args.value(1) : args.value(2)),
  },
  IsNull: { parameters: ['expression'], required: 1, evaluate: (args) => args.value(0) === null },
  IsNullOrEmpty: { parameters: ['expression'], required: 1, evaluate: (args) => !isPresent(args.value(0)) },
  IsPresent: { parameters: ['expression'], required: 1, evaluate: (args) => isPresent(args.value(0)) },
  Item: {
    parameters: ['attribute', 'index'],
    required: 2,
    evaluate: (args) => asList(args.value(0))[asInteger(args.value(1), 'Item: index') - 1] ?? null,
  },
  Join: {
    parameters: ['separator', 'source1', 'source2'],
    required: 2,
    repeats: true,
    // Every value of every source, multi-valued ones included; empty ones are left out (as Microsoft's "Doe, John" example).
    evaluate: (args) => {
      const values: string[] = [];
      for (let index = 1; index < args.count; index++) values.push(...asList(args.value(index)).filter((value) => value !== ''));
      return values.join(asText(args.value(0), 'Join: separator') ?? '');
    },
  },
  Left: {
    parameters: ['String', 'NumChars'],
    required: 2,
    evaluate: (args) => {
      const text = asText(args.value(0), 'Left: String') ?? '';
      const count = asInteger(args.value(1), 'Left: NumChars');
      return count < 0 ? text : text.slice(0, count);
    },
  },
  Mid: {
    parameters: ['source', 'start', 'length'],
    required: 3,
    evaluate: (args) => {
      const text = asText(args.value(0), 'Mid: source');
      const start = asInteger(args.value(1), 'Mid: start');
      const length = asInteger(args.value(2), 'Mid: length');
      if (start < 1) throw new FunctionError(`Mid: start counts from 1, not ${start}`);
      if (length < 0) throw new FunctionError(`Mid: length must not be negative (${length})`);
      return text === null ? null : text.slice(start - 1, start - 1 + length);
    },
  },
  NormalizeDiacritics: {
    parameters: ['source'],
    required: 1,
    evaluate: (args) => {
      const text = asText(args.value(0), 'NormalizeDiacritics: source');
      return text === null ? null : normalizeDiacritics(text);
    },
  },
  Not: { parameters: ['source'], required: 1, evaluate: (args) => !(args.value(0) === true || /^true$/i.test(String(args.value(0)))) },
  RemoveDuplicates: { parameters: ['attribute'], required: 1, evaluate: (args) => [...new Set(asList(args.value(0)))] },
  Replace: {
    parameters: REPLACE_PARAMETERS,
    required: 2,
    check: checkReplace,
    evaluate: (args) => {
      const source = asText(args.value(0), 'Replace: source');
      const oldValue = asText(args.value(1), 'Replace: oldValue') ?? '';
      if (oldValue === '') throw new FunctionError('Replace: oldValue must not be empty');
      if (source === null) return null;
      if (args.given(6)) return (asText(args.value(6), 'Replace: template') ?? '').replaceAll(oldValue, source);
      return source.replaceAll(oldValue, asText(args.value(4), 'Replace: replacementValue') ?? '');
    },
  },
  Split: {
    parameters: ['source', 'delimiter'],
    required: 2,
    evaluate: (args) => {
      const text = asText(args.value(0), 'Split: source');
      const delimiter = asText(args.value(1), 'Split: delimiter') ?? '';
      if (delimiter === '') throw new FunctionError('Split: delimiter must not be empty');
      return text === null ? null : text.split(delimiter);
    },
  },
  StripSpaces: {
    parameters: ['source'],
    required: 1,
    evaluate: (args) => {
      const text = asText(args.value(0), 'StripSpaces: source');
      return text === null ? null : text.replaceAll(' ', '');
    },
  },
  Switch: {
    parameters: ['source', 'defaultValue', 'key', 'value'],
    required: 1,
    minimum: 4,
    repeats: true,
    check: (args) => (args.length % 2 === 0 ? undefined : 'Switch: keys and values come in pairs (an even number of arguments in all)'),
    // Case-sensitive, as Microsoft's; a missing source matches the key "".
    evaluate: (args) => {
      const source = asText(args.value(0), 'Switch: source') ?? '';
      for (let index = 2; index < args.count; index += 2) {
        if ((asText(args.value(index), 'Switch: key') ?? '') === source) return args.value(index + 1);
      }
      return args.value(1);
    },
  },
  ToLower: {
    parameters: ['source', 'culture'],
    required: 1,
    evaluate: (args) => {
      const text = asText(args.value(0), 'ToLower: source');
      const culture = asText(args.value(1), 'ToLower: culture');
      return text === null ? null : culture ? text.toLocaleLowerCase(culture) : text.toLowerCase();
    },
  },
  ToUpper: {
    parameters: ['source', 'culture'],
    required: 1,
    evaluate: (args) => {
      const text = asText(args.value(0), 'ToUpper: source');
      const culture = asText(args.value(1), 'ToUpper: culture');
      return text === null ? null : culture ? text.toLocaleUpperCase(culture) : text.toUpperCase();
    },
  },
  Word: {
    parameters: ['String', 'WordNumber', 'Delimiters'],
    required: 3,
    evaluate: (args) => {
      const text = asText(args.value(0), 'Word: String') ?? '';
      const number = asInteger(args.value(1), 'Word: WordNumber');
      const delimiters = new Set(asText(args.value(2), 'Word: Delimiters') ?? '');
      const words = [''];
      for (const char of text) {
        if (delimiters.has(char)) words.push('');
        else words[words.length - 1] += char;
      }
      const nonEmpty = words.filter((word) => word !== '');
      return number < 1 ? '' : (nonEmpty[number - 1] ?? '');
    },
  },
};
