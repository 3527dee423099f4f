// The Sync activity screen's log: the sync worker's events of this run and the session's own
// lines (signed in, sync started or stopped), kept newest first in a bounded ring and said in
// plain words (main/app/sync-activity-words.ts). In memory only: it tells what happened since the
// app started, the status bar tells where things stand. Noise is folded: a run of per-record lines
// of one kind becomes one line with a count (the worker itself says a network change only once).
import type { SyncActivityEntry } from '../../common/ipc/contract.js';
import type { Schema } from '../../common/schema/types.js';
import type { SyncEvent } from '../../common/sync/sync-events.js';
import type { Broadcaster } from './broadcaster.js';
import { describeSyncEvent, type Words } from './sync-activity-words.js';

/** Most lines kept (older ones drop off). */
export const SYNC_ACTIVITY_LIMIT = 1000;

/** Per-record lines of one kind this close together fold into one (ms). */
export const FOLD_WINDOW_MS = 60_000;

export interface SyncActivityLog {
  /** Adds the line `event` makes (if any; `schema` names its models), and pushes it to the renderer. */
  record(event: SyncEvent, schema?: Schema | null, at?: number): void;
  /** Adds a session line (signed in, sync started/stopped…). */
  note(text: string, level?: SyncActivityEntry['level'], at?: number): void;
  /** The newest `limit` lines (default 200), newest first. */
  list(limit?: number): SyncActivityEntry[];
  /** Forgets every line (another profile opened: its activity is not the last one's). */
  clear(): void;
}

interface Line {
  entry: SyncActivityEntry;
  /** The fold this line belongs to, and how many it holds. */
  tally?: { readonly key: string; readonly text: (n: number) => string; n: number };
}

/** An empty log that pushes each new (or folded) line on `out`. */
export function createSyncActivityLog(out: Pick<Broadcaster, 'broadcast'>): SyncActivityLog {
  const lines: Line[] = [];
  const push = (line: Line): void => {
    lines.push(line);
    if (lines.length > SYNC_ACTIVITY_LIMIT) lines.splice(0, lines.length - SYNC_ACTIVITY_LIMIT);
    out.broadcast('syncActivity', line.entry);
  };
  const add = (kind: string, words: Words, at: number): void => {
    const { tally, ...rest } = words;
    const entry: SyncActivityEntry = { at, kind, ...rest };
    const last = lines[lines.length - 1];
    if (tally && last?.tally?.key === tally.key && at - last.entry.at <= FOLD_WINDOW_MS) {
      last.tally.n += 1;
      last.entry = { ...last.entry, at, text: last.tally.text(last.tally.n) };
      out.broadcast('syncActivity', last.entry);
      return;
    }
    push({ entry, ...(tally ? { tally: { ...tally, n: 1 } } : {}) });
  };
  return {
    record(event, schema = null, at = Date.now()) {
      const words = describeSyncEvent(event, schema);
      if (words) add(event.type, words, at);
    },
    note(text, level = 'info', at = Date.now()) {
      add('session', { text, level }, at);
    },
    list(limit = 200) {
      return lines
        .slice(-limit)
        .reverse()
        .map((line) => line.entry);
    },
    clear() {
      lines.length = 0;
    },
  };
}
