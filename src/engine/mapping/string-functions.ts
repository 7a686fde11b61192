// The string functions, with Microsoft's names, parameter names and order (Entra provisioning's "Reference for
// writing expressions for attribute mappings"); where Microsoft leaves a case open the choice is DirSync's and the
// README says so. Replace's regular-expression forms are in replace-pattern.ts.
import { type CallNode, type ExpressionNode, ExpressionSyntaxError } from './expression-syntax.ts';
import { asInteger, asList, asText, constantText, FunctionError, isGiven, type Arguments, type FunctionSpec } from './expression-values.ts';
import {
  type CompiledPattern,
  compilePattern,
  firstGroupValue,
  PatternError,
  readSubstitutions,
  replaceGroup,
  replaceMatches,
} from './replace-pattern.ts';

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

/**
 * PCase without wordSeparators separates words as .NET's ToTitleCase does (Microsoft lists the Unicode categories:
 * spaces, line breaks, control and format characters, punctuation of every kind, symbols of every kind).
 */
const TITLE_CASE_SEPARATOR = /[\p{Zs}\p{Zl}\p{Zp}\p{Cc}\p{Cf}\p{Pc}\p{Pd}\p{Ps}\p{Pe}\p{Pi}\p{Pf}\p{Po}\p{Sm}\p{Sc}\p{Sk}\p{So}]/u;

/** Microsoft: the first character of each word upper case, every other lower case ("PABLO GONSALVES (SECOND)" → "Pablo Gonsalves (Second)"). */
function properCase(text: string, separators: string | null): string {
  const isSeparator = separators === null ? (char: string) => TITLE_CASE_SEPARATOR.test(char) : (char: string) => separators.includes(char);
  let result = '';
  let wordStart = true;
  for (const char of text) {
    if (isSeparator(char)) {
      result += char;
      wordStart = true;
      continue;
    }
    // One character for one (ß stays ß, as .NET's invariant ToUpper keeps it, not SS).
    const upper = char.toUpperCase();
    const lower = char.toLowerCase();
    result += wordStart ? ([...upper].length === 1 ? upper : char) : [...lower].length === 1 ? lower : char;
    wordStart = false;
  }
  return result;
}

/** Case folded one UTF-16 unit for one, so positions in the folded text are positions in the original. */
function foldCase(text: string): string {
  let folded = '';
  for (let index = 0; index < text.length; index++) {
    const lower = text[index]!.toLowerCase();
    folded += lower.length === 1 ? lower : text[index];
  }
  return folded;
}

/** InStr's compareType: VBA's constants by name (or value: 0 binary, 1 text). */
function isTextCompare(value: ReturnType<Arguments['value']>): boolean {
  const text = asText(value, 'InStr: compareType');
  if (text === null || text === 'vbBinaryCompare' || text === '0') return false;
  if (text === 'vbTextCompare' || text === '1') return true;
  throw new FunctionError(`InStr: compareType is vbBinaryCompare or vbTextCompare, not ${JSON.stringify(text)}`);
}

const REPLACE_PARAMETERS = ['source', 'oldValue', 'regexPattern', 'regexGroupName', 'replacementValue', 'replacementAttributeName', 'template'];

/**
 * Microsoft's forms of Replace, told apart by the arguments given: oldValue with replacementValue or template (the
 * string forms); regexPattern with replacementValue; regexPattern, regexGroupName and replacementValue;
 * regexPattern, regexGroupName and replacementAttributeName. Any other combination is refused when the mapping is set.
 */
function checkReplace(args: readonly ExpressionNode[]): string | undefined {
  const given = REPLACE_PARAMETERS.filter((_, index) => isGiven(args[index]));
  const has = (name: string) => given.includes(name);
  const forms = [
    ['oldValue', 'replacementValue'],
    ['oldValue', 'template'],
    ['regexPattern', 'replacementValue'],
    ['regexPattern', 'regexGroupName', 'replacementValue'],
    ['regexPattern', 'regexGroupName', 'replacementAttributeName'],
  ];
  if (forms.some((form) => form.length === given.length - 1 && form.every(has))) return undefined;
  const written = given.filter((name) => name !== 'source').join(', ') || 'nothing but source';
  return `Replace takes one of Microsoft's forms (${forms.map((form) => form.join(' + ')).join('; ')}), not ${written}`;
}

interface PreparedReplace {
  pattern: CompiledPattern;
  /** The regexGroupName form's group, or the replacementValue's substitutions when written as a constant. */
  group: string | undefined;
  substitutions: ReturnType<typeof readSubstitutions> | undefined;
}

/** The pattern compiled once; it must be a string constant, so that `mapping set` can check it. */
function prepareReplace(call: CallNode): PreparedReplace | undefined {
  const [patternNode, groupNode, replacementNode] = [call.arguments[2], call.arguments[3], call.arguments[4]];
  if (!isGiven(patternNode)) return undefined;
  const pattern = constantText(patternNode);
  if (pattern === undefined)
    throw new ExpressionSyntaxError(patternNode!.column, 'Replace: regexPattern must be a string constant', 'argument-count');
  const group = isGiven(groupNode) ? constantText(groupNode) : undefined;
  if (isGiven(groupNode) && group === undefined)
    throw new ExpressionSyntaxError(groupNode!.column, 'Replace: regexGroupName must be a string constant', 'argument-count');
  let compiled: CompiledPattern;
  try {
    compiled = compilePattern(pattern, group !== undefined && isGiven(replacementNode));
  } catch (error) {
    if (!(error instanceof PatternError)) throw error;
    throw new ExpressionSyntaxError(
      patternNode!.column,
      `Replace: regexPattern: ${error.message} (at character ${error.index + 1} of the pattern)`,
      'pattern',
    );
  }
  if (group !== undefined && !compiled.groups.has(group))
    throw new ExpressionSyntaxError(groupNode!.column, `Replace: the regexPattern has no group named ${JSON.stringify(group)}`, 'argument-count');
  const replacement = constantText(replacementNode);
  const substitutions = group === undefined && replacement !== undefined ? readSubstitutions(replacement, compiled.groups) : undefined;
  return { pattern: compiled, group, substitutions };
}

function evaluateReplace(args: Arguments): ReturnType<FunctionSpec['evaluate']> {
  const source = asText(args.value(0), 'Replace: source');
  const prepared = args.prepared as PreparedReplace | undefined;
  if (prepared === undefined) {
    const oldValue = asText(args.value(1), 'Replace: oldValue') ?? '';
    if (oldValue === '') throw new FunctionError('Replace: oldValue must not be empty');
    if (source === null) return null;
    if (args.given(6)) return (asText(args.value(6), 'Replace: template') ?? '').replaceAll(oldValue, source);
    return source.replaceAll(oldValue, asText(args.value(4), 'Replace: replacementValue') ?? '');
  }
  const { pattern, group } = prepared;
  if (args.given(5)) {
    // Microsoft: a source with a value is returned as it is; otherwise the group's value in replacementAttributeName.
    if (source !== null && source !== '') return source;
    const other = asText(args.value(5), 'Replace: replacementAttributeName');
    return other === null ? null : firstGroupValue(pattern, other, group!);
  }
  if (source === null) return null;
  const replacement = asText(args.value(4), 'Replace: replacementValue') ?? '';
  if (group !== undefined) return replaceGroup(pattern, source, group, replacement);
  return replaceMatches(pattern, source, prepared.substitutions ?? readSubstitutions(replacement, pattern.groups));
}

/** A function of one text that gives null for null. */
function onText(name: string, transform: (text: string) => string): FunctionSpec {
  return {
    parameters: ['source'],
    required: 1,
    evaluate: (args) => {
      const text = asText(args.value(0), `${name}: source`);
      return text === null ? null : transform(text);
    },
  };
}

export const STRING_FUNCTIONS: Readonly<Record<string, FunctionSpec>> = {
  Append: {
    parameters: ['source', 'suffix'],
    required: 2,
    evaluate: (args) => {
      const source = asText(args.value(0), 'Append: source');
      return source === null ? null : source + (asText(args.value(1), 'Append: suffix') ?? '');
    },
  },
  // Microsoft: "a Unicode base64 string" — UTF-16 little-endian, as .NET's Encoding.Unicode ("Hello world!" → "SABlAGwA…").
  ConvertToBase64: onText('ConvertToBase64', (text) => Buffer.from(text, 'utf16le').toString('base64')),
  // Microsoft: "Hello world!" → 48656C6C6F20776F726C6421 (upper-case hex digits).
  ConvertToUTF8Hex: onText('ConvertToUTF8Hex', (text) => Buffer.from(text, 'utf8').toString('hex').toUpperCase()),
  // VBA's InStr, with Microsoft's order (start third): the 1-based position, 0 when not found; null for a null value;
  // an empty value2 is found at start; a start past the end finds nothing.
  InStr: {
    parameters: ['value1', 'value2', 'start', 'compareType'],
    required: 2,
    evaluate: (args) => {
      const [text, sought] = [asText(args.value(0), 'InStr: value1'), asText(args.value(1), 'InStr: value2')];
      const start = args.given(2) ? asInteger(args.value(2), 'InStr: start') : 1;
      if (start < 1) throw new FunctionError(`InStr: start counts from 1, not ${start}`);
      const textCompare = isTextCompare(args.value(3));
      if (text === null || sought === null) return null;
      if (start > text.length) return 0;
      if (sought === '') return start;
      return (textCompare ? foldCase(text).indexOf(foldCase(sought), start - 1) : text.indexOf(sought, start - 1)) + 1;
    },
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
  NormalizeDiacritics: onText('NormalizeDiacritics', normalizeDiacritics),
  PCase: {
    parameters: ['source', 'wordSeparators'],
    required: 1,
    evaluate: (args) => {
      const text = asText(args.value(0), 'PCase: source');
      return text === null ? null : properCase(text, args.given(1) ? (asText(args.value(1), 'PCase: wordSeparators') ?? '') : null);
    },
  },
  Replace: { parameters: REPLACE_PARAMETERS, required: 1, check: checkReplace, prepare: prepareReplace, evaluate: evaluateReplace },
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
  StripSpaces: onText('StripSpaces', (text) => text.replaceAll(' ', '')),
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
