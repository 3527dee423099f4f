// Holds the sync bar's status of the running core and pushes it: every change goes through the
// pure reducer (common/sync/sync-status.ts), and a change is broadcast on `syncStatus` once. A change
// that a count is known to follow (an accepted outbox entry) waits for it, so the two go out as one.
import type { SyncStatus } from '../../common/ipc/contract.js';
import { emptySyncStatus, syncStatusAfter, type SyncStatusInput } from '../../common/sync/sync-status.js';
import type { Broadcaster } from './broadcaster.js';

export interface SyncStatusHolder {
  current(): SyncStatus;
  /** Folds `input` in; broadcasts the status when it changed, or when it is a count and a deferred change waits. */
  apply(input: SyncStatusInput): void;
  /** Folds `input` in without broadcasting: it goes out with the next count (`unsynced`) or change. */
  defer(input: SyncStatusInput): void;
  /** Folds `input` in without broadcasting (the caller announces the new session itself). */
  reset(input: Extract<SyncStatusInput, { type: 'opened' | 'closed' }>): void;
  /** Broadcasts the current status. */
  publish(): void;
}

/** A holder starting signed out. */
export function createSyncStatusHolder(out: Pick<Broadcaster, 'broadcast'>): SyncStatusHolder {
  let status = emptySyncStatus('signedOut');
  // A deferred change not broadcast yet.
  let owed = false;
  const publish = (): void => {
    owed = false;
    out.broadcast('syncStatus', status);
  };
  return {
    current: () => status,
    apply: (input) => {
      const next = syncStatusAfter(status, input);
      if (next === status && !(owed && input.type === 'unsynced')) return;
      status = next;
      publish();
    },
    defer: (input) => {
      const next = syncStatusAfter(status, input);
      if (next === status) return;
      status = next;
      owed = true;
    },
    reset: (input) => {
      status = syncStatusAfter(status, input);
      owed = false;
    },
    publish,
  };
}
