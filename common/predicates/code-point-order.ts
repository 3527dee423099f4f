// String order by Unicode code point, which equals UTF-8 byte order: what DynamoDB, SQLite's BINARY
// collation and PostgreSQL's "C" collation use. JavaScript's `<` compares UTF-16 code units and
// would sort an emoji (a surrogate pair, 0xD800–0xDFFF) below U+E000–U+FFFF.

// Shift surrogates above the rest of the BMP so a code-unit walk yields code-point order.
function rank(unit: number): number {
  if (unit >= 0xd800 && unit <= 0xdfff) return unit + 0x2000;
  if (unit >= 0xe000) return unit - 0x800;
  return unit;
}

/** Compare two strings by code point: negative if a < b, 0 if equal, positive if a > b. */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return rank(x) - rank(y);
  }
  return a.length - b.length;
}
