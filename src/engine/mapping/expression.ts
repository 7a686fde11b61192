// An expression read once into a checked tree (syntax, known functions, argument counts) and evaluated as often as
// needed by walking that tree: no code is generated, nothing is passed to eval.
import { FUNCTIONS, functionNamed } from './expression-functions.ts';
import { attributesOf, ExpressionSyntaxError, parseExpression, type ComparisonOperator, type ExpressionNode } from './expression-syntax.ts';
import { asText, FunctionError, isPresent, RaisedError, shown, type Arguments, type Value } from './expression-values.ts';

export type { Value } from './expression-values.ts';
export { ExpressionSyntaxError } from './expression-syntax.ts';

export interface CompiledExpression {
  readonly text: string;
  readonly tree: ExpressionNode;
  /** The AD attributes it reads, lower-case, each once. */
  readonly attributes: readonly string[];
  /** IgnoreFlowIfNullOrEmpty(…) is the whole expression: the target is not written at all when the value is null or empty. */
  readonly ignoresEmptyFlow: boolean;
  /** The first call of a function that gives a new value every time (Now, Guid, RandomString), if there is one. */
  readonly nondeterministic: { name: string; column: number } | undefined;
}

/** An expression failed on one object: a function refused a value (at `column`), or Error("…") was reached (`raised`). */
export class ExpressionEvaluationError extends Error {
  readonly column: number | undefined;
  readonly raised: boolean;

  constructor(message: string, column: number | undefined, raised: boolean) {
    super(message);
    this.name = 'ExpressionEvaluationError';
    this.column = column;
    this.raised = raised;
  }
}

/** Parses and checks an expression; throws ExpressionSyntaxError (with its column) at the first problem. */
export function compileExpression(text: string): CompiledExpression {
  const tree = parseExpression(text);
  const nondeterministic: { name: string; column: number }[] = [];
  checkCalls(tree, true, nondeterministic);
  return {
    text,
    tree,
    attributes: [...new Set(attributesOf(tree).map((name) => name.toLowerCase()))],
    ignoresEmptyFlow: tree.kind === 'call' && functionNamed(tree.name)?.wholeExpressionOnly === true,
    nondeterministic: nondeterministic[0],
  };
}

/** Checks every call (known function, argument count and form) and prepares it once: a pattern, a format. */
function checkCalls(node: ExpressionNode, whole: boolean, nondeterministic: { name: string; column: number }[]): void {
  if (node.kind === 'comparison') {
    checkCalls(node.left, false, nondeterministic);
    checkCalls(node.right, false, nondeterministic);
  }
  if (node.kind !== 'call') return;
  const spec = functionNamed(node.name);
  if (spec === undefined) {
    const sameLetters = Object.keys(FUNCTIONS).find((name) => name.toLowerCase() === node.name.toLowerCase());
    throw new ExpressionSyntaxError(
      node.column,
      `unknown function '${node.name}'${sameLetters ? ` (names are case-sensitive: ${sameLetters})` : ''}`,
      'unknown-function',
    );
  }
  const count = node.arguments.length;
  const least = spec.minimum ?? spec.required;
  const most = spec.repeats ? Number.POSITIVE_INFINITY : spec.parameters.length;
  if (count < least || count > most) {
    const expected = spec.repeats ? `at least ${least}` : least === most ? `${most}` : `${least} to ${most}`;
    throw new ExpressionSyntaxError(
      node.column,
      `${node.name} takes ${expected} argument(s) (${spec.parameters.join(', ')}${spec.repeats ? ', …' : ''}), not ${count}`,
      'argument-count',
    );
  }
  const problem = spec.check?.(node.arguments);
  if (problem !== undefined) throw new ExpressionSyntaxError(node.column, problem, 'argument-count');
  for (let index = 0; index < spec.required; index++) {
    const argument = node.arguments[index]!;
    if (argument.kind === 'omitted')
      throw new ExpressionSyntaxError(
        argument.column,
        `${node.name}: ${spec.parameters[index] ?? `argument ${index + 1}`} must be given`,
        'argument-count',
      );
  }
  if (spec.wholeExpressionOnly && !whole)
    throw new ExpressionSyntaxError(node.column, `${node.name} decides whether the target is written: it must be the whole expression`);
  if (spec.nondeterministic) nondeterministic.push({ name: node.name, column: node.column });
  for (const argument of node.arguments) checkCalls(argument, false, nondeterministic);
  if (spec.prepare) node.prepared = spec.prepare(node);
}

/** Whether a target written by this expression flows for this value (IgnoreFlowIfNullOrEmpty drops null and empty ones). */
export function flows(expression: CompiledExpression, value: Value): boolean {
  return !expression.ignoresEmptyFlow || isPresent(value);
}

/**
 * The expression's value for one object's attributes (keyed lower-case, as the engine's SourceObjects are): an absent
 * attribute is null, a single value a string, several values a list.
 */
export function evaluateExpression(expression: CompiledExpression, attributes: Readonly<Record<string, readonly string[]>>): Value {
  return evaluate(expression.tree, attributes);
}

function evaluate(node: ExpressionNode, attributes: Readonly<Record<string, readonly string[]>>): Value {
  switch (node.kind) {
    case 'attribute': {
      const values = Object.hasOwn(attributes, node.key) ? attributes[node.key] : undefined;
      return values === undefined || values.length === 0 ? null : values.length === 1 ? values[0]! : values;
    }
    case 'string':
    case 'number':
      return node.value;
    case 'omitted':
      return null;
    case 'comparison':
      return compare(node.operator, evaluate(node.left, attributes), evaluate(node.right, attributes), node.column);
    case 'call': {
      const args: Arguments = {
        count: node.arguments.length,
        prepared: node.prepared,
        given: (index) => node.arguments[index] !== undefined && node.arguments[index]!.kind !== 'omitted',
        value: (index) => (node.arguments[index] === undefined ? null : evaluate(node.arguments[index]!, attributes)),
      };
      try {
        return functionNamed(node.name)!.evaluate(args);
      } catch (error) {
        if (error instanceof RaisedError) throw new ExpressionEvaluationError(error.message, node.column, true);
        if (error instanceof FunctionError || error instanceof RangeError) throw new ExpressionEvaluationError(error.message, node.column, false);
        throw error;
      }
    }
  }
}

/**
 * = and <> compare text, case-sensitively (a missing value reads as ""); the others compare numbers when both sides
 * are numbers, text otherwise. A number on one side compares numerically with a numeric text on the other.
 */
function compare(operator: ComparisonOperator, left: Value, right: Value, column: number): boolean {
  let a: string | number;
  let b: string | number;
  try {
    [a, b] = [asText(left, 'the left side') ?? '', asText(right, 'the right side') ?? ''];
  } catch (error) {
    throw new ExpressionEvaluationError(`${(error as Error).message} (comparing ${shown(left)} ${operator} ${shown(right)})`, column, false);
  }
  const ordering = operator !== '=' && operator !== '<>';
  const numeric = (ordering || typeof left === 'number' || typeof right === 'number') && isNumeric(a) && isNumeric(b);
  if (numeric) [a, b] = [Number(a), Number(b)];
  switch (operator) {
    case '=':
      return a === b;
    case '<>':
      return a !== b;
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    case '>':
      return a > b;
    case '>=':
      return a >= b;
  }
}

function isNumeric(text: string): boolean {
  return text.trim() !== '' && Number.isFinite(Number(text));
}
