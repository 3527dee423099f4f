// Clearing local data and signing out, behind the guard that names what would be lost: unsynced
// changes, review items and attached files not uploaded yet (main tells), and drafts of unsaved
// forms (asked here; main does not know them). The user then discards, syncs first, or cancels.
// "Sync first" runs inside the dialog: its progress, or why it cannot sync now, is shown there.
import { useState } from 'react';
import type { SyncStatus } from '../../common/ipc/contract.js';
import { api } from '../api.js';
import { forgetProfileState } from './profile-storage.js';
import { clearedText, phaseAfter, type GuardPhase, type UnsyncedChoice } from '../settings-view.js';

export type { GuardPhase, UnsyncedChoice } from '../settings-view.js';

/** A destructive action waiting on the guard, with what it would lose. */
export interface PendingAction {
  readonly action: 'clear' | 'signOut';
  readonly unsynced: number;
  readonly reviewWaiting: number;
  readonly drafts: number;
  /** Attached files not uploaded yet (deleted too). */
  readonly unuploadedFiles: number;
  readonly phase: GuardPhase;
}

/** Files the upload queue still holds (waiting or refused): asked of main when drafts stop the action before main is. */
async function filesNotUploaded(): Promise<number> {
  const states = await api.attachmentStates().catch(() => null);
  return states === null ? 0 : states.queue.waiting + states.queue.failed;
}

/** The guarded actions of Settings. */
export interface LocalDataAction {
  readonly pending: PendingAction | null;
  readonly message: string | null;
  readonly busy: boolean;
  run(action: PendingAction['action'], unsynced: UnsyncedChoice): Promise<void>;
  cancel(): void;
}

/** Clear and sign-out for the profile whose sync status is `status`; `onSignedOut` after a sign-out. */
export function useLocalDataAction(status: SyncStatus | null, onSignedOut: () => void): LocalDataAction {
  const [pending, setPending] = useState<PendingAction | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const run = async (action: PendingAction['action'], unsynced: UnsyncedChoice) => {
    setBusy(true);
    setMessage(null);
    if (unsynced === 'syncFirst') setPending((p) => (p === null ? p : { ...p, phase: { kind: 'syncing', total: p.unsynced } }));
    try {
      // Drafts of unsaved forms go with the local data too: asked about here, main does not know them.
      const drafts = unsynced === 'ask' ? (await api.draftsList().catch(() => [])).length : 0;
      if (drafts > 0) {
        setPending({
          action,
          unsynced: status?.unsynced ?? 0,
          reviewWaiting: status?.reviewWaiting ?? 0,
          drafts,
          unuploadedFiles: await filesNotUploaded(),
          phase: { kind: 'ask' },
        });
        return;
      }
      // Asked before: after a sign-out main has no current profile to name.
      const profileId = (await api.currentUser().catch(() => null))?.profileId ?? null;
      const result = action === 'clear' ? await api.clear({ unsynced }) : await api.signOut({ unsynced });
      if ('needsConfirmation' in result) {
        const files = result.unuploadedFiles ?? 0;
        const phase = phaseAfter(result, unsynced);
        setPending((p) => ({
          action,
          unsynced: result.unsynced,
          reviewWaiting: result.reviewWaiting ?? 0,
          drafts: p?.drafts ?? 0,
          unuploadedFiles: files,
          phase,
        }));
        return;
      }
      setPending(null);
      // The profile's lists and "last used" values are record text: they go with its data.
      if (profileId !== null) forgetProfileState(profileId);
      if ('signedOut' in result) onSignedOut();
      else setMessage(clearedText(result.discarded));
    } catch (e) {
      // A failure while the dialog is open is said in the dialog, not behind it.
      const text = (e as Error).message;
      setPending((p) => (p === null ? p : { ...p, phase: { kind: 'blocked', reason: text } }));
      setMessage((m) => m ?? text);
    } finally {
      setBusy(false);
    }
  };
  return { pending, message, busy, run, cancel: () => setPending(null) };
}
