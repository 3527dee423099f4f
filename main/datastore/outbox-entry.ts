// The shape of one queued mutation (PROTOCOL.md §4.2 `MutationEvent`) as the datastore and the sync
// worker see it. Stored in `_outpost_outbox`; `id` is the autoincrement row id, so it is FIFO order.
import type { Predicate } from '../../common/predicates/types.js';
import type { ModelRecord } from '../../common/schema/types.js';
import type { NewReviewItem } from './review-items.js';

export type OutboxOperation = 'Create' | 'Update' | 'Delete';

/** One outbox entry. `data` is the record (Create/Delete) or the changed fields + key + `_version` (Update). */
export interface OutboxEntry {
  readonly id: number;
  readonly model: string;
  /** Primary-key value(s) of the record, joined by `-` (PROTOCOL.md §4.2). */
  readonly modelId: string;
  readonly operation: OutboxOperation;
  readonly data: ModelRecord;
  /** The save/delete condition as predicate JSON; sent to the server, never evaluated locally. */
  readonly condition: Predicate | null;
  /** True while the sync worker is sending it; such an entry is never coalesced into. */
  readonly inFlight: boolean;
  /** Epoch milliseconds when the entry was first queued. */
  readonly createdAt: number;
  /**
   * The values the changed fields had before this device's edit (field → value; for a delete
   * only fields edited locally while it was queued). The base the overridden-edit detection
   * compares against; null for a create or an entry queued before bases were kept.
   */
  readonly base?: ModelRecord | null;
  /**
   * The entry's UUID, made when it was queued and kept by coalescing and across restarts: a server
   * that announced `mutationIds` answers a resend of it from its record instead of applying it twice.
   */
  readonly mutationId?: string;
  /** True once the entry has been on the wire (in flight at least once); never coalesced into. */
  readonly sent?: boolean;
  /**
   * What the latest conflict retry of this entry replaces of another device's values, kept with the
   * entry before that retry is sent, so an answer lost with the process still leads to the review
   * item. Absent when there is none.
   */
  readonly pendingOverwrote?: PendingOverwrote | null;
}

/** The review item a conflict retry will make once it is known applied, and what it was based on. */
export interface PendingOverwrote {
  /** The `overwrote` review item to store when the retry (or a write after it) is on the server. */
  readonly item: NewReviewItem;
  /** The server's `_version` the retry was sent against (null when the conflict answer had none). */
  readonly remoteVersion: number | null;
}

/** Record metadata that travels with entry data but is not a user field. */
export const ENTRY_METADATA_KEYS = ['_version', '_lastChangedAt', '_deleted'] as const;
