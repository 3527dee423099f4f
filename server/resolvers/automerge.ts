// AppSync's AUTOMERGE (PROTOCOL.md §3.3): merge a conflicting update into the stored item.
// Scalars: the server wins. Lists: incoming concatenated after the stored list (duplicates kept).
// Missing/null on the server: the incoming value is taken. Objects: the same rules per key, recursively.

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function mergeValue(stored: unknown, incoming: unknown): unknown {
  if (stored === null || stored === undefined) return incoming;
  if (Array.isArray(stored) && Array.isArray(incoming)) return [...stored, ...(incoming as unknown[])];
  if (isPlainObject(stored) && isPlainObject(incoming)) return mergeObjects(stored, incoming);
  return stored;
}

function mergeObjects(stored: Record<string, unknown>, incoming: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...stored };
  for (const [key, value] of Object.entries(incoming)) {
    if (value === undefined) continue;
    out[key] = mergeValue(stored[key], value);
  }
  return out;
}

/** The stored item with `changes` (the update's fields, no key or metadata) merged in by AppSync's rules. */
export function automerge(stored: Readonly<Record<string, unknown>>, changes: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return mergeObjects({ ...stored }, { ...changes });
}
