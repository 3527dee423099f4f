// Deep equality for stored field values (scalars, lists, embedded objects), used to decide which
// fields an update really changed (PROTOCOL.md §4.2) and whether the server echoed what was sent.

/** True when two field values are the same; `undefined` and `null` both mean "no value". */
export function valuesEqual(a: unknown, b: unknown): boolean {
  if (a === undefined) a = null;
  if (b === undefined) b = null;
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') {
    // NaN never reaches storage (Float must be finite), so plain === is enough for primitives.
    return false;
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item, i) => valuesEqual(item, b[i]));
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  const keys = new Set([...Object.keys(ao), ...Object.keys(bo)]);
  for (const key of keys) if (!valuesEqual(ao[key], bo[key])) return false;
  return true;
}
