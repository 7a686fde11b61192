// The condition, conversion and collection functions, with Microsoft's names, parameter names and order (Entra
// provisioning's "Reference for writing expressions for attribute mappings"; Error comes from Entra Connect sync's
// declarative provisioning). IIF and Switch evaluate the branch they take, nothing else.
import { asInteger, asList, asText, asTruth, isPresent, RaisedError, type FunctionSpec } from './expression-values.ts';

export const LOGIC_FUNCTIONS: Readonly<Record<string, FunctionSpec>> = {
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
  Error: {
    parameters: ['message'],
    required: 1,
    evaluate: (args) => {
      throw new RaisedError(asText(args.value(0), 'Error: message') ?? 'Error() without a message');
    },
  },
  // Microsoft: the target is dropped from the flow when the value is null or empty. The value itself passes through;
  // whether the target flows is the mapping's decision (CompiledExpression.ignoresEmptyFlow), so it is the whole expression.
  IgnoreFlowIfNullOrEmpty: { parameters: ['expression'], required: 1, wholeExpressionOnly: true, evaluate: (args) => args.value(0) },
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
  Not: { parameters: ['source'], required: 1, evaluate: (args) => !(args.value(0) === true || /^true$/i.test(String(args.value(0)))) },
  RemoveDuplicates: { parameters: ['attribute'], required: 1, evaluate: (args) => [...new Set(asList(args.value(0)))] },
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
};
