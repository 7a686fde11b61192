// Explain's "match" stage: whether the object is joined to a cloud object and since when, or how the next cycle
// would join it — as the cycle itself decided in the forecast (join.ts: hard match, soft match, refused) — and, when
// it would create it, why no cloud user was taken over: what soft matching looked for, and each cloud user that holds
// it but may not be taken (anchored to another object, an administrator, one of several).
import type { CloudDirectory } from '../connectors/entra/cloud-directory.ts';
import type { CloudObjectReads, CloudUserHolding } from '../connectors/entra/cloud-object-reads.ts';
import { MATCH_CONFLICT, softMatchCandidate } from '../engine/cycle/join.ts';
import type { MappingResult, TenantContext } from '../engine/mapping.ts';
import type { SourceObject } from '../engine/model.ts';
import type { SoftMatchCandidate } from '../engine/ports.ts';
import type { ObjectLink } from '../engine/state-store.ts';
import type { CycleResult } from '../engine/sync-cycle.ts';
import type { MatchExplanation } from '../report/object-page.ts';

export interface MatchFacts {
  anchor: string;
  link: ObjectLink | undefined;
  /** The object as AD has it, when in scope and readable. */
  object: SourceObject | undefined;
  mapped: MappingResult | undefined;
  /** Why it is not synchronized, when it is not. */
  notSynchronized: string | undefined;
  forecast: Pick<CycleResult, 'plan' | 'errors'>;
  softMatch: 'smtp-then-upn' | 'off';
  tenant: TenantContext;
  /** The cloud object it is (or would be) joined to, as read now; undefined when there is none or it is gone. */
  cloudObject: Record<string, unknown> | undefined;
  /** The oldest run in the history that created or joined it. */
  sinceRunId: number | null;
}

export interface MatchReads {
  target: Pick<CloudDirectory, 'administratorsAmong'>;
  reads: Pick<CloudObjectReads, 'usersHolding'>;
}

export async function explainMatch(facts: MatchFacts, cloud: MatchReads): Promise<MatchExplanation> {
  const { link, mapped } = facts;
  const none = { cloudId: null, by: null, sinceRunId: null };
  if (link?.cloudId) return linked(facts, link.cloudId);
  if (facts.notSynchronized !== undefined) return { state: 'not-applicable', ...none, reason: `not synchronized: ${facts.notSynchronized}` };
  if (facts.object === undefined || mapped === undefined) return { state: 'not-applicable', ...none, reason: 'Active Directory does not show it' };
  if (!mapped.exportable) return { state: 'not-applicable', ...none, reason: `not exported: ${mapped.reason}` };

  const refused = facts.forecast.errors.find((error) => error.anchor === facts.anchor && error.code === MATCH_CONFLICT);
  if (refused) return { state: 'refused', ...none, reason: refused.message };
  const join = facts.forecast.plan.find((planned) => planned.anchor === facts.anchor && (planned.action === 'create' || planned.action === 'update'));
  if (join?.operation.action === 'update') return joined(facts, mapped, join.operation.cloudId);
  if (join?.operation.action === 'create') return { state: 'none', ...none, reason: await whyCreated(facts, mapped, cloud) };
  return { state: 'none', ...none, reason: 'it is not in the cloud, and the next cycle sends nothing for it (see its errors)' };
}

function linked(facts: MatchFacts, cloudId: string): MatchExplanation {
  const kind = facts.link!.kind === 'group' ? 'group' : 'user';
  const since =
    facts.sinceRunId === null ? 'since before the oldest run in the history' : `since run ${facts.sinceRunId}, which created or joined it`;
  const gone = facts.cloudObject === undefined ? '; the cloud object no longer answers (deleted in the cloud?)' : '';
  return {
    state: 'linked',
    cloudId,
    by: null,
    sinceRunId: facts.sinceRunId,
    reason: `joined to the cloud ${kind} ${cloudId} ${since}, and kept joined by its anchor${gone}`,
  };
}

function joined(facts: MatchFacts, mapped: MappingResult & { exportable: true }, cloudId: string): MatchExplanation {
  const anchorProperty = mapped.objectType === 'user' ? 'onPremisesImmutableId' : facts.tenant.sourceAnchorProperty;
  const name = String(facts.cloudObject?.userPrincipalName ?? facts.cloudObject?.displayName ?? cloudId);
  const base = { cloudId, sinceRunId: null };
  if (facts.cloudObject?.[anchorProperty] === facts.anchor)
    return {
      state: 'hard-match',
      ...base,
      by: anchorProperty,
      reason: `the cloud ${mapped.objectType} ${name} already carries its anchor: the next cycle joins it`,
    };
  const candidate = candidateOf(facts, mapped);
  const byMail =
    candidate.primarySmtpAddress !== undefined && String(facts.cloudObject?.mail ?? '').toLowerCase() === candidate.primarySmtpAddress.toLowerCase();
  const by = byMail ? 'primary SMTP address' : 'userPrincipalName';
  const value = byMail ? candidate.primarySmtpAddress : candidate.userPrincipalName;
  return {
    state: 'soft-match',
    ...base,
    by,
    reason: `the cloud user ${name} carries no anchor and has the same ${by} (${value}): the next cycle takes it over and sets its anchor`,
  };
}

async function whyCreated(facts: MatchFacts, mapped: MappingResult & { exportable: true }, cloud: MatchReads): Promise<string> {
  const creates = 'the next cycle creates it';
  if (mapped.objectType === 'group') return `no cloud group carries its anchor (groups are matched by their anchor only): ${creates}`;
  if (facts.softMatch === 'off') return `no cloud user carries its anchor, and soft match is off (configure --soft-match): ${creates}`;
  const candidate = candidateOf(facts, mapped);
  const reasons: string[] = [];
  const upnInDirectory = facts.object?.attributes.userprincipalname?.[0];
  if (upnInDirectory !== undefined && candidate.userPrincipalName === undefined)
    reasons.push(
      `its UPN ${upnInDirectory} is exported as ${String(mapped.attributes.userPrincipalName)} (a suffix the tenant has not verified), and a rewritten UPN never matches`,
    );
  const holders = await cloud.reads.usersHolding({ mail: candidate.primarySmtpAddress, userPrincipalName: candidate.userPrincipalName });
  const { administrators } = await cloud.target.administratorsAmong(
    holders.filter((holder) => !holder.onPremisesImmutableId).map((holder) => holder.id),
  );
  for (const holder of holders) reasons.push(whyNotTaken(holder, holders, candidate, administrators));
  if (holders.length === 0) reasons.push(`no cloud user has ${lookedFor(candidate)}`);
  return `no cloud user carries its anchor, and none is taken over: ${reasons.join('; ')}. So ${creates}`;
}

function whyNotTaken(
  holder: CloudUserHolding,
  holders: readonly CloudUserHolding[],
  candidate: SoftMatchCandidate,
  administrators: Set<string>,
): string {
  const mail = candidate.primarySmtpAddress?.toLowerCase();
  const byMail = mail !== undefined && holder.mail?.toLowerCase() === mail;
  const what = byMail ? `the primary SMTP address ${holder.mail}` : `the UPN ${holder.userPrincipalName}`;
  const user = `the cloud user ${holder.userPrincipalName} (${holder.id}) has ${what}`;
  if (holder.onPremisesImmutableId) return `${user} but carries the anchor ${holder.onPremisesImmutableId} of another object`;
  if (administrators.has(holder.id)) return `${user} but holds an administrator role, and soft matching never takes an administrator`;
  const sharing = holders.filter((other) => byMail && other.mail?.toLowerCase() === mail).length;
  if (sharing > 1) return `${user}, as do ${sharing - 1} other cloud user(s): soft matching takes none of them`;
  return `${user}, but soft matching did not take it (the tenant may have changed since the forecast)`;
}

function candidateOf(facts: MatchFacts, mapped: MappingResult & { exportable: true }): SoftMatchCandidate {
  return softMatchCandidate({ object: facts.object!, objectType: mapped.objectType, desired: mapped.attributes, createOnly: mapped.createOnly });
}

function lookedFor(candidate: SoftMatchCandidate): string {
  const wanted = [
    ...(candidate.primarySmtpAddress ? [`the primary SMTP address ${candidate.primarySmtpAddress}`] : []),
    ...(candidate.userPrincipalName ? [`the UPN ${candidate.userPrincipalName}`] : []),
  ];
  return wanted.length === 0 ? 'anything to match it by (no mail, no UPN it keeps)' : wanted.join(' or ');
}
