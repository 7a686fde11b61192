// A small recursive-descent parser and evaluator for the OData $filter subset Graph supports on
// directory objects: eq, ne, gt, ge, lt, le, in, not, and, or, startswith, endswith, and the lambda
// `collection/any(x:x eq '…')`. String comparisons are case-insensitive, as in Entra ID.

import { graphErrors } from '../errors.ts';

export type Literal = string | number | boolean | null;

export type Operand = { kind: 'property'; path: string[] } | { kind: 'variable'; name: string } | { kind: 'literal'; value: Literal };

export type FilterNode =
  | { kind: 'and' | 'or'; left: FilterNode; right: FilterNode }
  | { kind: 'not'; operand: FilterNode }
  | { kind: 'compare'; op: 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le'; left: Operand; right: Operand }
  | { kind: 'in'; left: Operand; values: Literal[] }
  | { kind: 'call'; name: 'startswith' | 'endswith'; target: Operand; prefix: Operand }
  | { kind: 'any'; collection: string[]; variable: string; predicate: FilterNode | undefined };

type Token =
  | { kind: 'identifier'; text: string }
  | { kind: 'string'; text: string }
  | { kind: 'number'; text: string }
  | { kind: 'punct'; text: '(' | ')' | ',' | '/' | ':' };

const comparisonOperators = new Set(['eq', 'ne', 'gt', 'ge', 'lt', 'le']);

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const char = text[i]!;
    if (/\s/.test(char)) {
      i += 1;
      continue;
    }
    if ('(),/:'.includes(char)) {
      tokens.push({ kind: 'punct', text: char as '(' });
      i += 1;
      continue;
    }
    if (char === "'") {
      let value = '';
      i += 1;
      for (;;) {
        if (i >= text.length) throw graphErrors.invalidFilter('unterminated string literal.');
        if (text[i] === "'") {
          if (text[i + 1] === "'") {
            value += "'";
            i += 2;
            continue;
          }
          i += 1;
          break;
        }
        value += text[i];
        i += 1;
      }
      tokens.push({ kind: 'string', text: value });
      continue;
    }
    const word = /^[A-Za-z0-9_.@$#-]+/.exec(text.slice(i));
    if (!word) throw graphErrors.invalidFilter(`unexpected character '${char}'.`);
    const isNumber = /^-?\d+(\.\d+)?$/.test(word[0]);
    tokens.push({ kind: isNumber ? 'number' : 'identifier', text: word[0] });
    i += word[0].length;
  }
  return tokens;
}

class Parser {
  readonly #tokens: Token[];
  #position = 0;
  readonly #variables: string[] = [];

  constructor(tokens: Token[]) {
    this.#tokens = tokens;
  }

  parse(): FilterNode {
    const node = this.#or();
    if (this.#peek()) throw graphErrors.invalidFilter(`unexpected '${this.#peek()!.text}'.`);
    return node;
  }

  #peek(offset = 0): Token | undefined {
    return this.#tokens[this.#position + offset];
  }
  #next(): Token {
    const token = this.#tokens[this.#position];
    if (!token) throw graphErrors.invalidFilter('the expression ends too early.');
    this.#position += 1;
    return token;
  }
  #isKeyword(word: string, offset = 0): boolean {
    const token = this.#peek(offset);
    return token?.kind === 'identifier' && token.text.toLowerCase() === word;
  }
  #expect(text: string): void {
    const token = this.#next();
    if (token.text !== text) throw graphErrors.invalidFilter(`expected '${text}' but found '${token.text}'.`);
  }

  #or(): FilterNode {
    let left = this.#and();
    while (this.#isKeyword('or')) {
      this.#next();
      left = { kind: 'or', left, right: this.#and() };
    }
    return left;
  }

  #and(): FilterNode {
    let left = this.#unary();
    while (this.#isKeyword('and')) {
      this.#next();
      left = { kind: 'and', left, right: this.#unary() };
    }
    return left;
  }

  #unary(): FilterNode {
    if (this.#isKeyword('not')) {
      this.#next();
      return { kind: 'not', operand: this.#unary() };
    }
    if (this.#peek()?.text === '(') {
      this.#next();
      const inner = this.#or();
      this.#expect(')');
      return inner;
    }
    if ((this.#isKeyword('startswith') || this.#isKeyword('endswith')) && this.#peek(1)?.text === '(') {
      const name = this.#next().text.toLowerCase() as 'startswith' | 'endswith';
      this.#expect('(');
      const target = this.#operand();
      this.#expect(',');
      const prefix = this.#operand();
      this.#expect(')');
      return { kind: 'call', name, target, prefix };
    }
    return this.#comparison();
  }

  #comparison(): FilterNode {
    const path = this.#path();
    if (this.#peek()?.text === '/' && this.#isKeyword('any', 1)) {
      this.#next();
      this.#next();
      return this.#lambda(path);
    }
    const left = this.#toOperand(path);
    const operator = this.#next();
    const op = operator.text.toLowerCase();
    if (op === 'in') {
      this.#expect('(');
      const values: Literal[] = [this.#literal()];
      while (this.#peek()?.text === ',') {
        this.#next();
        values.push(this.#literal());
      }
      this.#expect(')');
      return { kind: 'in', left, values };
    }
    if (!comparisonOperators.has(op)) throw graphErrors.invalidFilter(`'${operator.text}' is not a supported operator.`);
    return { kind: 'compare', op: op as 'eq', left, right: this.#operand() };
  }

  #lambda(collection: string[]): FilterNode {
    this.#expect('(');
    if (this.#peek()?.text === ')') {
      this.#next();
      return { kind: 'any', collection, variable: '', predicate: undefined };
    }
    const variable = this.#next();
    if (variable.kind !== 'identifier') throw graphErrors.invalidFilter('a lambda needs a variable name.');
    this.#expect(':');
    this.#variables.push(variable.text);
    const predicate = this.#or();
    this.#variables.pop();
    this.#expect(')');
    return { kind: 'any', collection, variable: variable.text, predicate };
  }

  #path(): string[] {
    const first = this.#next();
    if (first.kind !== 'identifier') throw graphErrors.invalidFilter(`expected a property name but found '${first.text}'.`);
    const path = [first.text];
    while (this.#peek()?.text === '/' && !this.#isKeyword('any', 1)) {
      this.#next();
      path.push(this.#next().text);
    }
    return path;
  }

  #operand(): Operand {
    const token = this.#peek();
    if (token?.kind === 'identifier' && !['true', 'false', 'null'].includes(token.text.toLowerCase()) && !/^[0-9a-f]{8}-/i.test(token.text)) {
      return this.#toOperand(this.#path());
    }
    return { kind: 'literal', value: this.#literal() };
  }

  #toOperand(path: string[]): Operand {
    if (path.length === 1 && this.#variables.includes(path[0]!)) return { kind: 'variable', name: path[0]! };
    return { kind: 'property', path };
  }

  #literal(): Literal {
    const token = this.#next();
    if (token.kind === 'string') return token.text;
    if (token.kind === 'number') return Number(token.text);
    if (token.kind === 'identifier') {
      const lower = token.text.toLowerCase();
      if (lower === 'true') return true;
      if (lower === 'false') return false;
      if (lower === 'null') return null;
      if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(token.text)) return token.text;
    }
    throw graphErrors.invalidFilter(`'${token.text}' is not a literal value.`);
  }
}

export function parseFilter(text: string): FilterNode {
  return new Parser(tokenize(text)).parse();
}

/** Property paths the filter reads (lambda collections included), to validate them against the schema. */
export function filterProperties(node: FilterNode): string[][] {
  const operands = (operand: Operand): string[][] => (operand.kind === 'property' ? [operand.path] : []);
  switch (node.kind) {
    case 'and':
    case 'or':
      return [...filterProperties(node.left), ...filterProperties(node.right)];
    case 'not':
      return filterProperties(node.operand);
    case 'compare':
      return [...operands(node.left), ...operands(node.right)];
    case 'in':
      return operands(node.left);
    case 'call':
      return [...operands(node.target), ...operands(node.prefix)];
    case 'any':
      return [node.collection];
  }
}

/** Whether the filter uses operators Graph only accepts as advanced queries (ConsistencyLevel: eventual). */
export function advancedFilterProperty(node: FilterNode): string | undefined {
  const firstProperty = (n: FilterNode): string => filterProperties(n)[0]?.join('/') ?? '';
  switch (node.kind) {
    case 'and':
    case 'or':
      return advancedFilterProperty(node.left) ?? advancedFilterProperty(node.right);
    case 'not':
      return firstProperty(node.operand);
    case 'compare':
      return node.op === 'ne' ? firstProperty(node) : undefined;
    case 'call':
      return node.name === 'endswith' ? firstProperty(node) : undefined;
    case 'any':
      return node.predicate ? advancedFilterProperty(node.predicate) : firstProperty(node);
    case 'in':
      return undefined;
  }
}

/** The clauses an OR joins (the node itself when it is not an OR). */
export const disjuncts = (node: FilterNode): FilterNode[] => (node.kind === 'or' ? [...disjuncts(node.left), ...disjuncts(node.right)] : [node]);

/**
 * The most child clauses any OR of the filter has, an `in (…)` counting as one clause per value — what Entra ID
 * limits to 15 outside advanced queries: "The maximum number of expressions in a filter clause when using the `in`
 * operator is 15 items by default" (microsoft-graph-docs PR 22097, filter-query-parameter.md), and a 16-value `in`
 * is answered "Too many child clauses specified in search filter expression containing 'OR' operators: 16. Max
 * allowed: 15" (microsoft-graph-docs issue 21098, which also reports that advanced queries take more).
 */
export function largestDisjunction(node: FilterNode): number {
  switch (node.kind) {
    case 'or': {
      const clauses = disjuncts(node);
      const width = clauses.reduce((sum, clause) => sum + (clause.kind === 'in' ? clause.values.length : 1), 0);
      return Math.max(width, ...clauses.map(largestDisjunction));
    }
    case 'and':
      return Math.max(largestDisjunction(node.left), largestDisjunction(node.right));
    case 'not':
      return largestDisjunction(node.operand);
    case 'in':
      return node.values.length;
    case 'any':
      return node.predicate ? largestDisjunction(node.predicate) : 1;
    default:
      return 1;
  }
}

type Resolve = (path: string[]) => unknown;

const normalise = (value: unknown): unknown => (typeof value === 'string' ? value.toLowerCase() : value);

function compare(op: string, left: unknown, right: unknown): boolean {
  const a = normalise(left);
  const b = normalise(right);
  switch (op) {
    case 'eq':
      return a === b || (a === undefined && b === null);
    case 'ne':
      return !(a === b || (a === undefined && b === null));
    default: {
      if (a === null || a === undefined || b === null) return false;
      const order = (a as string | number) < (b as string | number) ? -1 : (a as string | number) > (b as string | number) ? 1 : 0;
      return op === 'gt' ? order > 0 : op === 'ge' ? order >= 0 : op === 'lt' ? order < 0 : order <= 0;
    }
  }
}

/** Evaluates the filter against one object; `resolve` reads a property path of it. */
export function evaluateFilter(node: FilterNode, resolve: Resolve, variables: Map<string, unknown> = new Map()): boolean {
  const value = (operand: Operand): unknown => {
    if (operand.kind === 'literal') return operand.value;
    if (operand.kind === 'variable') return variables.get(operand.name);
    return resolve(operand.path);
  };
  switch (node.kind) {
    case 'and':
      return evaluateFilter(node.left, resolve, variables) && evaluateFilter(node.right, resolve, variables);
    case 'or':
      return evaluateFilter(node.left, resolve, variables) || evaluateFilter(node.right, resolve, variables);
    case 'not':
      return !evaluateFilter(node.operand, resolve, variables);
    case 'compare':
      return compare(node.op, value(node.left), value(node.right));
    case 'in': {
      const left = value(node.left);
      return node.values.some((candidate) => compare('eq', left, candidate));
    }
    case 'call': {
      const target = value(node.target);
      const affix = value(node.prefix);
      if (typeof target !== 'string' || typeof affix !== 'string') return false;
      return node.name === 'startswith' ? target.toLowerCase().startsWith(affix.toLowerCase()) : target.toLowerCase().endsWith(affix.toLowerCase());
    }
    case 'any': {
      const collection = resolve(node.collection);
      if (!Array.isArray(collection)) return false;
      if (!node.predicate) return collection.length > 0;
      const predicate = node.predicate;
      return collection.some((element) => evaluateFilter(predicate, resolve, new Map(variables).set(node.variable, element)));
    }
  }
}
