// The events the sync worker emits: Amplify Hub names and payloads (PROTOCOL.md §4.11), models by
// name (a string survives IPC), plus Outpost's `conflict`, `error`, `syncProgress` and
// `syncLimitReached`. Every listener receives `{ type, data }`; a throwing listener never stops
// the others or the worker.
import type { ModelRecord } from '../../common/schema/types.js';
import type { ConflictResolution, SyncConflict } from './conflict-policy.js';

export interface MergeCountsPayload {
  readonly new: number;
  readonly updated: number;
  readonly deleted: number;
}

/** Which part of the worker met an error (Amplify `SyncError.process`). */
export type SyncProcess = 'sync' | 'mutate' | 'subscribe';

/** Payload of `error`: which record, which values, and why. */
export interface SyncErrorPayload {
  readonly process: SyncProcess;
  readonly message: string;
  /** AppSync `errorType` or our classification (`ConditionalCheckFailed`, `Unauthorized`, `Validation`, …). */
  readonly errorType: string;
  readonly model?: string;
  /** The record's key (`modelId`). */
  readonly recordId?: string;
  readonly operation?: 'Create' | 'Update' | 'Delete';
  /** The values the device tried to write. */
  readonly localModel?: ModelRecord;
  /** The server's record the local row was restored to (null: the server has none). */
  readonly remoteModel?: ModelRecord | null;
}

/** Payload of `conflict`: the handler's input and how it ended. */
export interface SyncConflictPayload extends Omit<SyncConflict, 'remoteModel'> {
  readonly recordId: string;
  readonly remoteModel: ModelRecord | null;
  readonly resolution: ConflictResolution;
}

/** Event type → payload. */
export interface SyncEventMap {
  networkStatus: { readonly active: boolean };
  subscriptionsEstablished: undefined;
  syncQueriesStarted: { readonly models: readonly string[] };
  /** Records received so far for one model in the current round (for progress bars). */
  syncProgress: { readonly model: string; readonly received: number; readonly isFullSync: boolean };
  /**
   * A model's sync round ended. `complete` is false when `maxRecordsToSync` stopped it: the model is
   * then not recorded as synced and the next round continues the same sync.
   */
  modelSynced: { readonly model: string; readonly isFullSync: boolean; readonly isDeltaSync: boolean; readonly counts: MergeCountsPayload; readonly complete: boolean };
  /**
   * `maxRecordsToSync` stopped a model's sync: `received` records arrived so far (over the rounds of
   * this sync), `leftOut` the server had beyond them were not fetched yet, `total` the server's own
   * count for the whole sync (its `syncTotals`; null when it gave none).
   */
  syncLimitReached: { readonly model: string; readonly maxRecordsToSync: number; readonly received: number; readonly leftOut: number; readonly total: number | null };
  /** A sync page came with errors next to its items (Amplify's event): the items were kept, the errors are here. */
  nonApplicableDataReceived: { readonly modelName: string; readonly errors: readonly { readonly message: string; readonly errorType: string | null }[] };
  syncQueriesReady: undefined;
  ready: undefined;
  outboxMutationEnqueued: { readonly model: string; readonly element: ModelRecord };
  outboxMutationProcessed: { readonly model: string; readonly element: ModelRecord };
  outboxStatus: { readonly isEmpty: boolean };
  conflict: SyncConflictPayload;
  error: SyncErrorPayload;
}

export type SyncEventType = keyof SyncEventMap;

/** One event as listeners receive it. */
export type SyncEvent = { [K in SyncEventType]: { readonly type: K; readonly data: SyncEventMap[K] } }[SyncEventType];

/** A listener set for worker events. */
export class SyncEvents {
  private readonly listeners = new Set<(event: SyncEvent) => void>();

  /** Subscribes to every event; returns the unsubscribe function. */
  on(listener: (event: SyncEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves with the data of the next event of `type` (optionally one satisfying `where`). */
  next<K extends SyncEventType>(type: K, where?: (data: SyncEventMap[K]) => boolean): Promise<SyncEventMap[K]> {
    return new Promise((resolve) => {
      const off = this.on((event) => {
        if (event.type !== type) return;
        const data = event.data as SyncEventMap[K];
        if (where !== undefined && !where(data)) return;
        off();
        resolve(data);
      });
    });
  }

  /** Delivers an event to every listener. */
  emit<K extends SyncEventType>(type: K, data: SyncEventMap[K]): void {
    const event = { type, data } as SyncEvent;
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch (error) {
        console.error(`sync event listener failed on ${type}:`, error);
      }
    }
  }
}
