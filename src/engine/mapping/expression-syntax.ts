// Microsoft's expression syntax for attribute mappings ("Reference for writing expressions for attribute mappings in
// Microsoft Entra ID"), read into a tree once: attributes in [brackets], string constants in double quotes (\" and \\
// escaped), whole numbers (and VBA's &H hex, as in BitAnd(&HF, &HF7)), functions with their arguments in parentheses —
// an argument may be left out (Replace([mail], "@contoso.com", , , "", , )) — and the comparisons IIF conditions use
// ([c]="US", <>, <, <=, >, >=). A hand-written recursive-descent parser: the grammar has five kinds of token and three
// rules, and it says exactly where something is wrong (the column) in the words an administrator needs.

/** Where in the expression: the column, counted from 1. */
export interface Located {
  column: number;
}

export type ComparisonOperator = '=' | '<>' | '<' | '<=' | '>' | '>=';

export type ExpressionNode =
  /** `key`: the name lower-case, as the engine's SourceObjects key attributes. */
  | ({ kind: 'attribute'; name: string; key: string } & Located)
  | ({ kind: 'string'; value: string } & Located)
  | ({ kind: 'number'; value: number } & Located)
  /** An argument left out between commas. */
  | ({ kind: 'omitted' } & Located)
  | CallNode
  | ({ kind: 'comparison'; operator: ComparisonOperator; left: ExpressionNode; right: ExpressionNode } & Located);

/** `prepared`: what the function's prepare() made of the call once, when the expression was compiled. */
export type CallNode = { kind: 'call'; name: string; arguments: ExpressionNode[]; prepared?: unknown } & Located;

/** VBA's comparison constants, written bare as Microsoft's InStr example does (InStr("repEated", "e", 3, vbBinaryCompare)): read as their name in text. */
const CONSTANTS = new Set(['vbBinaryCompare', 'vbTextCompare']);

/** A mistake in an expression, at a column. */
export class ExpressionSyntaxError extends Error {
  readonly column: number;
  readonly kind: 'syntax' | 'unknown-function' | 'argument-count' | 'pattern';

  constructor(column: number, message: string, kind: ExpressionSyntaxError['kind'] = 'syntax') {
    super(message);
    this.name = 'ExpressionSyntaxError';
    this.column = column;
    this.kind = kind;
  }
}

type Token =
  | { kind: 'attribute' | 'string' | 'name'; text: string; column: number }
  | { kind: 'number'; value: number; column: number }
  | { kind: '(' | ')' | ','; column: number }
  | { kind: 'operator'; operator: ComparisonOperator; column: number }
  | { kind: 'end'; column: number };

/** An AD attribute's lDAPDisplayName: a letter, then letters, digits and hyphens. */
const ATTRIBUTE_NAME = /^[A-Za-z][A-Za-z0-9-]*$/;

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let at = 0;
  while (at < text.length) {
    const char = text[at]!;
    const column = at + 1;
    if (/\s/.test(char)) {
      at++;
    } else if (char === '(' || char === ')' || char === ',') {
      tokens.push({ kind: char, column });
      at++;
    } else if (char === '[') {
      const end = text.indexOf(']', at);
      if (end < 0) throw new ExpressionSyntaxError(column, 'the attribute name is not closed with ]');
      const name = text.slice(at + 1, end).trim();
      if (!ATTRIBUTE_NAME.test(name))
        throw new ExpressionSyntaxError(column, `[${name}] is not an attribute name (a letter, then letters, digits and hyphens)`);
      tokens.push({ kind: 'attribute', text: name, column });
      at = end + 1;
    } else if (char === '"') {
      let value = '';
      let end = at + 1;
      for (; end < text.length && text[end] !== '"'; end++) {
        if (text[end] === '\\') {
          const escaped = text[end + 1];
          if (escaped !== '"' && escaped !== '\\')
            throw new ExpressionSyntaxError(end + 1, 'a backslash in a string escapes only " or \\ (write \\\\ for a backslash)');
          end++;
        }
        value += text[end];
      }
      if (end >= text.length) throw new ExpressionSyntaxError(column, 'the string is not closed with "');
      tokens.push({ kind: 'string', text: value, column });
      at = end + 1;
    } else if (/[0-9-]/.test(char) || (char === '&' && /^&H/i.test(text.slice(at)))) {
      const match = /^(?:-?[0-9]+|&H[0-9A-F]+)/i.exec(text.slice(at));
      if (!match) throw new ExpressionSyntaxError(column, `unexpected '${char}'`);
      const literal = match[0];
      tokens.push({ kind: 'number', value: /^&H/i.test(literal) ? Number.parseInt(literal.slice(2), 16) : Number(literal), column });
      at += literal.length;
    } else if (/[A-Za-z_]/.test(char)) {
      const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(at))![0];
      tokens.push({ kind: 'name', text: name, column });
      at += name.length;
    } else if (char === '=' || char === '<' || char === '>') {
      const operator = (['<>', '<=', '>=', '=', '<', '>'] as const).find((candidate) => text.startsWith(candidate, at))!;
      tokens.push({ kind: 'operator', operator, column });
      at += operator.length;
    } else {
      throw new ExpressionSyntaxError(column, `unexpected '${char}'`);
    }
  }
  tokens.push({ kind: 'end', column: text.length + 1 });
  return tokens;
}

function describe(token: Token): string {
  switch (token.kind) {
    case 'end':
      return 'the end of the expression';
    case 'attribute':
      return `[${token.text}]`;
    case 'string':
      return `"${token.text}"`;
    case 'name':
      return `'${token.text}'`;
    case 'number':
      return String(token.value);
    case 'operator':
      return `'${token.operator}'`;
    default:
      return `'${token.kind}'`;
  }
}

/** Reads one expression; throws ExpressionSyntaxError at the first mistake. */
export function parseExpression(text: string): ExpressionNode {
  const tokens = tokenize(text);
  let next = 0;
  const peek = () => tokens[next]!;

  function expression(): ExpressionNode {
    const left = operand();
    const token = peek();
    if (token.kind !== 'operator') return left;
    next++;
    return { kind: 'comparison', operator: token.operator, left, right: operand(), column: token.column };
  }

  function operand(): ExpressionNode {
    const token = tokens[next++]!;
    switch (token.kind) {
      case 'attribute':
        return { kind: 'attribute', name: token.text, key: token.text.toLowerCase(), column: token.column };
      case 'string':
        return { kind: 'string', value: token.text, column: token.column };
      case 'number':
        return { kind: 'number', value: token.value, column: token.column };
      case 'name':
        if (CONSTANTS.has(token.text) && peek().kind !== '(') return { kind: 'string', value: token.text, column: token.column };
        return call(token.text, token.column);
      default:
        throw new ExpressionSyntaxError(token.column, `expected an attribute, a string, a number or a function, found ${describe(token)}`);
    }
  }

  function call(name: string, column: number): CallNode {
    if (peek().kind !== '(')
      throw new ExpressionSyntaxError(peek().column, `expected ( after the function name ${name} (a string constant needs double quotes)`);
    next++;
    const args: ExpressionNode[] = [];
    if (peek().kind === ')') {
      next++;
      return { kind: 'call', name, arguments: args, column };
    }
    for (;;) {
      const token = peek();
      args.push(token.kind === ',' || token.kind === ')' ? { kind: 'omitted', column: token.column } : expression());
      const separator = tokens[next++]!;
      if (separator.kind === ')') return { kind: 'call', name, arguments: args, column };
      if (separator.kind !== ',')
        throw new ExpressionSyntaxError(separator.column, `expected , or ) in the arguments of ${name}, found ${describe(separator)}`);
    }
  }

  if (peek().kind === 'end') throw new ExpressionSyntaxError(1, 'the expression is empty');
  const tree = expression();
  if (peek().kind !== 'end') throw new ExpressionSyntaxError(peek().column, `expected the end of the expression, found ${describe(peek())}`);
  return tree;
}

/** The AD attributes an expression reads, as written. */
export function attributesOf(node: ExpressionNode): string[] {
  switch (node.kind) {
    case 'attribute':
      return [node.name];
    case 'call':
      return node.arguments.flatMap(attributesOf);
    case 'comparison':
      return [...attributesOf(node.left), ...attributesOf(node.right)];
    default:
      return [];
  }
}
