// A run as a page people can read and review: the summary, every object added, updated or deleted with the
// attributes that changed (old → new), the per-object errors grouped by code with what to do, the users on a
// placeholder UPN (another cloud object holds theirs) and the deletes the run withheld. Secrets never reach it: the store does not keep them (see SECRET_ATTRIBUTES).
// Each object listed carries the command line that explains it (dirsync explain), to copy.
import type { DeletedObject, ObjectChange, ObjectError, RunRecord } from '../engine/state-store.ts';
import type { PartResult } from '../engine/sync-cycle.ts';
import { card, html, page, shownValue, table, type Html } from './html.ts';

/** The last readiness check, as the installation keeps it. */
export interface ReadinessOverview {
  checkedAt: string;
  scanned: number;
  errors: Record<string, number>;
  warnings: Record<string, number>;
  cloudNotChecked: string | null;
}

export interface RunReport {
  run: RunRecord;
  changes: readonly ObjectChange[];
  deleted: readonly DeletedObject[];
  errors: readonly ObjectError[];
  /** What to do about an error code, when DirSync knows. */
  actionFor(code: string): string;
  /** The command line that explains one object, by its anchor. */
  explainCommand(anchor: string): string;
  readiness?: ReadinessOverview;
  /** An installation with several forests: how the run went in each. */
  forests?: readonly PartResult[];
}

export function runPage(report: RunReport): string {
  const { run } = report;
  const duration = run.endedAt ? `${((run.endedAt.getTime() - run.startedAt.getTime()) / 1000).toFixed(1)} s` : 'still running';
  const tone =
    run.status === 'success'
      ? 'status-good'
      : run.status === 'completed-export-errors' || run.status.startsWith('stopped')
        ? 'status-warn'
        : 'status-bad';
  const changed = report.changes.filter((change) => change.action === 'added' || change.action === 'updated' || change.action === 'restored');
  const cloudChanges = report.changes.filter((change) => change.action === 'reverted' || change.action === 'drift');
  const withheld = report.changes.filter((change) => change.action === 'withheld-delete');
  const placeholders = report.changes.filter((change) => change.action === 'upn-placeholder');
  return page(
    `DirSync run ${run.id}`,
    html`<h1>DirSync run ${run.id}</h1>
      <p class="subtitle">${run.mode} · <span class="${tone}" id="status">${run.status}</span> · started ${run.startedAt.toISOString()} · ${duration}${run.message ? ` · ${run.message}` : ''}</p>
      ${run.mode.startsWith('standby-') ? html`<p class="card warn" id="standby">A standby installation's run (staging mode): nothing was sent to Entra ID. The counts and changes are what it would have done.</p>` : ''}
      <div class="cards">${card('added', run.counts.added)}${card('updated', run.counts.updated)}${card('deleted', run.counts.deleted)}${card('unchanged', run.counts.unchanged)}${card('errors', run.counts.errors, run.counts.errors > 0 ? 'bad' : 'good')}${card('not exportable', run.counts.notExportable)}${card('reverted', run.counts.reverted, run.counts.reverted > 0 ? 'warn' : '')}${card('restored', run.counts.restored)}${card('withheld deletes', withheld.length, withheld.length > 0 ? 'warn' : '')}</div>
      ${report.forests ? html`<h2>Forests</h2>${forestSection(report.forests)}` : ''}
      <h2>Errors</h2>${errorSection(report)}
      <h2>Added and updated</h2>
      ${table(
        'changes',
        ['Change', 'Object', 'Attribute', 'Old → new'],
        changed.flatMap((change) => changeRows(change, report)),
        'This run added and updated nothing.',
      )}
      <h2>Changed in the cloud</h2>
      ${table(
        'cloud-drift',
        ['What', 'Object', 'Attribute', 'Cloud → AD'],
        cloudChanges.flatMap((change) => changeRows(change, report)),
        'Nobody changed what DirSync keeps in the cloud (or the cycle did not look: see its mode).',
      )}
      <h2>Deleted</h2>
      ${table(
        'deleted',
        ['Object', 'Kind', 'Last exported'],
        report.deleted.map(
          (object) =>
            html`<tr><td class="dn">${objectCell(report, object)}</td><td>${object.kind}</td><td class="change">${summarise(object.exported)}</td></tr>`,
        ),
        'This run deleted nothing.',
      )}
      <h2>Users on a placeholder UPN</h2>
      ${table(
        'upn-placeholders',
        ['Object', 'UPN wanted', 'In the cloud as'],
        placeholders.map(
          (change) =>
            html`<tr><td class="dn">${objectCell(report, change)}</td><td class="value">${shownValue(change.attributes[0]?.old)}</td><td class="value">${shownValue(change.attributes[0]?.new)}</td></tr>`,
        ),
        'No user waits for its UPN.',
      )}
      <h2>Withheld deletes</h2>
      ${table(
        'withheld',
        ['Object', 'Kind', 'Why'],
        withheld.map(
          (change) => html`<tr><td class="dn">${objectCell(report, change)}</td><td>${change.kind}</td><td>${change.reason ?? ''}</td></tr>`,
        ),
        'This run withheld no delete.',
      )}
      <h2>Readiness</h2>${readinessSection(report.readiness)}`,
  );
}

/** The forests side by side: read or not (and why), and each one's counts. */
function forestSection(forests: readonly PartResult[]): Html {
  return table(
    'forests',
    ['Forest', 'Status', 'Added', 'Updated', 'Deleted', 'Unchanged', 'Errors', 'Not exportable', 'Notes'],
    forests.map(
      (forest) =>
        html`<tr><td>${forest.name}</td><td class="${forest.status === 'read' ? 'status-good' : 'status-bad'}">${forest.status}</td><td>${forest.counts.added}</td><td>${forest.counts.updated}</td><td>${forest.counts.deleted}</td><td>${forest.counts.unchanged}</td><td>${forest.counts.errors}</td><td>${forest.counts.notExportable}</td><td>${[...(forest.error ? [`${forest.error.code}: ${forest.error.message}`] : []), ...forest.notices].join(' · ')}</td></tr>`,
    ),
    '',
  );
}

function readinessSection(readiness: ReadinessOverview | undefined): Html {
  if (!readiness) return html`<p class="empty" id="readiness">No readiness check has been run (dirsync readiness, Test-CoexistenceReadiness).</p>`;
  const rows = [
    ...Object.entries(readiness.errors).map(([code, count]) => ['error', code, count] as const),
    ...Object.entries(readiness.warnings).map(([code, count]) => ['warning', code, count] as const),
  ];
  return html`<div id="readiness"><p>Last check ${readiness.checkedAt}: ${readiness.scanned} objects scanned${readiness.cloudNotChecked ? ` (the tenant was not consulted: ${readiness.cloudNotChecked})` : ''}.</p>
    ${table(
      'readiness-codes',
      ['Severity', 'Code', 'Objects'],
      rows.map(([severity, code, count]) => html`<tr><td class="severity-${severity}">${severity}</td><td>${code}</td><td>${count}</td></tr>`),
      'Nothing to correct.',
    )}</div>`;
}

function errorSection(report: RunReport): Html {
  if (report.errors.length === 0) return html`<p class="empty" id="errors">No object failed.</p>`;
  const byCode = new Map<string, ObjectError[]>();
  for (const error of report.errors) byCode.set(error.code, [...(byCode.get(error.code) ?? []), error]);
  return html`<div id="errors">${[...byCode].map(
    ([code, errors]) =>
      html`<h3 data-code="${code}">${code} (${errors.length})</h3><p>${report.actionFor(code)}</p>${table(
        `errors-${code}`,
        ['Object', 'Message'],
        errors.map((error) => html`<tr><td class="dn">${objectCell(report, error)}</td><td>${error.message}</td></tr>`),
        '',
      )}`,
  )}</div>`;
}

/** An object's DN, with the command line that explains it. */
function objectCell(report: RunReport, object: { dn: string; anchor: string }): Html {
  return html`${object.dn || object.anchor}<code class="explain">${report.explainCommand(object.anchor)}</code>`;
}

/** One row per changed attribute; the object's DN spans them. */
function changeRows(change: ObjectChange, report: RunReport): Html[] {
  const attributes = change.attributes.length > 0 ? change.attributes : [{ name: '(references)', old: null, new: null }];
  return attributes.map(
    (attribute, index) =>
      html`<tr data-action="${change.action}">${index === 0 ? html`<td rowspan="${attributes.length}">${change.action} ${change.kind}</td><td class="dn" rowspan="${attributes.length}">${objectCell(report, change)}</td>` : ''}<td>${attribute.name}</td><td class="change">${change.action === 'added' ? '' : html`<del>${shownValue(attribute.old)}</del> → `}<ins>${shownValue(attribute.new)}</ins></td></tr>`,
  );
}

function summarise(exported: Record<string, unknown>): string {
  const name = exported.userPrincipalName ?? exported.displayName;
  return name === undefined ? '' : String(name);
}
