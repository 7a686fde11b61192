// The effective mapping: the default one (default-mapping.ts) with an administrator's custom mapping over it, each
// expression compiled once and each target checked against the catalogue (targets.ts). The custom mapping's file:
//   {"user": {"<target>": "<expression>" | {"expression": "…", "apply": "always" | "onCreate", "dataType": "…"} | null},
//    "group": {…}}
// A target named overrides the default; null stops managing it; the others keep the default.
import { createHash } from 'node:crypto';
import * as z from 'zod';
import { canonicalJson } from '../plans/saved-plan.ts';
import { DEFAULT_MAPPING } from './default-mapping.ts';
import { compileExpression, ExpressionSyntaxError, type CompiledExpression } from './expression.ts';
import {
  exclusionReason,
  EXTENSION_DATA_TYPES,
  EXTENSION_TARGET,
  extensionName,
  TARGETS,
  targetDefinition,
  type ExtensionDataType,
  type ObjectType,
  type TargetDefinition,
} from './targets.ts';

export type Apply = 'always' | 'onCreate';

const entrySchema = z.union([
  z.string(),
  z.null(),
  z.strictObject({
    expression: z.string(),
    apply: z.enum(['always', 'onCreate']).default('always'),
    dataType: z.enum(EXTENSION_DATA_TYPES).optional(),
  }),
]);

/** The custom mapping as stored (configuration.json's attributeMapping) and as its file is written. */
export const customMappingSchema = z.strictObject({
  user: z.record(z.string(), entrySchema).optional(),
  group: z.record(z.string(), entrySchema).optional(),
});
export type CustomMapping = z.infer<typeof customMappingSchema>;
/** As an administrator writes it (apply may be left out). */
export type WrittenMapping = z.input<typeof customMappingSchema>;

export interface MappingEntry {
  target: string;
  expression: CompiledExpression;
  apply: Apply;
  /** Extension targets: the data type it is registered with (String unless said). */
  dataType: ExtensionDataType | undefined;
  origin: 'default' | 'custom';
  /** What the target takes and DirSync's rule for it; undefined for an extension target. */
  definition: TargetDefinition | undefined;
  /** An extension target's name (extension:<name>). */
  extension: string | undefined;
  /** Where the value goes in a Graph body, for the other targets: a property, or a property inside a complex one. */
  property: { name: string; inside: string | undefined };
}

/** A directory extension property the mapping writes, as DirSync's application must have it registered. */
export interface DirectoryExtension {
  name: string;
  dataType: ExtensionDataType;
}

export interface AttributeMapping {
  readonly user: readonly MappingEntry[];
  readonly group: readonly MappingEntry[];
  /** Identifies the custom mapping (null: the default alone): a cycle that sees it change re-evaluates every object. */
  readonly fingerprint: string | null;
}

/** What is wrong with one target of a mapping (`column` in its expression, when the expression is at fault). */
export interface MappingProblem {
  code:
    | 'Mapping.syntax-error'
    | 'Mapping.unknown-function'
    | 'Mapping.wrong-argument-count'
    | 'Mapping.invalid-regex'
    | 'Mapping.nondeterministic-always'
    | 'Mapping.unknown-target'
    | 'Mapping.read-only-target';
  objectType: ObjectType;
  target: string;
  column?: number;
  message: string;
}

/** The mapping's problems, each in the words `mapping set` prints: "user.department: col 14: unknown function 'Joinn'". */
export class MappingInvalidError extends Error {
  readonly problems: readonly MappingProblem[];

  constructor(problems: readonly MappingProblem[]) {
    super(problems.map(describeProblem).join('; '));
    this.name = 'MappingInvalidError';
    this.problems = problems;
  }
}

export function describeProblem(problem: MappingProblem): string {
  return `${problem.objectType}.${problem.target}: ${problem.column === undefined ? '' : `col ${problem.column}: `}${problem.message}`;
}

/** The default mapping alone, compiled once. */
export const DEFAULT_ATTRIBUTE_MAPPING: AttributeMapping = effectiveMapping(null);

/** The default mapping with `custom` over it; throws MappingInvalidError listing every problem. */
export function effectiveMapping(written: WrittenMapping | null): AttributeMapping {
  const custom = written === null ? null : customMappingSchema.parse(written);
  const problems: MappingProblem[] = [];
  const build = (objectType: ObjectType): MappingEntry[] => {
    const overrides = custom?.[objectType] ?? {};
    const entries: MappingEntry[] = [];
    const add = (target: string, written: z.infer<typeof entrySchema>, origin: MappingEntry['origin']) => {
      if (written === null) return;
      const entry = typeof written === 'string' ? { expression: written, apply: 'always' as const, dataType: undefined } : written;
      const problem = targetProblem(objectType, target, entry.apply, entry.dataType);
      if (problem) return problems.push({ objectType, target, ...problem });
      try {
        const extension = extensionName(target);
        const expression = compileExpression(entry.expression);
        const problem = expressionProblem(target, expression, entry.apply);
        if (problem) return problems.push({ objectType, target, ...problem });
        entries.push({
          target,
          expression,
          apply: entry.apply,
          dataType: extension ? (entry.dataType ?? 'String') : undefined,
          origin,
          definition: targetDefinition(objectType, target),
          extension,
          property: bodyProperty(target),
        });
      } catch (error) {
        if (!(error instanceof ExpressionSyntaxError)) throw error;
        problems.push({ objectType, target, column: error.column, message: error.message, code: SYNTAX_CODES[error.kind] });
      }
    };
    for (const [target, expression] of DEFAULT_MAPPING[objectType])
      add(target, Object.hasOwn(overrides, target) ? overrides[target]! : expression, Object.hasOwn(overrides, target) ? 'custom' : 'default');
    const defaults = new Set(DEFAULT_MAPPING[objectType].map(([target]) => target));
    for (const [target, written] of Object.entries(overrides)) if (!defaults.has(target)) add(target, written, 'custom');
    for (const [target, definition] of Object.entries(TARGETS[objectType])) {
      if (definition.requiredOnCreate && !entries.some((entry) => entry.target === target) && !problems.some((problem) => problem.target === target))
        problems.push({
          objectType,
          target,
          code: 'Mapping.read-only-target',
          message: `Graph needs ${target} to create a ${objectType}: it cannot be left unmanaged (null)`,
        });
    }
    return entries;
  };
  const mapping = { user: build('user'), group: build('group') };
  problems.push(...extensionTypeConflicts(mapping));
  if (problems.length > 0) throw new MappingInvalidError(problems);
  return { ...mapping, fingerprint: custom === null ? null : mappingFingerprint(custom) };
}

/** `a.b` is property b of the complex property a. */
function bodyProperty(target: string): MappingEntry['property'] {
  const dot = target.indexOf('.');
  return dot < 0 ? { name: target, inside: undefined } : { name: target.slice(0, dot), inside: target.slice(dot + 1) };
}

const SYNTAX_CODES: Record<ExpressionSyntaxError['kind'], MappingProblem['code']> = {
  syntax: 'Mapping.syntax-error',
  'unknown-function': 'Mapping.unknown-function',
  'argument-count': 'Mapping.wrong-argument-count',
  pattern: 'Mapping.invalid-regex',
};

/** What the expression may not do at this target, beyond its syntax. */
function expressionProblem(target: string, expression: CompiledExpression, apply: Apply): Omit<MappingProblem, 'objectType' | 'target'> | undefined {
  const { nondeterministic } = expression;
  // A new value every cycle would be an update every cycle, and counted as drift.
  if (nondeterministic !== undefined && apply === 'always')
    return {
      code: 'Mapping.nondeterministic-always',
      column: nondeterministic.column,
      message: `${nondeterministic.name}() gives a new value every time: only a target applied onCreate may use it ({"expression": …, "apply": "onCreate"})`,
    };
  // A property inside a complex one is sent with its siblings, and compared key by key: one left out would read as cleared.
  if (expression.ignoresEmptyFlow && target.includes('.'))
    return {
      code: 'Mapping.read-only-target',
      column: 1,
      message: `IgnoreFlowIfNullOrEmpty is for properties of their own: ${target} is sent inside ${target.split('.')[0]} with the others`,
    };
  return undefined;
}

function targetProblem(
  objectType: ObjectType,
  target: string,
  apply: Apply,
  dataType: ExtensionDataType | undefined,
): Pick<MappingProblem, 'code' | 'message'> | undefined {
  const excluded = exclusionReason(objectType, target);
  if (excluded !== undefined) return { code: 'Mapping.read-only-target', message: `${target} cannot be mapped: ${excluded}` };
  const definition = targetDefinition(objectType, target);
  if (definition === undefined && !EXTENSION_TARGET.test(target)) {
    return {
      code: 'Mapping.unknown-target',
      message: `unknown target '${target}' (a ${objectType} property DirSync may set, onPremisesExtensionAttributes.extensionAttributeN, employeeOrgData.division/costCenter, or extension:<name>)`,
    };
  }
  if (definition !== undefined && dataType !== undefined)
    return { code: 'Mapping.unknown-target', message: 'dataType is for extension:<name> targets only (Graph properties have their own type)' };
  if (definition?.alwaysOnly && apply !== 'always')
    return {
      code: 'Mapping.read-only-target',
      message: `${target} is applied always (DirSync moves users off placeholder UPNs by it), never only on create`,
    };
  return undefined;
}

/** One directory extension property is registered once, for users and groups: both must agree on its data type. */
function extensionTypeConflicts(mapping: Record<ObjectType, MappingEntry[]>): MappingProblem[] {
  const userTypes = new Map(mapping.user.filter((entry) => entry.dataType).map((entry) => [entry.target.toLowerCase(), entry.dataType]));
  return mapping.group
    .filter((entry) => entry.dataType && userTypes.has(entry.target.toLowerCase()) && userTypes.get(entry.target.toLowerCase()) !== entry.dataType)
    .map((entry) => ({
      objectType: 'group' as const,
      target: entry.target,
      code: 'Mapping.read-only-target' as const,
      message: `the same extension property is ${userTypes.get(entry.target.toLowerCase())} for users: one property has one data type`,
    }));
}

/** The same mapping however it is written (an expression alone, or the object with apply: "always") has one fingerprint. */
function mappingFingerprint(custom: CustomMapping): string {
  const entries = (objectType: ObjectType) =>
    Object.fromEntries(
      Object.entries(custom[objectType] ?? {}).map(([target, written]) => [
        target,
        typeof written === 'string' ? { expression: written, apply: 'always' } : written,
      ]),
    );
  return `sha256:${createHash('sha256')
    .update(canonicalJson({ user: entries('user'), group: entries('group') }))
    .digest('hex')}`;
}

/** The directory extension properties the mapping writes. */
export function directoryExtensions(mapping: AttributeMapping): DirectoryExtension[] {
  const found = new Map<string, DirectoryExtension>();
  for (const entry of [...mapping.user, ...mapping.group]) {
    const name = extensionName(entry.target);
    if (name !== undefined && entry.dataType !== undefined) found.set(name.toLowerCase(), { name, dataType: entry.dataType });
  }
  return [...found.values()];
}

/**
 * The AD attributes the mapping's expressions read, lower-case: what the import must ask AD for (with what selection,
 * scope and matching read besides).
 */
export function mappedSourceAttributes(mapping: AttributeMapping): string[] {
  return [...new Set([...mapping.user, ...mapping.group].flatMap((entry) => entry.expression.attributes))];
}
