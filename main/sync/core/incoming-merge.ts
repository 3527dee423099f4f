// What an incoming server record (a sync page item or a live event) does to the local row
// (PROTOCOL.md §4.7 with Outpost's additions). Pure: the datastore's merge loop gathers the facts
// and applies the answer. The rules, in order:
// - a record with any outbox entry is left alone (the local edit wins until the server answers it);
// - a tombstone (`_deleted: true`) deletes the local row (counted as deleted even if absent);
// - a record with no local row is inserted;
// - a higher `_version` (or a local row without one) replaces the local row, a lower one is ignored;
//   an equal version is ignored too, except in a full sync where differing content is repaired.

/** The local side of one record. */
export interface LocalSide {
  /** The record has an outbox entry (sent or not). */
  readonly pending: boolean;
  /** The local row's `_version`: undefined when there is no local row, null when the row has none. */
  readonly version: number | null | undefined;
}

/** The incoming server record, reduced to what the decision reads. */
export interface IncomingSide {
  readonly tombstone: boolean;
  /** Its `_version`, null when absent. */
  readonly version: number | null;
}

export interface MergeContext {
  /** The record comes from a full sync (not a delta page or a live event). */
  readonly isFullSync: boolean;
  /** Whether the local row's columns equal the incoming row's; asked only in a full sync at equal versions. */
  readonly sameContent: () => boolean;
}

/** What to do with one incoming record. */
export type IncomingDecision =
  | { readonly kind: 'skip'; readonly why: 'pending' | 'notNewer' }
  /** Delete the local row if there is one; counted as deleted either way. */
  | { readonly kind: 'tombstone' }
  | { readonly kind: 'insert' }
  | { readonly kind: 'update'; readonly why: 'newer' | 'repair' };

/** The merge decision for one incoming record given the local side (see the rules above). */
export function decideIncoming(local: LocalSide, incoming: IncomingSide, context: MergeContext): IncomingDecision {
  if (local.pending) return { kind: 'skip', why: 'pending' };
  if (incoming.tombstone) return { kind: 'tombstone' };
  if (local.version === undefined) return { kind: 'insert' };
  if (local.version === null || (incoming.version !== null && incoming.version > local.version)) return { kind: 'update', why: 'newer' };
  if (context.isFullSync && incoming.version === local.version && !context.sameContent()) return { kind: 'update', why: 'repair' };
  return { kind: 'skip', why: 'notNewer' };
}
