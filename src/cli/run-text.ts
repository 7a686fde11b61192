// A synchronization run as people read it at a terminal (sync, status): the outcome on one line, the counts, the
// schedule, then what needs a reader's attention — errors, withheld deletes, placeholder UPNs — and a preview's plan,
// one operation per line with each value it sets (old → new) and, for a delete, why. Scripts use --json instead.

/** A run result's properties (src/use-cases/run-result.ts). */
type Properties = Record<string, unknown>;

/** Values the plan leaves out of a create: nothing to set. */
function isEmpty(value: unknown): boolean {
  if (value === null || value === undefined || value === '') return true;
  if (value instanceof Date) return false;
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value === 'object') return Object.values(value).every(isEmpty);
  return false;
}

export function formatValue(value: unknown): string {
  if (isEmpty(value)) return '(none)';
  if (Array.isArray(value)) return value.map(formatValue).join(', ');
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object')
    return Object.entries(value as Properties)
      .filter(([, inner]) => !isEmpty(inner))
      .map(([key, inner]) => `${key}=${formatValue(inner)}`)
      .join(', ');
  return String(value);
}

function list(title: string, items: unknown, line: (item: Properties) => string[]): string[] {
  if (!Array.isArray(items) || items.length === 0) return [];
  return [`  ${title} (${items.length}):`, ...items.flatMap((item) => line(item as Properties).map((text) => `    ${text}`))];
}

/** One planned operation: what, on which object, then one line per value it sets, or why it deletes. */
function operationLines(operation: Properties): string[] {
  const heading = `${operation.action} ${operation.objectType} ${operation.dn || operation.anchor}`;
  if (operation.action === 'delete') return [`${heading}: ${operation.reason ?? 'no reason recorded'}`];
  if (operation.action === 'add-members') return [`${heading}: ${operation.memberCount ?? 'some'} member(s)`];
  const values = Array.isArray(operation.values) ? (operation.values as { attribute: string; old: unknown; new: unknown }[]) : [];
  const shown = operation.action === 'create' ? values.filter((value) => !isEmpty(value.new)) : values;
  const width = Math.max(0, ...shown.map((value) => value.attribute.length));
  return [
    heading,
    ...shown.map(
      (value) =>
        `    ${value.attribute.padEnd(width)}  ${operation.action === 'create' ? formatValue(value.new) : `${formatValue(value.old)} → ${formatValue(value.new)}`}`,
    ),
  ];
}

export function runText(run: Properties): string {
  const counts = (run.counts ?? {}) as Record<string, number>;
  const started = run.startedAt instanceof Date ? run.startedAt : undefined;
  const ended = run.endedAt instanceof Date ? run.endedAt : undefined;
  const duration = started && ended ? ` (${((ended.getTime() - started.getTime()) / 1000).toFixed(1)} s)` : '';
  const schedule = run.schedule as Properties | undefined;
  return [
    `Run ${run.runId} · ${run.mode} · ${run.status} · ${started?.toISOString() ?? ''}${ended ? ` → ${ended.toISOString()}` : ''}${duration}`,
    `  added ${counts.added} · updated ${counts.updated} · deleted ${counts.deleted} · unchanged ${counts.unchanged} · errors ${counts.errors} · not exportable ${counts.notExportable}`,
    ...(run.message ? [`  message: ${run.message}`] : []),
    ...(schedule
      ? [
          `  schedule: a cycle every ${schedule.intervalMinutes} min; service ${schedule.service}${
            schedule.nextCycleAt ? `; next cycle ${formatValue(schedule.nextCycleAt)}` : ''
          }`,
        ]
      : []),
    ...list('errors', run.errors, (error) => [`${error.dn || error.anchor}: [${error.code}] ${error.message}`]),
    ...list('withheld deletes', run.withheld, (withheld) => [`${withheld.dn || withheld.anchor} (${withheld.objectType}): ${withheld.reason}`]),
    ...list('users on a placeholder UPN', run.upnClashes, (clash) => [
      `${clash.dn}: wants ${clash.userPrincipalName}, in the cloud as ${clash.placeholder}`,
    ]),
    ...(Array.isArray(run.plan) ? (run.plan.length === 0 ? ['  plan: nothing to do'] : list('plan', run.plan, operationLines)) : []),
  ].join('\n');
}
