// One object explained (dirsync explain): what it is, stage by stage — Active Directory as the service account reads
// it, scope, match, attributes (AD's desired value, what DirSync last exported, what the cloud holds now), what the
// next cycle sends, withheld deletes, errors, the retry queue, and what each run did to it. The explanation is the
// --json contract of `explain`; the page renders it in the run report's style.
import type { ObjectChange } from '../engine/state-store.ts';
import { card, html, page, shownValue, table, type Html } from './html.ts';

/** How an AD object is (or is not) joined to a cloud object. */
export interface MatchExplanation {
  /**
   * linked: DirSync keeps it joined; hard-match / soft-match: the next cycle joins it to an existing cloud object;
   * none: the next cycle creates it; refused: a match DirSync will not make; not-applicable: it is not exported.
   */
  state: 'linked' | 'hard-match' | 'soft-match' | 'none' | 'refused' | 'not-applicable';
  cloudId: string | null;
  /** The attribute that matched (onPremisesImmutableId, the anchor extension, primary SMTP address, userPrincipalName). */
  by: string | null;
  /** The oldest run in the history that created or joined it. */
  sinceRunId: number | null;
  reason: string;
}

export interface ExplainedAttribute {
  target: string;
  /** What AD says the cloud should hold (null when DirSync wants nothing: out of scope, gone). */
  desired: unknown;
  /** What DirSync last exported (null when never). */
  exported: unknown;
  /** What the cloud holds now (null when not read: no cloud object). */
  cloud: unknown;
}

export interface GraphRequestLine {
  action: string;
  method: string;
  url: string;
  body: unknown;
  note: string | null;
}

export interface HistoryEntry {
  runId: number;
  mode: string;
  endedAt: Date | null;
  /** What the run recorded for it (run_changes), or that it deleted it, or failed it. */
  action: ObjectChange['action'] | 'deleted' | 'error';
  changes: { name: string; old: unknown; new: unknown }[];
  /** Why (a withheld delete), or the error's code and message. */
  detail: string | null;
}

export interface ObjectExplanation {
  /** What was asked for, e.g. "the UPN anna@corp.example.com". */
  identity: string;
  dn: string;
  anchor: string;
  objectType: string | null;
  directory: { readAs: string; state: 'visible' | 'gone' | 'hidden' | 'out-of-scope' | 'unconfirmed'; reason: string };
  /** null when it cannot be judged (gone, or hidden from the account). */
  inScope: boolean | null;
  scopeReason: string;
  match: MatchExplanation;
  cloudId: string | null;
  attributes: ExplainedAttribute[];
  /**
   * Attributes whose cloud value is not what DirSync exported: changed in the cloud (the portal, another tool). As a
   * run lists drift: adValue is what DirSync last exported, which the next cycle sends back under the revert policy.
   */
  drift: { dn: string; anchor: string; attribute: string; cloudValue: unknown; adValue: unknown }[];
  /** The Graph requests the next cycle would send for it; empty: nothing. */
  nextCycle: GraphRequestLine[];
  withheld: { dn: string; objectType: string; reason: string }[];
  /** Its errors: those of the last run that dealt with it, and those the next cycle would meet (runId null). */
  errors: { runId: number | null; code: string; message: string }[];
  retry: { queued: boolean; position: number | null; queueLength: number };
  /** Newest first. */
  history: HistoryEntry[];
}

export function objectPage(explanation: ObjectExplanation): string {
  const e = explanation;
  const driftTargets = new Set(e.drift.map((entry) => entry.attribute));
  const scopeTone = e.inScope === true ? 'good' : e.inScope === false ? 'warn' : 'bad';
  return page(
    `DirSync: ${e.dn || e.anchor}`,
    html`<h1>${e.dn || e.anchor}</h1>
      <p class="subtitle">${e.objectType ?? 'object'} · anchor <code>${e.anchor}</code>${e.cloudId ? html` · cloud id <code>${e.cloudId}</code>` : ''} · looked up by ${e.identity}</p>
      <div class="cards">${card('in scope', e.inScope === null ? 'unknown' : e.inScope ? 'yes' : 'no', scopeTone)}${card('match', e.match.state)}${card('drift', e.drift.length, e.drift.length > 0 ? 'warn' : 'good')}${card('next cycle', e.nextCycle.length === 0 ? 'nothing' : `${e.nextCycle.length} request(s)`)}${card('errors', e.errors.length, e.errors.length > 0 ? 'bad' : 'good')}</div>
      <h2>Active Directory</h2>
      <p id="directory"><span class="${e.directory.state === 'visible' ? 'status-good' : 'status-warn'}">${e.directory.state}</span> as ${e.directory.readAs} reads it: ${e.directory.reason}</p>
      <h2>Scope</h2>
      <p id="scope">${e.inScope === null ? 'Cannot be judged' : e.inScope ? 'In scope' : 'Out of scope'}: ${e.scopeReason}</p>
      <h2>Match</h2>
      <p id="match"><strong>${e.match.state}</strong>${e.match.by ? ` by ${e.match.by}` : ''}${e.match.sinceRunId ? ` since run ${e.match.sinceRunId}` : ''}: ${e.match.reason}</p>
      <h2>Attributes</h2>
      ${table(
        'attributes',
        ['Attribute', 'Desired (AD)', 'Last exported', 'Cloud now'],
        e.attributes.map(
          (row) =>
            html`<tr data-target="${row.target}"${driftTargets.has(row.target) ? html` class="drift"` : ''}><td>${row.target}</td><td class="value">${shownValue(row.desired)}</td><td class="value">${shownValue(row.exported)}</td><td class="value">${driftTargets.has(row.target) ? html`<del>${shownValue(row.cloud)}</del>` : shownValue(row.cloud)}</td></tr>`,
        ),
        'No attribute to show: DirSync exports nothing for this object.',
      )}
      <h2>Next cycle</h2>
      ${table(
        'next-cycle',
        ['Action', 'Request', 'Body'],
        e.nextCycle.map(
          (request) =>
            html`<tr><td>${request.action}</td><td class="value">${request.method} ${request.url}</td><td class="change">${request.body === undefined || request.body === null ? '' : JSON.stringify(request.body)}${request.note ? html`<br><em>${request.note}</em>` : ''}</td></tr>`,
        ),
        'Nothing: the next cycle sends no request for this object.',
      )}
      <h2>Withheld deletes</h2>
      ${table(
        'withheld',
        ['Object', 'Kind', 'Why'],
        e.withheld.map((row) => html`<tr><td class="dn">${row.dn}</td><td>${row.objectType}</td><td>${row.reason}</td></tr>`),
        'None.',
      )}
      <h2>Errors and retries</h2>
      ${table(
        'errors',
        ['Run', 'Code', 'Message'],
        e.errors.map((error) => html`<tr><td>${error.runId ?? 'next cycle'}</td><td>${error.code}</td><td>${error.message}</td></tr>`),
        'No error.',
      )}
      <p id="retry">${e.retry.queued ? `On the retry queue (${e.retry.position} of ${e.retry.queueLength}): every cycle reads it again.` : 'Not on the retry queue.'}</p>
      <h2>History</h2>
      ${table('history', ['Run', 'Mode', 'Ended', 'What', 'Changes'], e.history.map(historyRow), 'No run in the history did anything to this object.')}`,
  );
}

function historyRow(entry: HistoryEntry): Html {
  const changes = entry.changes.map(
    (change) =>
      html`${change.name}: ${entry.action === 'updated' ? html`<del>${shownValue(change.old)}</del> → ` : ''}<ins>${shownValue(change.new)}</ins><br>`,
  );
  return html`<tr data-action="${entry.action}"><td>${entry.runId}</td><td>${entry.mode}</td><td>${entry.endedAt ? entry.endedAt.toISOString() : ''}</td><td>${entry.action}</td><td class="change">${changes}${entry.detail ?? ''}</td></tr>`;
}
