// The PowerShell shape of a command's result. The executable's results keep the --json contract of the
// command line (camelCase, nested counts); PowerShell users expect what every Microsoft module gives them:
// PascalCase properties, flat counts a table can show, [datetime] values and typed nested objects
// (DirSync.SyncError, DirSync.PlannedOperation…), each with a view in DirSync.Format.ps1xml.
import type { CommandResult } from '../use-cases/output.ts';
import { TypedObject } from './clixml.ts';

/** Names that PascalCase alone would get wrong or that PowerShell spells its own way. */
const PROPERTY_NAMES: Record<string, string> = {
  dn: 'DistinguishedName',
  includeOus: 'IncludeOU',
  excludeOus: 'ExcludeOU',
};

/** Lists of plain objects inside a result, and the type name their items get. */
const ITEM_TYPE_NAMES: Record<string, string> = {
  errors: 'DirSync.SyncError',
  plan: 'DirSync.PlannedOperation',
  checks: 'DirSync.ConfigurationCheck',
  withheld: 'DirSync.WithheldDelete',
  restored: 'DirSync.RestoredObject',
  findings: 'DirSync.ReadinessFinding',
  upnClashes: 'DirSync.UpnClash',
  revertedChanges: 'DirSync.CloudChange',
  drift: 'DirSync.CloudChange',
  differences: 'DirSync.SettingsDifference',
  attributes: 'DirSync.ExplainedAttribute',
  nextCycle: 'DirSync.GraphRequest',
  history: 'DirSync.ObjectHistoryEntry',
  forests: 'DirSync.ForestRun',
  entries: 'DirSync.AttributeMappingEntry',
  targets: 'DirSync.MappedValue',
};

/** Values that are another system's data (a Graph request's body): kept as they are, names and all. */
const VERBATIM_PROPERTIES: ReadonlySet<string> = new Set(['body']);

export function propertyName(name: string): string {
  return PROPERTY_NAMES[name] ?? name.charAt(0).toUpperCase() + name.slice(1);
}

/** The result as the module writes it to the pipeline, under the result's own type name. */
export function toModuleShape(result: CommandResult): TypedObject {
  const properties = result.typeName === 'DirSync.SyncRun' ? flattenCounts(forestsSideBySide(result.properties)) : result.properties;
  return new TypedObject(result.typeName, shapeProperties(properties));
}

/**
 * A run's counts become top-level properties (Added, Updated, Reverted…); the count of errors is ErrorCount, since
 * Errors lists them, and the list of reverted changes is RevertedChanges, since Reverted counts the objects.
 */
function flattenCounts(properties: Record<string, unknown>): Record<string, unknown> {
  const { counts, ...rest } = properties;
  if (counts === null || typeof counts !== 'object') return properties;
  const { errors: errorCount, ...otherCounts } = counts as Record<string, unknown>;
  const { runId, mode, status, startedAt, endedAt, reverted, ...details } = rest;
  return {
    runId,
    mode,
    status,
    startedAt,
    endedAt,
    ...otherCounts,
    errorCount,
    ...details,
    ...(reverted === undefined ? {} : { revertedChanges: reverted }),
  };
}

/** A run's forests (keyed by name in --json) become a list, one DirSync.ForestRun per forest with its counts flat. */
function forestsSideBySide(properties: Record<string, unknown>): Record<string, unknown> {
  const { forests } = properties;
  if (!isPlainObject(forests)) return properties;
  return {
    ...properties,
    forests: Object.entries(forests).map(([name, forest]) => {
      const { status, counts, error, notices } = forest as {
        status: string;
        counts: Record<string, unknown>;
        error?: { code: string; message: string };
        notices?: string[];
      };
      const { errors: errorCount, ...otherCounts } = counts;
      return {
        name,
        status,
        ...otherCounts,
        errorCount,
        errorCode: error?.code ?? null,
        errorMessage: error?.message ?? null,
        notices: notices ?? [],
      };
    }),
  };
}

function shapeProperties(properties: Record<string, unknown>): Record<string, unknown> {
  const shaped: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(properties)) {
    const itemTypeName = ITEM_TYPE_NAMES[name];
    shaped[propertyName(name)] =
      itemTypeName !== undefined && Array.isArray(value)
        ? value.map((item) => shapeItem(itemTypeName, item))
        : VERBATIM_PROPERTIES.has(name)
          ? value
          : shapeValue(value);
  }
  return shaped;
}

function shapeItem(typeName: string, item: unknown): unknown {
  return isPlainObject(item) ? new TypedObject(typeName, shapeProperties(item)) : item;
}

function shapeValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(shapeValue);
  return isPlainObject(value) ? shapeProperties(value) : value;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype;
}
