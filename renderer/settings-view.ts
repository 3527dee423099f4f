// What Settings says, as plain functions over data: how the profile signs in and where its
// credential is kept, and the sentences after clearing local data or a sync-first attempt.
import type { CurrentUser } from '../common/ipc/contract.js';

/** "Account — token in the OS keychain", "API key", "Offline profile". */
export function signInText(user: Pick<CurrentUser, 'mode' | 'credentialStorage'>): string {
  const mode = { password: 'Account', apiKey: 'API key', offline: 'Offline profile' }[user.mode];
  return user.credentialStorage ? `${mode} — ${user.mode === 'password' ? 'token' : 'key'} ${user.credentialStorage}` : mode;
}

/** After "sync first" still leaves something: what is left (unsynced changes, or only review items). */
export function syncFirstLeftText(unsynced: number): string {
  return unsynced > 0
    ? `${unsynced} change(s) could not be synced yet.`
    : 'Every change reached the server; what waits in the review inbox needs your decision first.';
}

/** "Local data cleared." with how many unsynced changes went with it. */
export function clearedText(discarded: number): string {
  return `Local data cleared${discarded > 0 ? ` (${discarded} unsynced change(s) discarded)` : ''}.`;
}
