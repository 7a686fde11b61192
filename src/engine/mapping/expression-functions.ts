// The one registry of the expression language's functions, by Microsoft's name (case-sensitive, as Microsoft's syntax
// is). Each family is in a file of its own: strings, dates, conditions and collections, generated values.
import { DATE_FUNCTIONS } from './date-functions.ts';
import type { FunctionSpec } from './expression-values.ts';
import { GENERATED_FUNCTIONS } from './generated-functions.ts';
import { LOGIC_FUNCTIONS } from './logic-functions.ts';
import { STRING_FUNCTIONS } from './string-functions.ts';

export const FUNCTIONS: Readonly<Record<string, FunctionSpec>> = {
  ...STRING_FUNCTIONS,
  ...DATE_FUNCTIONS,
  ...LOGIC_FUNCTIONS,
  ...GENERATED_FUNCTIONS,
};

/** The function of this name, if there is one. */
export function functionNamed(name: string): FunctionSpec | undefined {
  return Object.hasOwn(FUNCTIONS, name) ? FUNCTIONS[name] : undefined;
}
