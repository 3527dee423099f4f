// The verdict on an uncertain write (its request may have reached the server, the answer was lost):
// applied or to be sent, from the server's record now; and whether a conflict retry's pending
// `overwrote` item is stored with the record an entry completes with. Pure; the outbox runs the `get`.
import type { ModelRecord } from '../../../common/schema/types.js';
import type { OutboxOperation, PendingOverwrote } from '../../datastore/outbox-entry.js';
import type { NewReviewItem } from '../../datastore/review-items.js';

/**
 * Whether an uncertain write is to be taken as applied, given the server's record now (`server`,
 * null when it has none): a create whose record exists (a client-made key: this create made it); a
 * delete whose record is a tombstone; an update whose record's version is past the one sent —
 * this write or a later one (which then merged it or overwrote it) is there. Sending it again could
 * apply it twice (a list concatenated twice, a newer value overwritten); the detection run on the
 * server's record instead shows any value of it that is not there. Returns the record to complete
 * the entry with, or null to send it.
 */
export function alreadyAppliedVerdict(operation: OutboxOperation, sent: ModelRecord, server: ModelRecord | null): ModelRecord | null {
  if (server === null) return null;
  switch (operation) {
    case 'Create':
      return server;
    case 'Delete':
      return server._deleted === true ? server : null;
    case 'Update': {
      const sentVersion = typeof sent._version === 'number' ? sent._version : 0;
      const serverVersion = typeof server._version === 'number' ? server._version : 0;
      return serverVersion > sentVersion ? server : null;
    }
  }
}

/**
 * The `overwrote` review item to store when an entry completes with the server's `record`: the
 * pending one (kept before its conflict retry was sent) when the record's version is past the
 * version that retry was based on — the retry, or a write after it, is there. Unknown versions
 * count as past: reporting too much is acceptable, losing a value is not. Null when none.
 */
export function overwroteToStore(pending: PendingOverwrote | null, record: ModelRecord): NewReviewItem | null {
  if (pending === null) return null;
  const version = record._version;
  if (pending.remoteVersion === null || typeof version !== 'number') return pending.item;
  return version > pending.remoteVersion ? pending.item : null;
}
