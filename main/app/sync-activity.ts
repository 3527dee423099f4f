// The Sync activity screen's log: the sync worker's events of this run, kept newest first in a
// bounded ring and said in plain words (main/app/sync-activity-words.ts). In memory only: it tells
// what happened since the app started, the status bar tells where things stand.
import type { SyncActivityEntry } from '../../common/ipc/contract.js';
import type { SyncEvent } from '../../common/sync/sync-events.js';
import type { Broadcaster } from './broadcaster.js';
import { describeSyncEvent } from './sync-activity-words.js';

/** Most lines kept (older ones drop off). */
export const SYNC_ACTIVITY_LIMIT = 1000;

export interface SyncActivityLog {
  /** Adds the line `event` makes (if any), and pushes it to the renderer. */
  record(event: SyncEvent, at?: number): void;
  /** Adds a session line (signed in, sync started/stopped…). */
  note(text: string, level?: SyncActivityEntry['level'], at?: number): void;
  /** The newest `limit` lines (default 200), newest first. */
  list(limit?: number): SyncActivityEntry[];
}

/** An empty log that pushes each new line on `out`. */
export function createSyncActivityLog(out: Pick<Broadcaster, 'broadcast'>): SyncActivityLog {
  const lines: SyncActivityEntry[] = [];
  const add = (entry: SyncActivityEntry): void => {
    lines.push(entry);
    if (lines.length > SYNC_ACTIVITY_LIMIT) lines.splice(0, lines.length - SYNC_ACTIVITY_LIMIT);
    out.broadcast('syncActivity', entry);
  };
  return {
    record(event, at = Date.now()) {
      const words = describeSyncEvent(event);
      if (words) add({ at, kind: event.type, ...words });
    },
    note(text, level = 'info', at = Date.now()) {
      add({ at, kind: 'session', text, level });
    },
    list(limit = 200) {
      return lines.slice(-limit).reverse();
    },
  };
}
