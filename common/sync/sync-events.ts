// The events the sync worker emits: Amplify Hub names and payloads (PROTOCOL.md §4.11), models by
// name (a string survives IPC), plus Outpost's `conflict`, `error`, `syncProgress` and
// `syncLimitReached`. Every listener receives `{ type, data }`; a throwing listener never stops
// the others or the worker. In common/ because the same map types what main forwards to the
// renderer on the IPC contract's `syncEvent` channel (`SyncEventMessage`).
import type { ModelRecord } from '../schema/types.js';

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

/** How a conflict ended (main/sync/conflict-policy.ts `ConflictResolution`, which must stay this shape). */
export type SyncConflictResolution =
  | { readonly kind: 'retry'; readonly data: ModelRecord }
  | {
      readonly kind: 'discard';
      readonly why: 'handler' | 'attemptsExhausted' | 'noRemoteRecord' | 'handlerFailed' | 'remoteDeleted';
      readonly detail?: string;
    };

/** Payload of `conflict`: the conflict handler's input (Amplify's `SyncConflict`) and how it ended. */
export interface SyncConflictPayload {
  readonly model: string;
  /** The change that was sent (for updates: changed fields, key and `_version`). */
  readonly localModel: ModelRecord;
  readonly operation: 'INSERT' | 'UPDATE' | 'DELETE';
  /** 1 on the first conflict of this mutation. */
  readonly attempts: number;
  readonly recordId: string;
  /** The server's current record (null: the server has none). */
  readonly remoteModel: ModelRecord | null;
  readonly resolution: SyncConflictResolution;
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
  modelSynced: {
    readonly model: string;
    readonly isFullSync: boolean;
    readonly isDeltaSync: boolean;
    readonly counts: MergeCountsPayload;
    readonly complete: boolean;
  };
  /**
   * `maxRecordsToSync` stopped a model's sync: `received` records arrived so far (over the rounds of
   * this sync), `leftOut` the server had beyond them were not fetched yet, `total` the server's own
   * count for the whole sync (its `syncTotals`; null when it gave none).
   */
  syncLimitReached: {
    readonly model: string;
    readonly maxRecordsToSync: number;
    readonly received: number;
    readonly leftOut: number;
    readonly total: number | null;
  };
  /** A sync page came with errors next to its items (Amplify's event): the items were kept, the errors are here. */
  nonApplicableDataReceived: { readonly modelName: string; readonly errors: readonly { readonly message: string; readonly errorType: string | null }[] };
  syncQueriesReady: undefined;
  ready: undefined;
  outboxMutationEnqueued: { readonly model: string; readonly element: ModelRecord };
  outboxMutationProcessed: { readonly model: string; readonly element: ModelRecord };
  /** `unsynced`: the outbox count the worker took just before (absent when it did not count, e.g. an enqueue's echo). */
  outboxStatus: { readonly isEmpty: boolean; readonly unsynced?: number };
  conflict: SyncConflictPayload;
  error: SyncErrorPayload;
}

export type SyncEventType = keyof SyncEventMap;

/** Every event type, for checks at run time (a compile error here means the list and the map differ). */
export const SYNC_EVENT_TYPES = [
  'networkStatus',
  'subscriptionsEstablished',
  'syncQueriesStarted',
  'syncProgress',
  'modelSynced',
  'syncLimitReached',
  'nonApplicableDataReceived',
  'syncQueriesReady',
  'ready',
  'outboxMutationEnqueued',
  'outboxMutationProcessed',
  'outboxStatus',
  'conflict',
  'error',
] as const satisfies readonly SyncEventType[];
type Missing = Exclude<SyncEventType, (typeof SYNC_EVENT_TYPES)[number]>;
const everyTypeListed: [Missing] extends [never] ? true : Missing = true;
void everyTypeListed;

/** One event as listeners receive it: switch on `type` and `data` narrows. */
export type SyncEvent = { [K in SyncEventType]: { readonly type: K; readonly data: SyncEventMap[K] } }[SyncEventType];

/** A payload after a JSON round trip: an absent payload (`undefined`) arrives as null. */
export type OverIpc<T> = [T] extends [undefined] ? null : T;

/**
 * One event as main forwards it on the IPC `syncEvent` channel: `event` is the type, `data` the
 * payload as JSON carries it. A discriminated union the renderer can switch on.
 */
export type SyncEventMessage = { [K in SyncEventType]: { readonly event: K; readonly data: OverIpc<SyncEventMap[K]> } }[SyncEventType];

/** True when `value` names a known sync event type. */
export function isSyncEventType(value: unknown): value is SyncEventType {
  return typeof value === 'string' && (SYNC_EVENT_TYPES as readonly string[]).includes(value);
}

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
