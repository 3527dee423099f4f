// A conflict met by an outbox entry (PROTOCOL.md §4.4, DESIGN.md "Sync worker" 3 and "Nothing
// lost"): the app's handler decides (conflict-policy.ts), the conflict is logged and sent to the
// renderer however it is resolved, and a retry's replacement of another device's values is kept
// with the entry before the retry goes out — its answer may be lost with the process, and the
// `overwrote` review item must not be (outbox-completion.ts stores it once the retry is applied).
import type { GraphqlFilterInput } from '../../common/predicates/types.js';
import type { ModelDef, ModelRecord } from '../../common/schema/types.js';
import type { OutboxEntry, PendingOverwrote } from '../datastore/outbox-entry.js';
import { conflictOperation, resolveConflict, type ConflictHandler, type ConflictResolution } from './conflict-policy.js';
import { mutationVariables } from './graphql-documents.js';
import type { OutboxStore } from './outbox-store.js';
import { discardedByDelete, overwrittenFields } from './overridden-edits.js';
import { overwroteReview } from './review-reasons.js';
import type { SyncEvents } from './sync-events.js';

/** One conflict answer to an entry's mutation. */
export interface EntryConflict {
  readonly entry: OutboxEntry;
  readonly model: ModelDef;
  /** The mutation's input as it was sent. */
  readonly local: ModelRecord;
  /** The save/delete condition, as sent (GraphQL condition input); null when none. */
  readonly condition: GraphqlFilterInput | null;
  /** The server's record the conflict answer carried (null: none). */
  readonly remote: ModelRecord | null;
  /** Conflicts answered so far for this entry, this one included (1 at the first). */
  readonly attempts: number;
}

/** What the entry does after a conflict. */
export interface ConflictOutcome {
  readonly resolution: ConflictResolution;
  /** A retry's record (key fields the entry's), to be sent next; null when the change is discarded. */
  readonly retryData: ModelRecord | null;
  /** The pending `overwrote` item of the entry from now on (kept with it in the store). */
  readonly overwrote: PendingOverwrote | null;
}

/** Answers an entry's conflicts: the handler's decision, the conflict log, the pending overwrote item. */
export class OutboxConflicts {
  constructor(
    private readonly datastore: OutboxStore,
    private readonly events: SyncEvents,
    private readonly handler: ConflictHandler,
  ) {}

  /** Decides `conflict`; `overwrote` is the entry's pending item before it (replaced by a retry's). */
  async answer(conflict: EntryConflict, overwrote: PendingOverwrote | null): Promise<ConflictOutcome> {
    const { entry, model, local, remote, attempts } = conflict;
    const resolution = await resolveConflict(this.handler, {
      model: model.name,
      localModel: local,
      remoteModel: remote,
      operation: conflictOperation(entry.operation),
      attempts,
    });
    await this.record(entry, local, remote, resolution, attempts);
    if (resolution.kind !== 'retry') return { resolution, retryData: null, overwrote };
    const data: ModelRecord = { ...resolution.data };
    for (const key of model.primaryKey) data[key] = entry.data[key];
    // Without the server's record there is nothing to tell of what the retry replaces.
    if (remote === null) return { resolution, retryData: data, overwrote };
    const retryInput = mutationVariables(model, entry.operation, data, conflict.condition).input as ModelRecord;
    const pending = retryOverwrote(model, entry, retryInput, remote);
    // Kept with the entry before the retry is sent: its answer may be lost with the process.
    if (pending !== null || overwrote !== null) await this.datastore.outbox.keepPendingOverwrote(entry.id, pending);
    return { resolution, retryData: data, overwrote: pending };
  }

  private async record(entry: OutboxEntry, local: ModelRecord, remote: ModelRecord | null, resolution: ConflictResolution, attempts: number): Promise<void> {
    const label = resolution.kind === 'retry' ? 'retried' : `discarded:${resolution.why}`;
    await this.datastore.conflicts.insertConflict({ model: entry.model, modelId: entry.modelId, operation: entry.operation, local, remote, resolution: label });
    this.events.emit('conflict', {
      model: entry.model,
      recordId: entry.modelId,
      localModel: local,
      remoteModel: remote,
      operation: conflictOperation(entry.operation),
      attempts,
      resolution,
    });
  }
}

/**
 * What a conflict retry (`retryInput`, as it will be sent) replaces of another device's values in
 * the server's `remote` — whatever they changed in the fields it writes; a stale delete: everything
 * they changed — as the review item to store once it is applied, with the version it is based on.
 * Null when it replaces nothing.
 */
export function retryOverwrote(model: ModelDef, entry: OutboxEntry, retryInput: ModelRecord, remote: ModelRecord): PendingOverwrote | null {
  const lost =
    entry.operation === 'Delete'
      ? discardedByDelete(model, entry.data, entry.base ?? null, remote)
      : overwrittenFields(model, retryInput, entry.base ?? null, remote);
  const item = overwroteReview(model, entry, retryInput, lost, remote);
  if (item === null) return null;
  return { item, remoteVersion: typeof remote._version === 'number' ? remote._version : null };
}
