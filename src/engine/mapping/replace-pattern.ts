// Replace's regular-expression forms. Microsoft's service runs .NET regular expressions; DirSync runs JavaScript's,
// compiled once when the mapping is compiled, in Unicode mode (so what JavaScript would silently read otherwise than
// .NET — \A, \Z, \z, \G, (?'name'…), (?>…), (?i), [a-z-[aeiou]] — does not compile and is refused with its position).
// JavaScript's engine backtracks and cannot be stopped: a pattern that repeats a repetition ((a+)+, (\w+\s?)*) can
// take exponential time on a value it does not match, so it is refused too (README: "Expressions").
import { type AST, RegExpParser, RegExpSyntaxError, visitRegExpAST } from '@eslint-community/regexpp';

/** A pattern JavaScript cannot run as DirSync needs: `index` is where in the pattern. */
export class PatternError extends Error {
  readonly index: number;

  constructor(message: string, index: number) {
    super(message);
    this.index = index;
  }
}

export interface CompiledPattern {
  /** Global, Unicode; with indices when a group's position is needed (the regexGroupName form). */
  readonly regex: RegExp;
  /** The names of its named groups. */
  readonly groups: ReadonlySet<string>;
}

const parser = new RegExpParser({ ecmaVersion: 2025 });

export function compilePattern(pattern: string, withIndices: boolean): CompiledPattern {
  let ast: AST.Pattern;
  try {
    ast = parser.parsePattern(pattern, 0, pattern.length, { unicode: true });
  } catch (error) {
    if (error instanceof RegExpSyntaxError)
      throw new PatternError(error.message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, ''), error.index);
    throw error;
  }
  const groups = new Set<string>();
  visitRegExpAST(ast, {
    onCapturingGroupEnter: (group) => {
      if (group.name !== null) groups.add(group.name);
    },
    onQuantifierEnter: (outer) => {
      if (outer.max <= 1) return;
      visitRegExpAST(outer.element, {
        onQuantifierEnter: (inner) => {
          if (inner.max > 1 && (inner.max === Number.POSITIVE_INFINITY || outer.max === Number.POSITIVE_INFINITY))
            throw new PatternError(
              `${outer.raw} repeats a repetition (${inner.raw}): on a value it does not match it can take exponential time`,
              outer.start,
            );
        },
      });
    },
  });
  return { regex: new RegExp(pattern, withIndices ? 'gud' : 'gu'), groups };
}

/** A piece of a replacementValue in .NET's substitution syntax: text as it is, or what a match gives. */
type Piece = string | { group: number | string } | { whole: true } | { before: true } | { after: true } | { lastGroup: true } | { input: true };

/**
 * A replacementValue read once: .NET's substitutions ${name}, $number, $$, $&, $`, $', $+, $_ (JavaScript writes
 * a named group $<name> and has neither $+ nor $_, so DirSync expands them itself). A $ that starts none of them is text.
 */
export function readSubstitutions(replacement: string, groups: ReadonlySet<string>): readonly Piece[] {
  const pieces: Piece[] = [];
  let text = '';
  for (let at = 0; at < replacement.length; at++) {
    const char = replacement[at]!;
    const next = replacement[at + 1];
    let piece: Piece | undefined;
    let length = 2;
    if (char === '$' && next !== undefined) {
      const named = /^\$\{([A-Za-z_][A-Za-z0-9_]*|[0-9]+)\}/.exec(replacement.slice(at));
      const numbered = /^\$([0-9]+)/.exec(replacement.slice(at));
      if (named && (groups.has(named[1]!) || /^[0-9]+$/.test(named[1]!))) {
        piece = { group: /^[0-9]+$/.test(named[1]!) ? Number(named[1]) : named[1]! };
        length = named[0].length;
      } else if (numbered) {
        piece = { group: Number(numbered[1]) };
        length = numbered[0].length;
      } else if (next === '$') piece = '$';
      else if (next === '&') piece = { whole: true };
      else if (next === '`') piece = { before: true };
      else if (next === "'") piece = { after: true };
      else if (next === '+') piece = { lastGroup: true };
      else if (next === '_') piece = { input: true };
    }
    if (piece === undefined) {
      text += char;
      continue;
    }
    if (typeof piece === 'string') text += piece;
    else {
      if (text !== '') pieces.push(text);
      text = '';
      pieces.push(piece);
    }
    at += length - 1;
  }
  if (text !== '') pieces.push(text);
  return pieces;
}

/** Every match of the pattern in `source` replaced as the pieces say (Regex.Replace replaces every match, as here). */
export function replaceMatches(pattern: CompiledPattern, source: string, pieces: readonly Piece[]): string {
  const { regex } = pattern;
  regex.lastIndex = 0;
  let result = '';
  let copied = 0;
  for (let match = regex.exec(source); match !== null; match = regex.exec(source)) {
    result += source.slice(copied, match.index);
    for (const piece of pieces) result += typeof piece === 'string' ? piece : expand(piece, match, source);
    copied = match.index + match[0].length;
    if (match[0] === '') regex.lastIndex += (source.codePointAt(regex.lastIndex) ?? 0) > 0xffff ? 2 : 1;
  }
  return result + source.slice(copied);
}

function expand(piece: Exclude<Piece, string>, match: RegExpExecArray, source: string): string {
  if ('group' in piece) {
    // A group the pattern does not have stays as written, as .NET leaves it.
    if (typeof piece.group === 'number') return piece.group < match.length ? (match[piece.group] ?? '') : `$${piece.group}`;
    return match.groups?.[piece.group] ?? '';
  }
  if ('whole' in piece) return match[0];
  if ('before' in piece) return source.slice(0, match.index);
  if ('after' in piece) return source.slice(match.index + match[0].length);
  if ('input' in piece) return source;
  for (let index = match.length - 1; index > 0; index--) if (match[index] !== undefined) return match[index]!;
  return '';
}

/** Every match's span of the named group replaced by `replacement` (Microsoft: "replaces all values matching regexGroupName"). */
export function replaceGroup(pattern: CompiledPattern, source: string, group: string, replacement: string): string {
  const { regex } = pattern;
  regex.lastIndex = 0;
  let result = '';
  let copied = 0;
  for (let match = regex.exec(source); match !== null; match = regex.exec(source)) {
    const span = match.indices?.groups?.[group];
    if (span !== undefined) {
      result += source.slice(copied, span[0]) + replacement;
      copied = span[1];
    }
    if (match[0] === '') regex.lastIndex += (source.codePointAt(regex.lastIndex) ?? 0) > 0xffff ? 2 : 1;
  }
  return result + source.slice(copied);
}

/** The named group's value in the first match, or null. */
export function firstGroupValue(pattern: CompiledPattern, source: string, group: string): string | null {
  pattern.regex.lastIndex = 0;
  return pattern.regex.exec(source)?.groups?.[group] ?? null;
}
