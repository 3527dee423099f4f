// What a `ConflictUnhandled` becomes (PROTOCOL.md §4.4): the app's handler sees
// `{ model, localModel, remoteModel, operation, attempts }` and returns DISCARD (take the server's
// state) or a record to retry with. The default retries the local change on the remote version;
// after MAX_CONFLICT_ATTEMPTS the server state is taken and the give-up is reported.
import type { ModelRecord } from '../../common/schema/types.js';
import type { SyncConflictResolution } from '../../common/sync/sync-events.js';
import type { OutboxOperation } from '../datastore/outbox-entry.js';

/** Returned by a conflict handler to drop the local change and take the server's record. */
export const DISCARD = 'DISCARD' as const;
export type Discard = typeof DISCARD;

/** Amplify's cap on conflict retries for one mutation. */
export const MAX_CONFLICT_ATTEMPTS = 10;

/** What a conflict handler is told (Amplify's `SyncConflict`, with the model as its name). */
export interface SyncConflict {
  readonly model: string;
  /** The change that was sent (for updates: changed fields, key and `_version`). */
  readonly localModel: ModelRecord;
  /** The server's current record (the error's `data`). */
  readonly remoteModel: ModelRecord;
  readonly operation: 'INSERT' | 'UPDATE' | 'DELETE';
  /** 1 on the first conflict of this mutation. */
  readonly attempts: number;
}

/** The app's conflict handler; may be async. */
export type ConflictHandler = (conflict: SyncConflict) => ModelRecord | Discard | Promise<ModelRecord | Discard>;

/** The resolution stored in the conflicts table and emitted with the `conflict` event (defined with the events). */
export type ConflictResolution = SyncConflictResolution;

/** Amplify's operation name for an outbox operation. */
export function conflictOperation(operation: OutboxOperation): SyncConflict['operation'] {
  return operation === 'Create' ? 'INSERT' : operation === 'Update' ? 'UPDATE' : 'DELETE';
}

/**
 * The default handler: resend the local change on the server's `_version` ("client wins"). A
 * local update of a record the server has deleted cannot be applied, so it takes the tombstone.
 */
export const defaultConflictHandler: ConflictHandler = ({ localModel, remoteModel, operation }) => {
  if (remoteModel._deleted === true && operation !== 'DELETE') return DISCARD;
  return { ...localModel, _version: remoteModel._version };
};

/** Decides a conflict: handler answer, or forced discard when no remote record, attempts exhausted or the handler failed. */
export async function resolveConflict(
  handler: ConflictHandler,
  conflict: Omit<SyncConflict, 'remoteModel'> & { readonly remoteModel: ModelRecord | null },
): Promise<ConflictResolution> {
  const remote = conflict.remoteModel;
  if (remote === null) return { kind: 'discard', why: 'noRemoteRecord' };
  if (conflict.attempts > MAX_CONFLICT_ATTEMPTS) return { kind: 'discard', why: 'attemptsExhausted' };
  let answer: ModelRecord | Discard;
  try {
    answer = await handler({ ...conflict, remoteModel: remote });
  } catch (error) {
    return { kind: 'discard', why: 'handlerFailed', detail: error instanceof Error ? error.message : String(error) };
  }
  if (answer === DISCARD) {
    return handler === defaultConflictHandler && remote._deleted === true ? { kind: 'discard', why: 'remoteDeleted' } : { kind: 'discard', why: 'handler' };
  }
  if (typeof answer !== 'object' || answer === null || Array.isArray(answer)) {
    return { kind: 'discard', why: 'handlerFailed', detail: `the conflict handler returned ${JSON.stringify(answer)}, not a record or DISCARD` };
  }
  // A handler may return only the fields it decided; the rest (key fields included) stay the local change's.
  const data: ModelRecord = { ...answer };
  for (const [key, value] of Object.entries(conflict.localModel)) if (!(key in data)) data[key] = value;
  if (typeof data._version !== 'number') data._version = remote._version;
  return { kind: 'retry', data };
}
