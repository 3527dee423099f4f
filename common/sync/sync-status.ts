// What the sync bar shows, as a pure reducer: `syncStatusAfter(status, input)` folds one worker
// event or one fact the core learned (started, stopped, counted, cleared, opened, closed) into the
// next status. main/app/sync-status.ts holds the current value and broadcasts it; a reducer
// returns the very same object when the input changes nothing the bar shows, so the holder can
// tell "no change" without comparing.
import type { SyncStatus } from '../ipc/contract.js';
import type { SyncEvent } from './sync-events.js';

/** One input of the status reducer. `at`: when it happened, ms since the epoch. */
export type SyncStatusInput =
  | { readonly type: 'worker'; readonly event: SyncEvent; readonly at: number }
  /** A profile was opened: `mode` of its status, the last sync recorded in it, its open review items. */
  | { readonly type: 'opened'; readonly mode: 'offline' | 'server'; readonly lastSyncedAt: number | null; readonly reviewWaiting: number }
  | { readonly type: 'closed' }
  | { readonly type: 'started' }
  | { readonly type: 'stopped' }
  /** The outbox was counted: `count` entries not yet accepted by the server. */
  | { readonly type: 'unsynced'; readonly count: number }
  /** The open review items were counted. */
  | { readonly type: 'reviewWaiting'; readonly count: number }
  /** The local data was cleared; `reviewWaiting` counted after. */
  | { readonly type: 'cleared'; readonly reviewWaiting: number };

/** The status of `mode` before anything happened. */
export function emptySyncStatus(mode: SyncStatus['mode']): SyncStatus {
  return { mode, running: false, online: false, unsynced: 0, lastSyncedAt: null, syncing: false, models: {}, reviewWaiting: 0 };
}

/** The status after `input`; `status` itself when the input changes nothing shown. */
export function syncStatusAfter(status: SyncStatus, input: SyncStatusInput): SyncStatus {
  switch (input.type) {
    case 'worker':
      return afterWorkerEvent(status, input.event, input.at);
    case 'opened':
      return { ...emptySyncStatus(input.mode), lastSyncedAt: input.lastSyncedAt, reviewWaiting: input.reviewWaiting };
    case 'closed':
      return emptySyncStatus('signedOut');
    case 'started':
      return { ...status, running: true };
    case 'stopped':
      return { ...status, running: false, online: false, syncing: false };
    case 'unsynced':
      return { ...status, unsynced: input.count };
    case 'reviewWaiting':
      return status.reviewWaiting === input.count ? status : { ...status, reviewWaiting: input.count };
    case 'cleared':
      return { ...status, lastSyncedAt: null, models: {}, reviewWaiting: input.reviewWaiting };
  }
}

type ModelStatus = SyncStatus['models'][string];

function withModel(status: SyncStatus, model: string, next: ModelStatus): SyncStatus {
  return { ...status, models: { ...status.models, [model]: next } };
}

/** A whole, non-negative count from the server, else null (the status schema takes only those). */
function wholeCount(value: number | null): number | null {
  return value !== null && Number.isSafeInteger(value) && value >= 0 ? value : null;
}

function afterWorkerEvent(status: SyncStatus, event: SyncEvent, at: number): SyncStatus {
  switch (event.type) {
    case 'networkStatus':
      // A round cut off by going offline is not syncing any more (the bar would say so while offline).
      return { ...status, online: event.data.active === true, syncing: event.data.active === true ? status.syncing : false };
    case 'syncQueriesStarted':
      return { ...status, syncing: true, models: Object.fromEntries(event.data.models.map((m) => [m, { received: 0, synced: false }])) };
    case 'syncProgress': {
      const before = status.models[event.data.model];
      return withModel(status, event.data.model, { ...before, received: event.data.received, synced: before?.synced ?? false });
    }
    case 'modelSynced': {
      const { model, counts, complete } = event.data;
      const before = status.models[model];
      const received = (Number(counts.new) || 0) + (Number(counts.updated) || 0) + (Number(counts.deleted) || 0);
      // `complete: false`: the cap stopped it, so it is not synced yet (the next round goes on).
      const synced = complete !== false;
      return withModel(status, model, {
        received: Math.max(before?.received ?? 0, received),
        synced,
        ...(!synced && before?.capped ? { capped: before.capped } : {}),
      });
    }
    case 'syncLimitReached': {
      const { model, maxRecordsToSync, total } = event.data;
      const limit = wholeCount(maxRecordsToSync);
      if (limit === null) return status;
      const before = status.models[model];
      const received = event.data.received >= 0 ? Math.floor(event.data.received) : (before?.received ?? 0);
      return withModel(status, model, { received, synced: false, capped: { limit, total: wholeCount(total) } });
    }
    case 'syncQueriesReady':
      return { ...status, syncing: false, lastSyncedAt: at };
    case 'outboxMutationProcessed':
      return { ...status, lastSyncedAt: at };
    default:
      // Outbox counts, conflicts and errors reach the bar through other inputs (`unsynced`, notices).
      return status;
  }
}
