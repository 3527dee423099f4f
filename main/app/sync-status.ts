// Holds the sync bar's status of the running core and pushes it: every change goes through the
// pure reducer (common/sync/sync-status.ts), and a change is broadcast on `syncStatus` once.
import type { SyncStatus } from '../../common/ipc/contract.js';
import { emptySyncStatus, syncStatusAfter, type SyncStatusInput } from '../../common/sync/sync-status.js';
import type { Broadcaster } from './broadcaster.js';

export interface SyncStatusHolder {
  current(): SyncStatus;
  /** Folds `input` in; broadcasts the status when it changed. */
  apply(input: SyncStatusInput): void;
  /** Folds `input` in without broadcasting (the caller announces the new session itself). */
  reset(input: Extract<SyncStatusInput, { type: 'opened' | 'closed' }>): void;
  /** Broadcasts the current status. */
  publish(): void;
}

/** A holder starting signed out. */
export function createSyncStatusHolder(out: Pick<Broadcaster, 'broadcast'>): SyncStatusHolder {
  let status = emptySyncStatus('signedOut');
  const publish = (): void => out.broadcast('syncStatus', status);
  return {
    current: () => status,
    apply: (input) => {
      const next = syncStatusAfter(status, input);
      if (next === status) return;
      status = next;
      publish();
    },
    reset: (input) => {
      status = syncStatusAfter(status, input);
    },
    publish,
  };
}
