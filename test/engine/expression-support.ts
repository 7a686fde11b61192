// What the expression tests share: evaluating over a fixture user, and the refusal each mistake is expected to meet.
import assert from 'node:assert/strict';
import {
  compileExpression,
  evaluateExpression,
  ExpressionEvaluationError,
  ExpressionSyntaxError,
  type Value,
} from '../../src/engine/mapping/expression.ts';

export type Attributes = Record<string, string[]>;

export function evaluateOn(attributes: Attributes, text: string): Value {
  return evaluateExpression(compileExpression(text), attributes);
}

/** The error compiling `text` meets; fails the test when it compiles. */
export function syntaxError(text: string): ExpressionSyntaxError {
  try {
    compileExpression(text);
  } catch (error) {
    if (error instanceof ExpressionSyntaxError) return error;
    throw error;
  }
  assert.fail(`${text} compiled`);
}

/** The error evaluating `text` over `attributes` meets; fails the test when it evaluates. */
export function evaluationError(attributes: Attributes, text: string): ExpressionEvaluationError {
  try {
    evaluateOn(attributes, text);
  } catch (error) {
    if (error instanceof ExpressionEvaluationError) return error;
    throw error;
  }
  assert.fail(`${text} evaluated`);
}
