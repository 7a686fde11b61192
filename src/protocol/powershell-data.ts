// A PowerShell data file (.psd1) from a plain value: what the module loads with the engine's own parser
// (Parser.ParseFile + SafeGetValue), in Windows PowerShell 5.1 as in PowerShell 7, with no JSON cmdlet needed.
//
// string → single-quoted string; integer → integer; boolean → $true/$false; null → $null; array → @(…);
// plain object → @{ … } (keys in the object's order). Anything else is refused.

export type PowerShellData = string | number | boolean | null | readonly PowerShellData[] | { readonly [key: string]: PowerShellData };

/** The whole file: a header comment, then the value. UTF-8 with a BOM, which Windows PowerShell 5.1 needs to read non-ASCII text. */
export function toPowerShellDataFile(value: PowerShellData, header: string): string {
  const comment = header
    .split('\n')
    .map((line) => `# ${line}`.trimEnd())
    .join('\n');
  return `\uFEFF${comment}\n${write(value, '')}\n`;
}

function write(value: PowerShellData, indent: string): string {
  if (value === null) return '$null';
  if (typeof value === 'boolean') return value ? '$true' : '$false';
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new TypeError(`A PowerShell data file holds whole numbers here, not ${value}.`);
    return String(value);
  }
  if (typeof value === 'string') return quote(value);
  const inner = `${indent}    `;
  if (Array.isArray(value)) {
    if (value.length === 0) return '@()';
    return `@(\n${value.map((item) => `${inner}${write(item, inner)}`).join('\n')}\n${indent})`;
  }
  const entries = Object.entries(value as { readonly [key: string]: PowerShellData });
  if (entries.length === 0) return '@{}';
  return `@{\n${entries.map(([key, item]) => `${inner}${key === bareKey(key) ? key : quote(key)} = ${write(item, inner)}`).join('\n')}\n${indent}}`;
}

/** Single quotes: nothing is expanded. PowerShell also closes a string at the typographic single quotes, so they are doubled too. */
function quote(text: string): string {
  return `'${text.replace(/['\u2018\u2019\u201a\u201b]/g, (quoteCharacter) => quoteCharacter + quoteCharacter)}'`;
}

function bareKey(key: string): string | undefined {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? key : undefined;
}
