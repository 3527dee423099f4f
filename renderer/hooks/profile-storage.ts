// What a profile leaves in this window's storage — its lists' filters and searches (sessionStorage,
// list-state.ts) and its "last used" form values (localStorage, last-used.ts) — and how it goes.
// Plain functions without the IPC api, so they run wherever a window's storage does.
import { forgetLastUsed, removeKeysStartingWith } from '../last-used.js';
import { listStateKey } from '../list-state.js';

function sessionStorageOrNull(): Storage | null {
  try {
    return window.sessionStorage;
  } catch {
    return null;
  }
}

/** Removes every list state `profileId` left in this window (sign-out, clear: filter and search are record text). */
export function forgetListStates(profileId: string): void {
  const store = sessionStorageOrNull();
  // listStateKey(profileId, '') is the prefix every model's key of that profile starts with.
  if (store !== null) removeKeysStartingWith(store, listStateKey(profileId, ''));
}

/** Removes every list state and "last used" value `profileId` left in this window. */
export function forgetProfileState(profileId: string): void {
  forgetListStates(profileId);
  forgetLastUsed(profileId);
}
