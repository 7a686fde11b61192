// The functions that give a new value every time they are evaluated (Microsoft's Guid and RandomString; Now is with
// the dates). A target applied always would change in the cloud every cycle, so the mapping takes them only in
// targets applied onCreate (attribute-mapping.ts refuses them elsewhere).
import { randomInt, randomUUID } from 'node:crypto';
import { ExpressionSyntaxError, type CallNode } from './expression-syntax.ts';
import { asInteger, asText, FunctionError, type Arguments, type FunctionSpec } from './expression-values.ts';

/** Microsoft refers RandomString to the password complexity requirements' characters (the ASCII ones). */
const CHARACTER_SETS = {
  numbers: '0123456789',
  special: '~!@#$%^&*_-+=`|\\(){}[]:;"\'<>,.?/',
  capital: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ',
  lowerCase: 'abcdefghijklmnopqrstuvwxyz',
};
const RANDOM_STRING_PARAMETERS = ['Length', 'MinimumNumbers', 'MinimumSpecialCharacters', 'MinimumCapital', 'MinimumLowerCase', 'CharactersToAvoid'];
/** Microsoft: "256 characters max". */
const MAXIMUM_LENGTH = 256;

/** What is wrong with RandomString's numbers, if anything. */
function randomStringProblem(length: number, minimums: readonly number[], avoid: string): string | undefined {
  if (length < 1 || length > MAXIMUM_LENGTH) return `RandomString: Length is 1 to ${MAXIMUM_LENGTH}, not ${length}`;
  if (minimums.some((minimum) => minimum < 0)) return 'RandomString: a minimum must not be negative';
  const sum = minimums.reduce((total, minimum) => total + minimum, 0);
  if (sum > length) return `RandomString: the minimums add up to ${sum}, more than Length (${length})`;
  const sets = Object.values(CHARACTER_SETS);
  const emptied = sets.findIndex((set, index) => minimums[index]! > 0 && [...set].every((char) => avoid.includes(char)));
  if (emptied >= 0) return `RandomString: CharactersToAvoid leaves nothing for ${RANDOM_STRING_PARAMETERS[emptied + 1]}`;
  return undefined;
}

/** Numbers written as constants are checked when the mapping is set. */
function prepareRandomString(call: CallNode): undefined {
  const constants = call.arguments.slice(0, 5).map((node) => (node.kind === 'number' ? node.value : undefined));
  const avoid = call.arguments[5];
  if (constants.every((value) => value !== undefined) && (avoid === undefined || avoid.kind === 'string' || avoid.kind === 'omitted')) {
    const problem = randomStringProblem(constants[0]!, constants.slice(1) as number[], avoid?.kind === 'string' ? avoid.value : '');
    if (problem) throw new ExpressionSyntaxError(call.column, problem, 'argument-count');
  }
  return undefined;
}

function randomString(args: Arguments): string {
  const [length, ...minimums] = [0, 1, 2, 3, 4].map((index) => asInteger(args.value(index), `RandomString: ${RANDOM_STRING_PARAMETERS[index]}`));
  const avoid = asText(args.value(5), 'RandomString: CharactersToAvoid') ?? '';
  const problem = randomStringProblem(length!, minimums, avoid);
  if (problem) throw new FunctionError(problem);
  const sets = Object.values(CHARACTER_SETS).map((set) => [...set].filter((char) => !avoid.includes(char)));
  const chars: string[] = [];
  sets.forEach((set, index) => {
    for (let count = 0; count < minimums[index]!; count++) chars.push(set[randomInt(set.length)]!);
  });
  const any = sets.flat();
  if (any.length === 0) throw new FunctionError('RandomString: CharactersToAvoid leaves no character');
  while (chars.length < length!) chars.push(any[randomInt(any.length)]!);
  // Fisher–Yates, so the required characters are not at the front.
  for (let index = chars.length - 1; index > 0; index--) {
    const other = randomInt(index + 1);
    [chars[index], chars[other]] = [chars[other]!, chars[index]!];
  }
  return chars.join('');
}

export const GENERATED_FUNCTIONS: Readonly<Record<string, FunctionSpec>> = {
  Guid: { parameters: [], required: 0, nondeterministic: true, evaluate: () => randomUUID() },
  RandomString: {
    parameters: RANDOM_STRING_PARAMETERS,
    required: 5,
    nondeterministic: true,
    prepare: prepareRandomString,
    evaluate: randomString,
  },
};
