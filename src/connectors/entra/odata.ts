// OData query pieces for Graph reads: string literals and filtered collection URLs.

/** An OData string literal: single quotes doubled (O'Brien → 'O''Brien'). */
export function odataString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** A relative URL with a $filter; the expression is percent-encoded, since Graph decodes `+` in a Base64 anchor as a space. */
export function filteredUrl(collection: string, filter: string, select: readonly string[]): string {
  return `/${collection}?$filter=${encodeURIComponent(filter)}&$select=${select.join(',')}`;
}
