// The outbox processor's port to the local store: what it reads and writes, and nothing more. The
// datastore implements it (Datastore satisfies it as it is); tests pass an in-memory fake.
import type { Datastore } from '../datastore/datastore.js';

/** The outbox and conflict-log operations the outbox processor uses (signatures of the datastore's). */
export interface OutboxStore {
  readonly outbox: Pick<Datastore['outbox'], 'peekSendable' | 'markManyInFlight' | 'completeEntries' | 'failEntry' | 'outboxCount' | 'keepPendingOverwrote'>;
  readonly conflicts: Pick<Datastore['conflicts'], 'insertConflict'>;
}
