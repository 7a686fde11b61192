// RFC 4180 CSV: every field quoted, quotes doubled; a leading = + - @ is prefixed with ' so that a spreadsheet
// never runs a value from the directory as a formula.
export function toCsv(headers: readonly string[], rows: readonly (readonly unknown[])[]): string {
  return `${[headers, ...rows].map((row) => row.map(csvField).join(',')).join('\r\n')}\r\n`;
}

function csvField(value: unknown): string {
  const text = String(value ?? '');
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return `"${safe.replaceAll('"', '""')}"`;
}
