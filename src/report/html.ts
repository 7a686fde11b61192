// One self-contained HTML page: inline CSS, no script, no external asset, every value escaped. The readiness page
// and the run report share it, so both read the same in a browser and both can be mailed as one file.

/** Escapes text for element content and quoted attribute values. */
export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

/** Builds HTML from a template: interpolated values are escaped unless they are already `Html`. */
export class Html {
  readonly markup: string;
  constructor(markup: string) {
    this.markup = markup;
  }
  toString(): string {
    return this.markup;
  }
}

export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  let markup = strings[0]!;
  values.forEach((value, index) => {
    markup += render(value) + strings[index + 1]!;
  });
  return new Html(markup);
}

function render(value: unknown): string {
  if (value instanceof Html) return value.markup;
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeHtml(value);
}

const STYLE = `
  :root { color-scheme: light; font-family: system-ui, "Segoe UI", sans-serif; color: #1b1b1b; }
  body { margin: 2rem auto; max-width: 72rem; padding: 0 1rem; line-height: 1.4; }
  h1 { font-size: 1.6rem; margin-bottom: .25rem; }
  h2 { font-size: 1.2rem; margin-top: 2rem; border-bottom: 1px solid #ccc; padding-bottom: .2rem; }
  .subtitle { color: #555; margin-top: 0; }
  .cards { display: flex; flex-wrap: wrap; gap: .75rem; margin: 1rem 0; }
  .card { border: 1px solid #ddd; border-radius: .4rem; padding: .5rem .9rem; min-width: 7rem; background: #fafafa; }
  .card .number { font-size: 1.5rem; font-weight: 600; display: block; }
  .card.bad { border-color: #c62828; background: #fdecea; }
  .card.warn { border-color: #ef6c00; background: #fff4e5; }
  .card.good { border-color: #2e7d32; background: #edf7ed; }
  table { border-collapse: collapse; width: 100%; font-size: .9rem; margin: .5rem 0 1rem; }
  th, td { text-align: left; vertical-align: top; border-bottom: 1px solid #e5e5e5; padding: .3rem .5rem; }
  th { background: #f2f2f2; }
  td.dn, td.value, td.change { font-family: ui-monospace, Consolas, monospace; overflow-wrap: anywhere; }
  td.dn { min-width: 16rem; }
  .severity-error, .status-bad { color: #b71c1c; font-weight: 600; }
  .severity-warning, .status-warn { color: #b35900; font-weight: 600; }
  .status-good { color: #1b5e20; font-weight: 600; }
  del { color: #b71c1c; } ins { color: #1b5e20; text-decoration: none; }
  .empty { color: #666; font-style: italic; }
  tr.drift td { background: #fff4e5; }
  code.explain { display: block; color: #555; font-size: .8rem; user-select: all; }
`;

export function page(title: string, body: Html): string {
  return `<!DOCTYPE html>\n${html`<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${title}</title><style>${new Html(STYLE)}</style></head><body>${body}</body></html>`.markup}\n`;
}

export function card(label: string, value: number | string, tone: 'bad' | 'warn' | 'good' | '' = ''): Html {
  return html`<div class="card ${tone}" data-card="${label}"><span class="number">${value}</span>${label}</div>`;
}

/** A value as a page shows it: text as it is, anything else as JSON, nothing as "(none)". */
export function shownValue(value: unknown): string {
  if (value === null || value === undefined) return '(none)';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** A table, or a line saying there is nothing to show. */
export function table(id: string, headers: readonly string[], rows: readonly Html[], empty: string): Html {
  if (rows.length === 0) return html`<p class="empty" id="${id}">${empty}</p>`;
  return html`<table id="${id}"><thead><tr>${headers.map((header) => html`<th>${header}</th>`)}</tr></thead><tbody>${rows}</tbody></table>`;
}
