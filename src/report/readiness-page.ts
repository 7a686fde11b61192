// The readiness check as a page: counts, then the findings grouped by code (errors first), each with its fix.
import type { Finding } from '../readiness/rules.ts';
import { card, html, page, table } from './html.ts';

export interface ReadinessSummary {
  scanned: number;
  findings: readonly Finding[];
  /** When the check ran. */
  checkedAt: Date;
  /** Why the cloud was not consulted, when it was not. */
  cloudNotChecked?: string;
}

export function readinessPage(summary: ReadinessSummary): string {
  const errors = summary.findings.filter((finding) => finding.severity === 'error').length;
  const warnings = summary.findings.length - errors;
  const sorted = [...summary.findings].sort((a, b) =>
    a.severity === b.severity ? a.code.localeCompare(b.code) || a.dn.localeCompare(b.dn) : a.severity === 'error' ? -1 : 1,
  );
  const rows = sorted.map(
    (finding) =>
      html`<tr data-code="${finding.code}"><td class="severity-${finding.severity}">${finding.severity}</td><td>${finding.code}</td><td class="dn">${finding.dn}</td><td>${finding.attribute}</td><td class="value">${finding.value}</td><td>${finding.fix}</td></tr>`,
  );
  return page(
    'DirSync readiness check',
    html`<h1>DirSync readiness check</h1>
      <p class="subtitle">${summary.checkedAt.toISOString()}${summary.cloudNotChecked ? ` — the tenant was not consulted: ${summary.cloudNotChecked}` : ''}</p>
      <div class="cards">${card('objects scanned', summary.scanned)}${card('errors', errors, errors > 0 ? 'bad' : 'good')}${card('warnings', warnings, warnings > 0 ? 'warn' : 'good')}</div>
      <h2>Findings</h2>
      ${table('findings', ['Severity', 'Code', 'Object', 'Attribute', 'Value', 'Fix'], rows, 'Nothing to correct: every object in scope can be exported as it is.')}`,
  );
}
