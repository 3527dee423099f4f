// Everything the sync bar says, computed in one place from one typed source: the SyncStatus main
// folds from the worker's events (common/sync/sync-status.ts), plus the clock and the upload
// queue. The parts are decided together so they cannot contradict each other: no "All changes
// synced" unless online, running and nothing waits; no progress and no "just now" while offline or
// paused; "Reconnecting…" only beside "Offline". test/unit/renderer/sync-bar-view.test.ts checks
// these over random event sequences.
import type { Access, SyncStatus } from '../common/ipc/contract.js';
import type { AttachmentQueue } from '../common/ipc/attachment-contract.js';
import type { Schema } from '../common/schema/types.js';
import { attachmentQueueSummary, recordSummaryText } from './attachment-view.js';
import { syncSummary, type SyncSummary } from './work-view.js';

/** Where sync stands: nobody signed in, a local-only profile, paused, running but not connected, or connected. */
export type SyncBarState = 'signedOut' | 'local' | 'paused' | 'offline' | 'online';

/** One model's progress in a running round: "Sites 120…" or "Sites 120 ✓". */
export interface ModelProgress {
  readonly model: string;
  readonly text: string;
  readonly synced: boolean;
}

/** What the bar shows, part by part. */
export interface SyncBarView {
  readonly state: SyncBarState;
  /** "Online", "Offline", "Sync paused", "Local only". */
  readonly label: string;
  /** The change summary ("3 unsynced changes", "All changes synced"), files taken into account. */
  readonly summary: SyncSummary;
  /** "Last synced 2 min ago", "Not synced yet", "This profile never syncs". */
  readonly lastSync: string;
  /** Per-model progress while a round runs and the server is reached; null otherwise. */
  readonly progress: readonly ModelProgress[] | null;
  /** Attached files waiting or refused (from the upload queue). */
  readonly files: ReturnType<typeof attachmentQueueSummary>;
  /** The button's words, or null when this profile has no sync to pause. */
  readonly toggle: 'Pause sync' | 'Resume sync' | null;
}

const LABELS: Readonly<Record<SyncBarState, string>> = {
  signedOut: 'Signed out',
  local: 'Local only',
  paused: 'Sync paused',
  online: 'Online',
  offline: 'Offline',
};

const NOTHING: SyncSummary = { text: '', pending: false, linksToReview: false, review: null, capped: [] };

/** The bar's state for `status`. */
export function syncBarState(status: Pick<SyncStatus, 'mode' | 'running' | 'online'>): SyncBarState {
  if (status.mode === 'signedOut') return 'signedOut';
  if (status.mode === 'offline') return 'local';
  if (!status.running) return 'paused';
  return status.online ? 'online' : 'offline';
}

/**
 * "just now", "40 s ago", "3 min ago", "2 h ago", "5 d ago"; `connected` false never says "just
 * now" (it would read as fresh next to "Offline"): the first minute is "less than a minute ago".
 */
export function agoText(ms: number, connected: boolean): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (!connected && s < 60) return 'less than a minute ago';
  if (s < 10) return 'just now';
  if (s < 60) return `${s} s ago`;
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min ago`;
  const h = Math.round(m / 60);
  return h < 24 ? `${h} h ago` : `${Math.round(h / 24)} d ago`;
}

/** What the bar shows for `status` at `now`, with the upload `queue` (null: none known). */
export function syncBarView(
  status: SyncStatus,
  now: number,
  schema: Schema | null = null,
  access: Access | null = null,
  queue: AttachmentQueue | null = null,
): SyncBarView {
  const state = syncBarState(status);
  // Signed out, nothing is synced or waiting: the bar says nothing but that.
  const base = state === 'signedOut' ? NOTHING : syncSummary(status, schema, access);
  const summary = base.linksToReview ? base : { ...base, text: recordSummaryText(base.text, queue) };
  const connected = state === 'online';
  const lastSync =
    state === 'signedOut'
      ? ''
      : state === 'local'
        ? 'This profile never syncs'
        : status.lastSyncedAt === null
          ? 'Not synced yet'
          : `Last synced ${agoText(now - status.lastSyncedAt, connected)}`;
  const models = Object.entries(status.models);
  const progress =
    connected && status.syncing && models.length > 0
      ? models.map(([model, p]) => ({ model, text: `${model} ${p.received.toLocaleString('en-US')}${p.synced ? ' ✓' : '…'}`, synced: p.synced }))
      : null;
  return {
    state,
    label: LABELS[state],
    summary,
    lastSync,
    progress,
    files: attachmentQueueSummary(queue),
    toggle: status.mode === 'server' ? (status.running ? 'Pause sync' : 'Resume sync') : null,
  };
}
