// What Settings says, as plain functions over data: how the profile signs in and where its
// credential is kept, and the sentences of the clear/sign-out guard (sync-first progress, why it
// cannot sync, what is left) and after clearing local data.
import type { CurrentUser } from '../common/ipc/contract.js';

const plural = (n: number, one: string, many: string): string => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

/** "Account — token kept in the system keychain", "API key", "Offline profile" (where the secret is comes from main). */
export function signInText(user: Pick<CurrentUser, 'mode' | 'credentialStorage'>): string {
  const mode = { password: 'Account', apiKey: 'API key', offline: 'Offline profile', oidc: 'Identity provider' }[user.mode];
  return user.credentialStorage ? `${mode} — ${user.mode === 'password' || user.mode === 'oidc' ? 'token' : 'key'} ${user.credentialStorage}` : mode;
}

/** After "sync first" ran out of time with something left: what is left (unsynced changes, or only review items). */
export function syncFirstLeftText(unsynced: number, files = 0): string {
  if (unsynced > 0) return `Sync first ran out of time: ${plural(unsynced, 'change was', 'changes were')} not sent yet.`;
  if (files > 0) return `Sync first ran out of time: ${plural(files, 'attached file was', 'attached files were')} not uploaded yet.`;
  return 'Every change reached the server; what waits in the review inbox needs your decision first.';
}

/** The guard's progress while "sync first" runs: "Sending changes: 2 of 5 sent". */
export function syncFirstProgressText(total: number, left: number, filesLeft = 0): string {
  const sent = Math.min(total, Math.max(0, total - left));
  if (total > 0 && sent < total) return `Sending changes: ${sent.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} sent`;
  if (filesLeft > 0) return `Uploading attached files: ${plural(filesLeft, 'file', 'files')} to go`;
  return total > 0 ? `Sending changes: all ${total.toLocaleString('en-US')} sent, finishing…` : 'Connecting to the server…';
}

/** "Local data cleared." with how many unsynced changes went with it. */
export function clearedText(discarded: number): string {
  return `Local data cleared${discarded > 0 ? ` (${plural(discarded, 'unsynced change', 'unsynced changes')} discarded)` : ''}.`;
}

/** Where the guard dialog is: asking, syncing first, unable to sync (and why), or synced with something left. */
export type GuardPhase =
  | { readonly kind: 'ask' }
  | { readonly kind: 'syncing'; readonly total: number }
  | { readonly kind: 'blocked'; readonly reason: string }
  | { readonly kind: 'left'; readonly text: string };

/** How the action treats unsynced changes: ask first, discard them, or sync them first. */
export type UnsyncedChoice = 'ask' | 'discard' | 'syncFirst';

/** Why main's "sync first" could not sync (its answer's `reason`), or null. */
export function refusalReason(answer: { readonly reason?: string }): string | null {
  return answer.reason !== undefined && answer.reason !== '' ? answer.reason : null;
}

/** The dialog's phase after main asked to confirm `answer` to `choice`: why it could not sync, what sync first left, or asking. */
export function phaseAfter(
  answer: { readonly unsynced: number; readonly unuploadedFiles?: number; readonly reason?: string },
  choice: UnsyncedChoice,
): GuardPhase {
  const reason = refusalReason(answer);
  if (reason !== null) return { kind: 'blocked', reason };
  return choice === 'syncFirst' ? { kind: 'left', text: syncFirstLeftText(answer.unsynced, answer.unuploadedFiles ?? 0) } : { kind: 'ask' };
}
