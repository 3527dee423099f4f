// "The last site used": the value a field last had in a record saved on this device, kept in the
// page's localStorage (per model and field) for the `lastUsed` default of the form hints.

const PREFIX = 'outpost.lastUsed.';

/** The value `model`'s `field` last had in a record saved here, or undefined. */
export function readLastUsed(model: string, field: string): unknown {
  try {
    const text = window.localStorage.getItem(`${PREFIX}${model}.${field}`);
    return text === null ? undefined : (JSON.parse(text) as unknown);
  } catch {
    return undefined;
  }
}

/** Remembers each `[field, value]` of a record of `model` just saved. */
export function rememberLastUsed(model: string, entries: ReadonlyArray<[string, unknown]>): void {
  for (const [field, value] of entries) {
    try {
      window.localStorage.setItem(`${PREFIX}${model}.${field}`, JSON.stringify(value));
    } catch {
      // A full or disabled storage only costs the default, never the save.
    }
  }
}
