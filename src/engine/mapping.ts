// From an AD object to the cloud object DirSync wants it to be: the effective attribute mapping (mapping/: the default
// flow of the original, or an administrator's over it) evaluated on the object, within what Microsoft Graph lets an
// application write (see product.md). DirSync's own properties — the anchor, a group's mailEnabled/securityEnabled —
// and which objects are exportable at all are rules of DirSync's, not of the mapping.
import { mappedSourceAttributes, type AttributeMapping, type MappingEntry } from './mapping/attribute-mapping.ts';
import { evaluateExpression, ExpressionEvaluationError, flows } from './mapping/expression.ts';
import { TargetValueError, targetValue, type ObjectType } from './mapping/targets.ts';
import type { SourceObject } from './model.ts';
import type { TrackedProperties } from './ports.ts';

export interface TenantContext {
  /** The tenant's initial domain, e.g. contoso.onmicrosoft.com. */
  initialDomain: string;
  /** Verified domains, lower-case. */
  verifiedDomains: ReadonlySet<string>;
  /** The directory extension property that carries the sourceAnchor on groups. */
  sourceAnchorProperty: string;
  /** The mapping's directory extension properties: name as mapped, lower-case → full name (extension_<appId>_<name>). */
  extensionProperties: ReadonlyMap<string, string>;
}

/** The cloud attributes DirSync manages for one object; compared with what was last exported. */
export type CloudAttributes = Record<string, unknown>;

export type MappingResult =
  | {
      exportable: true;
      objectType: ObjectType;
      /** What DirSync keeps in step: its own properties and the mapping's `always` targets. */
      attributes: CloudAttributes;
      /** The mapping's `onCreate` targets: sent with a create only, never compared afterwards. */
      createOnly: CloudAttributes;
      /** Things the administrator should know about this object (e.g. its UPN suffix was replaced). */
      notices: string[];
    }
  | { exportable: false; reason: string };

/** One target's value for one object (mapping test), or why the object fails on it. */
export interface TargetOutcome {
  target: string;
  apply: MappingEntry['apply'];
  expression: string;
  value?: unknown;
  /** IgnoreFlowIfNullOrEmpty dropped the target for this object: it is not written. */
  notWritten?: true;
  failure?: ObjectMappingError;
}

/** An object the mapping fails on: the per-object error of a cycle, naming the target. */
export class ObjectMappingError extends Error {
  readonly code: 'Mapping.expression-failed' | 'Mapping.value-refused';

  constructor(code: ObjectMappingError['code'], message: string) {
    super(message);
    this.name = 'ObjectMappingError';
    this.code = code;
  }
}

const GROUP_TYPE_SECURITY_ENABLED = 0x80000000;

/** What DirSync's own rules read, whatever the mapping: exportability (groupType, mail) and soft matching (proxyAddresses, mail, UPN). */
const OWN_SOURCE_ATTRIBUTES = ['groupType', 'mail', 'proxyAddresses', 'userPrincipalName'];

/** The AD attributes a cycle reads of each object, beyond what the AD connector itself needs: the mapping's and DirSync's rules'. */
export function sourceAttributes(mapping: AttributeMapping): string[] {
  return [...new Set([...OWN_SOURCE_ATTRIBUTES.map((name) => name.toLowerCase()), ...mappedSourceAttributes(mapping)])];
}

/** Why an object is never exported, whatever the mapping; undefined when it can be. */
export function notExportableReason(object: SourceObject): string | undefined {
  if (object.kind === 'contact') return 'contacts cannot be created through Microsoft Graph (orgContact is read-only for applications)';
  if (object.kind !== 'group') return undefined;
  const groupType = Number(object.attributes.grouptype?.[0] ?? 0) >>> 0;
  if ((groupType & GROUP_TYPE_SECURITY_ENABLED) === 0)
    return 'distribution groups are mail-enabled, and Microsoft Graph cannot create mail-enabled groups other than Microsoft 365 groups';
  if (object.attributes.mail?.[0]) return 'mail-enabled security groups cannot be created or updated through Microsoft Graph';
  return undefined;
}

/** The cloud object for an AD object; throws ObjectMappingError when the mapping fails on it. */
export function mapToCloud(object: SourceObject, tenant: TenantContext, mapping: AttributeMapping): MappingResult {
  const reason = notExportableReason(object);
  if (reason !== undefined) return { exportable: false, reason };
  const objectType = object.kind as ObjectType;
  const notices: string[] = [];
  const attributes: CloudAttributes =
    objectType === 'user' ? { onPremisesImmutableId: object.anchor } : { [tenant.sourceAnchorProperty]: object.anchor };
  const createOnly: CloudAttributes = {};
  // One pass, no intermediate objects: this runs for every object of every import (bench: scale).
  for (const entry of mapping[objectType]) {
    let value: unknown;
    try {
      const evaluated = evaluateExpression(entry.expression, object.attributes);
      // IgnoreFlowIfNullOrEmpty: not written at all (neither set nor cleared; the cloud keeps what it has).
      if (!flows(entry.expression, evaluated)) continue;
      value = valueFor(entry, objectType, evaluated, tenant, notices);
    } catch (error) {
      throw objectFailure(error, `${objectType}.${entry.target}`);
    }
    const body = entry.apply === 'always' ? attributes : createOnly;
    const { name, inside } = entry.property;
    if (entry.extension !== undefined) body[extensionProperty(entry.extension, tenant)] = value;
    else if (inside === undefined) body[name] = value;
    else {
      // A property inside a complex one (onPremisesExtensionAttributes.extensionAttribute3).
      const complex = (body[name] ?? {}) as Record<string, unknown>;
      complex[inside] = value;
      body[name] = complex;
    }
  }
  if (objectType === 'group') Object.assign(attributes, { mailEnabled: false, securityEnabled: true });
  return { exportable: true, objectType, attributes, createOnly, notices };
}

/** Every target of the object's type evaluated on it: its value as sent to Graph, or the failure. */
export function evaluateTargets(object: SourceObject, tenant: TenantContext, mapping: AttributeMapping, notices: string[] = []): TargetOutcome[] {
  const objectType = object.kind === 'group' ? 'group' : 'user';
  return mapping[objectType].map((entry) => {
    const outcome: TargetOutcome = { target: entry.target, apply: entry.apply, expression: entry.expression.text };
    try {
      const evaluated = evaluateExpression(entry.expression, object.attributes);
      if (flows(entry.expression, evaluated)) outcome.value = valueFor(entry, objectType, evaluated, tenant, notices);
      else outcome.notWritten = true;
    } catch (error) {
      outcome.failure = objectFailure(error, `${objectType}.${entry.target}`);
    }
    return outcome;
  });
}

function valueFor(
  entry: MappingEntry,
  objectType: ObjectType,
  value: ReturnType<typeof evaluateExpression>,
  tenant: TenantContext,
  notices: string[],
): unknown {
  const definition = entry.definition;
  const converted = targetValue(value, definition?.type ?? entry.dataType ?? 'String');
  const final = definition?.rule ? definition.rule(converted, tenant, notices) : converted;
  if (definition?.requiredOnCreate && (final === null || final === undefined))
    throw new TargetValueError(`no value (Graph needs ${entry.target} for every ${objectType})`);
  return final;
}

function objectFailure(error: unknown, where: string): ObjectMappingError {
  if (error instanceof ExpressionEvaluationError)
    return new ObjectMappingError(
      'Mapping.expression-failed',
      `${where}: ${error.raised || error.column === undefined ? '' : `col ${error.column}: `}${error.message}`,
    );
  if (error instanceof TargetValueError) return new ObjectMappingError('Mapping.value-refused', `${where}: ${error.message}`);
  throw error;
}

/** The full name (extension_<appId>_<name>) the cycle resolved for a directory extension property. */
function extensionProperty(extension: string, tenant: TenantContext): string {
  const name = tenant.extensionProperties.get(extension.toLowerCase());
  if (name === undefined) throw new Error(`the directory extension property ${extension} was not resolved for this cycle`);
  return name;
}

/** The body of a create: what DirSync keeps in step with the mapping's onCreate values (inside complex properties too). */
export function createBody(attributes: CloudAttributes, createOnly: CloudAttributes): CloudAttributes {
  const body = { ...attributes };
  for (const [name, value] of Object.entries(createOnly)) {
    const kept = body[name];
    body[name] = isComplex(kept) && isComplex(value) ? { ...kept, ...value } : value;
  }
  return body;
}

function isComplex(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * What DirSync keeps in step on every object of a type, and drift detection compares with the tenant: paths into what
 * it exported — its own properties (the users' anchor; a group's mailEnabled and securityEnabled; the group anchor's
 * extension property is bookkeeping, found by hard match, not compared) and the mapping's `always` targets
 * ("department", "onPremisesExtensionAttributes.extensionAttribute3"). Not `onCreate` targets (written once), not
 * targets a mapping set to null (no longer DirSync's), and not directory extension properties (Graph's delta query is
 * not documented to track them).
 */
export function managedProperties(mapping: AttributeMapping, objectType: ObjectType): string[] {
  const own = objectType === 'user' ? ['onPremisesImmutableId'] : ['mailEnabled', 'securityEnabled'];
  const mapped = mapping[objectType].filter((entry) => entry.apply === 'always' && entry.extension === undefined).map((entry) => entry.target);
  return [...own, ...mapped];
}

/** The properties a round of the tenant's change tracking selects: the top-level ones of managedProperties. */
export function trackedProperties(mapping: AttributeMapping): TrackedProperties {
  const topLevel = (objectType: ObjectType) => [...new Set(managedProperties(mapping, objectType).map((path) => path.split('.')[0]!))];
  return { user: topLevel('user'), group: topLevel('group') };
}

/** The attributes that differ between what was exported and what is wanted now (the body of a PATCH). */
export function changedAttributes(exported: CloudAttributes, desired: CloudAttributes): CloudAttributes {
  const changes: CloudAttributes = {};
  for (const [name, value] of Object.entries(desired)) {
    if (!sameValue(exported[name], value)) changes[name] = value;
  }
  return changes;
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}
