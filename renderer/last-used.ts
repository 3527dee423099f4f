// "The last site used": the value a field last had in a record saved on this device, kept in the
// page's localStorage for the `lastUsed` default of the form hints — per profile, model and field:
// one window serves every profile signed in on it, and profile B must never start from A's site.

const PREFIX = 'outpost.lastUsed.v2:';

/** The storage key of `model`'s `field` for the profile `profileId`. */
export function lastUsedKey(profileId: string, model: string, field: string): string {
  return `${PREFIX}${profileId}:${model}.${field}`;
}

function storage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null; // storage refused: the default is only not offered
  }
}

/** The value `model`'s `field` last had in a record `profileId` saved here, or undefined (always for no profile). */
export function readLastUsed(profileId: string | null, model: string, field: string): unknown {
  if (profileId === null) return undefined;
  try {
    const text = storage()?.getItem(lastUsedKey(profileId, model, field)) ?? null;
    return text === null ? undefined : (JSON.parse(text) as unknown);
  } catch {
    return undefined;
  }
}

/** Remembers each `[field, value]` of a record of `model` `profileId` just saved (nothing for no profile). */
export function rememberLastUsed(profileId: string | null, model: string, entries: ReadonlyArray<[string, unknown]>): void {
  if (profileId === null) return;
  for (const [field, value] of entries) {
    try {
      storage()?.setItem(lastUsedKey(profileId, model, field), JSON.stringify(value));
    } catch {
      // A full or disabled storage only costs the default, never the save.
    }
  }
}

/** Removes every key of `store` starting with `prefix` (the key list is read first: removing shifts indexes). */
export function removeKeysStartingWith(store: Storage, prefix: string): number {
  const keys: string[] = [];
  for (let i = 0; i < store.length; i++) {
    const key = store.key(i);
    if (key !== null && key.startsWith(prefix)) keys.push(key);
  }
  for (const key of keys) store.removeItem(key);
  return keys.length;
}

/** Forgets what `profileId` used last (at sign-out and clear: the values are record text). */
export function forgetLastUsed(profileId: string): void {
  const store = storage();
  if (store === null) return;
  removeKeysStartingWith(store, `${PREFIX}${profileId}:`);
  // Keys of the per-window version (`outpost.lastUsed.<model>.<field>`), which no profile owns.
  const legacy: string[] = [];
  for (let i = 0; i < store.length; i++) {
    const key = store.key(i);
    if (key !== null && key.startsWith('outpost.lastUsed.') && !key.startsWith(PREFIX)) legacy.push(key);
  }
  for (const key of legacy) store.removeItem(key);
}
