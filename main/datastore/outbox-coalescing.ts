// PROTOCOL.md §4.2: how a new local mutation combines with what is already queued for the same
// record. A pure function over data so every row of the table is testable without SQLite; the
// datastore applies the returned operations inside the write transaction.
import type { Predicate } from '../../common/predicates/types.js';
import type { ModelRecord } from '../../common/schema/types.js';
import { ENTRY_METADATA_KEYS, type OutboxEntry, type OutboxOperation } from './outbox-entry.js';

/** A mutation about to be queued. */
export interface IncomingMutation {
  readonly operation: OutboxOperation;
  readonly data: ModelRecord;
  readonly condition: Predicate | null;
  /** The changed fields' values before the edit (see OutboxEntry.base). */
  readonly base?: ModelRecord | null;
  /** Kept from the entry a merged one replaces; a new entry without one gets a fresh UUID. */
  readonly mutationId?: string;
}

/** What to do to the queue: append at the tail, rewrite an entry's data in place, or remove an entry. */
export type QueueOp =
  | { readonly kind: 'append'; readonly mutation: IncomingMutation }
  | { readonly kind: 'replaceData'; readonly id: number; readonly data: ModelRecord }
  | { readonly kind: 'remove'; readonly id: number };

/**
 * Coalesces `incoming` into the entries queued for one record (`queued`, FIFO, in-flight and
 * already-sent ones included — they are never touched). Returns the queue operations to apply, in order.
 */
export function coalesceOutbox(queued: readonly OutboxEntry[], incoming: IncomingMutation): QueueOp[] {
  // An entry that has been on the wire may have been applied under its mutation id: changing what
  // it holds would make that id stand for another write, so it is left alone like one in flight.
  const pending = queued.filter((entry) => !entry.inFlight && entry.sent !== true);
  const first = pending[0];
  if (first === undefined) return [{ kind: 'append', mutation: incoming }];

  if (first.operation === 'Create') {
    // The server has never seen this record: a delete cancels it outright, anything else folds
    // into the create so exactly one create (with the latest values) is ever sent.
    if (incoming.operation === 'Delete') return pending.map((entry) => ({ kind: 'remove', id: entry.id }) as const);
    return [{ kind: 'replaceData', id: first.id, data: overlayUserFields(first.data, [incoming.data]) }];
  }

  // A conditional mutation must reach the server as its own request: its condition is about the
  // state produced by everything queued before it.
  if (incoming.condition !== null) return [{ kind: 'append', mutation: incoming }];

  // Every queued entry is replaced by one merged entry at the tail. DataStore overlays only `first`;
  // we overlay all of them in order so fields changed by a middle entry are never lost.
  const merged = overlayUserFields(first.data, [...pending.slice(1).map((entry) => entry.data), incoming.data]);
  // Beyond DataStore: a record re-created (same key) while its Delete is still queued exists on the
  // server, so sending a Create would fail the key condition; the net change is an Update to the
  // new values, against the version the queued entry carried.
  const operation = incoming.operation === 'Create' ? 'Update' : incoming.operation;
  // The detection's base is the value before the FIRST queued edit of each field; the merged
  // entry keeps the first entry's mutation id (one logical write).
  const base = earliestBase([...pending.map((entry) => entry.base), incoming.base]);
  return [
    ...pending.map((entry) => ({ kind: 'remove', id: entry.id }) as const),
    {
      kind: 'append',
      mutation: {
        operation,
        data: merged,
        condition: null,
        ...(base !== undefined ? { base } : {}),
        ...(first.mutationId !== undefined ? { mutationId: first.mutationId } : {}),
      },
    },
  ];
}

/** Per field, the base of the earliest entry that has one; undefined when none has a base. */
function earliestBase(bases: ReadonlyArray<ModelRecord | null | undefined>): ModelRecord | undefined {
  let out: ModelRecord | undefined;
  for (const base of bases) {
    if (base === null || base === undefined) continue;
    out ??= {};
    for (const [key, value] of Object.entries(base)) if (!Object.hasOwn(out, key)) out[key] = value;
  }
  return out;
}

/** `base` with the user fields of each overlay applied in order; metadata (`_version`…) stays `base`'s. */
function overlayUserFields(base: ModelRecord, overlays: readonly ModelRecord[]): ModelRecord {
  const out: ModelRecord = { ...base };
  for (const overlay of overlays) {
    for (const [key, value] of Object.entries(overlay)) {
      if ((ENTRY_METADATA_KEYS as readonly string[]).includes(key)) continue;
      out[key] = value;
    }
  }
  return out;
}
