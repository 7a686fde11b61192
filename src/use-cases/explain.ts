// explain (Get-OnlineCoexistenceObject): "why is this user not syncing?" — one object, every stage, read-only. AD as the
// service account reads it (or why not), scope and the rule that decided, match, attributes (desired, last exported,
// in the cloud now: one GET), what the next cycle would send — computed by the cycle itself, an object run forecast
// in preview (engine/object-forecast.ts) — withheld deletes, errors, the retry queue and the history. Nothing is
// written anywhere: no run lock, no run recorded, and the Graph session is a preview's (it refuses every write).
import { writeFile } from 'node:fs/promises';
import * as z from 'zod';
import type { ObjectExamination } from '../connectors/ad/object-directory.ts';
import type { Reporter } from '../core/reporter.ts';
import { cloudOnlyMember, ledgerAsInCloud } from '../engine/cycle/cloud-values.ts';
import { MANAGER_KEY, type DriftEntry } from '../engine/cycle/cycle-state.ts';
import { mapToCloud, ObjectMappingError, type MappingResult, type TenantContext } from '../engine/mapping.ts';
import { directoryExtensions, type AttributeMapping } from '../engine/mapping/attribute-mapping.ts';
import type { SourceObject } from '../engine/model.ts';
import { forecastObjects, type ForecastOptions } from '../engine/object-forecast.ts';
import { resolveRunMode, type RunParts } from '../engine/run-mode.ts';
import { wholeRetryQueue } from '../engine/state-store.ts';
import type { CycleOptions } from '../engine/sync-cycle.ts';
import { objectPage, type ExplainedAttribute, type ObjectExplanation } from '../report/object-page.ts';
import { attributeMappingOf } from '../wiring/attribute-mapping.ts';
import { cycleOptions } from '../wiring/cycle.ts';
import { withInstallation, type InstallationContext } from '../wiring/installation-context.ts';
import { ExitCode } from './exit-codes.ts';
import { explainMatch } from './match-explanation.ts';
import { describeIdentity, identityOf, locateObject, type FoundObject, type ObjectIdentity } from './object-identity.ts';
import { attributeNames, attributeRows, driftOf, lastErrors, linkedSince, nextCycleRequests, objectHistory } from './object-explanation.ts';
import type { CommandOutput } from './output.ts';

const IDENTITIES = ['dn', 'upn', 'anchor', 'cloudId', 'identity'] as const;

export const explainParameters = z
  .object({
    path: z.string().min(1),
    dn: z.string().min(1).optional(),
    upn: z.string().min(1).optional(),
    anchor: z.string().min(1).optional(),
    cloudId: z.string().min(1).optional(),
    /** Any of the four, told apart by its form (the module's -Identity). */
    identity: z.string().min(1).optional(),
    /** Also write the explanation as one self-contained page. */
    html: z.string().min(1).optional(),
  })
  .refine((parameters) => IDENTITIES.filter((name) => parameters[name] !== undefined).length === 1, {
    message: 'give exactly one of --dn, --upn, --anchor, --cloud-id',
    path: ['identity'],
  });
export type ExplainParameters = z.infer<typeof explainParameters>;

type ExplainContext = InstallationContext<{ store: true; directory: true; cloud: RunParts }>;

export async function explain(parameters: ExplainParameters, output: CommandOutput): Promise<number> {
  const identity = identityGiven(parameters);
  // A preview's parts: the Graph session refuses every write, whatever happens below.
  const runMode = resolveRunMode({ kind: 'preview' });
  const explanation = await withInstallation(parameters.path, { store: true, directory: true, cloud: runMode }, output, (context) =>
    explainIn(context, runMode, identity, output),
  );
  if (parameters.html !== undefined) await writeFile(parameters.html, objectPage(explanation));
  output.result({ typeName: 'DirSync.ObjectExplanation', properties: { ...explanation, ...(parameters.html ? { html: parameters.html } : {}) } });
  return ExitCode.success;
}

function identityGiven(parameters: ExplainParameters): ObjectIdentity {
  if (parameters.dn !== undefined) return { kind: 'dn', value: parameters.dn };
  if (parameters.upn !== undefined) return { kind: 'upn', value: parameters.upn };
  if (parameters.anchor !== undefined) return { kind: 'anchor', value: parameters.anchor };
  if (parameters.cloudId !== undefined) return { kind: 'cloudId', value: parameters.cloudId };
  return identityOf(parameters.identity!);
}

async function explainIn(context: ExplainContext, runMode: RunParts, identity: ObjectIdentity, output: CommandOutput): Promise<ObjectExplanation> {
  const { store, source, cloud, configuration } = context;
  const found = await locateObject(identity, { source, store, reads: cloud.reads });
  const { anchor, link, examination } = found;
  const mapping = attributeMappingOf(configuration);
  const tenant = await cloud.target.tenant(directoryExtensions(mapping));
  const inScope = scopeOf(examination);
  const object = inScope.inScope === true ? examination.object : undefined;
  const mapped: MappingResult | undefined = object === undefined ? undefined : mappedOrUndefined(object, tenant, mapping);
  const desired = mapped?.exportable ? mapped.attributes : undefined;
  const objectType = mapped?.exportable ? mapped.objectType : link?.kind === 'group' ? 'group' : 'user';
  const side = { context, found, object, desired, objectType } as const;

  // The cloud object DirSync keeps is read first: under the revert policy its drift is what the next cycle sends
  // back, and the forecast's ledger takes the cloud's values as the cycle's drift step would (cloud-drift.ts).
  let inCloud = link?.cloudId ? await cloudSide(side, link.cloudId) : undefined;
  const corrected =
    link && inCloud && configuration.cloudDrift === 'revert' && inCloud.drift.length > 0
      ? [{ ...link, exported: ledgerAsInCloud(link.exported, inCloud.drift) }]
      : [];
  const forecast = await forecastObjects(
    [anchor],
    forecastOptions(cycleOptions(configuration, { full: false, acceptDeletes: false }, runMode)),
    { store, source, target: cloud.target, exporter: cloud.exporter, reporter: forecastReporter(output) },
    corrected,
  );
  const joinedTo = forecast.plan.find((planned) => planned.anchor === anchor && planned.operation.action === 'update')?.operation;
  const cloudId = link?.cloudId ?? (joinedTo?.action === 'update' ? joinedTo.cloudId : null);
  if (inCloud === undefined && cloudId !== null) inCloud = await cloudSide(side, cloudId);

  const history = await objectHistory(store, anchor);
  const match = await explainMatch(
    {
      anchor,
      link,
      object,
      mapped,
      notSynchronized: inScope.inScope === true ? undefined : inScope.scopeReason,
      forecast,
      softMatch: configuration.matching.softMatch,
      tenant,
      cloudObject: inCloud?.object,
      sinceRunId: linkedSince(history.entries),
    },
    cloud,
  );
  const queue = await wholeRetryQueue(store);
  return {
    identity: describeIdentity(identity),
    dn: examination.object?.dn ?? (examination.dn || link?.dn || ''),
    anchor,
    objectType: examination.kind ?? link?.kind ?? null,
    directory: { readAs: source.account, state: examination.state, reason: examination.reason },
    ...inScope,
    match,
    cloudId,
    attributes: inCloud?.attributes ?? attributeRows(desired, link?.exported, undefined),
    drift: (inCloud?.drift ?? []).map(({ dn, anchor: owner, attribute, cloudValue, adValue }) => ({
      dn,
      anchor: owner,
      attribute,
      cloudValue,
      adValue,
    })),
    nextCycle: nextCycleRequests(forecast.plan, (operation) => cloud.exporter.requestsFor(operation)),
    withheld: forecast.withheld.map(({ dn, objectType: kind, reason }) => ({ dn, objectType: kind, reason })),
    errors: [
      ...forecast.errors.filter((error) => error.anchor === anchor).map((error) => ({ runId: null, code: error.code, message: error.message })),
      ...lastErrors(history),
    ],
    retry: { queued: queue.includes(anchor), position: queue.includes(anchor) ? queue.indexOf(anchor) + 1 : null, queueLength: queue.length },
    history: history.entries,
  };
}

/** The forecast takes the cycle's settings; drift is not its to look for (an object run reads no change round). */
function forecastOptions({ deletionGuard, softMatch, deltaDeletions, cloudDrift, mapping }: CycleOptions): ForecastOptions {
  return { deletionGuard, softMatch, deltaDeletions, cloudDrift, mapping };
}

/** The object as the mapping makes it; undefined when the mapping fails on it (the forecast's errors say how). */
function mappedOrUndefined(object: SourceObject, tenant: TenantContext, mapping: AttributeMapping): MappingResult | undefined {
  try {
    return mapToCloud(object, tenant, mapping);
  } catch (error) {
    if (error instanceof ObjectMappingError) return undefined;
    throw error;
  }
}

interface CloudSide {
  /** The cloud object now; undefined when it no longer answers. */
  object: Record<string, unknown> | undefined;
  attributes: ExplainedAttribute[];
  /** Where the cloud holds otherwise than DirSync exported, as the cycle's drift step notes it. */
  drift: DriftEntry[];
}

/** The cloud object as it is now (one GET, and one for a user's manager), beside what AD wants and what was exported. */
async function cloudSide(
  side: {
    context: ExplainContext;
    found: FoundObject;
    object: SourceObject | undefined;
    desired: Record<string, unknown> | undefined;
    objectType: 'user' | 'group';
  },
  cloudId: string,
): Promise<CloudSide> {
  const { context, found, object, desired, objectType } = side;
  const { store, cloud } = context;
  const link = found.link;
  const read = await cloud.reads.object(objectType, cloudId, [...attributeNames(desired, link?.exported), 'mail']);
  const attributes = attributeRows(desired, link?.exported, read);
  // The manager, named by DN where DirSync knows it: as AD says, as last exported, as the cloud has it now.
  let managerLedger: string | null = null;
  if (objectType === 'user' && read !== undefined) {
    const wanted = object?.references.manager ?? null;
    const exported = (link?.exported[MANAGER_KEY] as string | null | undefined) ?? null;
    const inCloud = await cloud.reads.managerOf(cloudId);
    const links = await store.getLinks([wanted, exported].filter((anchor): anchor is string => anchor !== null));
    const owner = inCloud === null ? undefined : (await store.getLinksByCloudIds([inCloud])).get(inCloud);
    const named = (anchor: string | null) => (anchor === null ? null : (links.get(anchor)?.dn ?? anchor));
    managerLedger = inCloud === null ? null : (owner?.anchor ?? cloudOnlyMember(inCloud));
    const row = {
      target: 'manager',
      desired: object === undefined ? null : named(wanted),
      exported: named(exported),
      cloud: inCloud === null ? null : (owner?.dn ?? inCloud),
    };
    if ([row.desired, row.exported, row.cloud].some((value) => value !== null)) attributes.push(row);
  }
  const drift =
    link?.cloudId && read !== undefined
      ? driftOf(attributes, link).map((entry) => (entry.attribute === 'manager' ? { ...entry, ledgerValue: managerLedger } : entry))
      : [];
  return { object: read, attributes, drift };
}

/** In scope or not, and the rule that decided; null when AD does not let it be judged (gone, hidden). */
function scopeOf(examination: ObjectExamination): Pick<ObjectExplanation, 'inScope' | 'scopeReason'> {
  switch (examination.state) {
    case 'visible':
      return { inScope: true, scopeReason: examination.reason };
    case 'out-of-scope':
      return { inScope: false, scopeReason: examination.reason };
    case 'hidden':
      // Read by its GUID and judged in scope, but no listing returns it: synchronized as it was, never deleted.
      return examination.object
        ? { inScope: true, scopeReason: `in scope, but a full import does not return it: ${examination.reason}` }
        : { inScope: null, scopeReason: `it cannot be judged: ${examination.reason}` };
    default:
      return { inScope: null, scopeReason: `it cannot be judged: ${examination.reason}` };
  }
}

/**
 * The forecast speaks of what the next cycle would do ("Export failed…", "Not deleted…"): that is verbose detail here,
 * where nothing happens, and the explanation lists it; its progress ("1 objects") would only confuse.
 */
function forecastReporter(output: Reporter): Reporter {
  const said = (message: string) => output.verbose(`next cycle: ${message}`);
  return { progress() {}, verbose: said, warning: said };
}
