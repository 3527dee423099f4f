// The sync worker's port to the local store: what the worker and the model syncs read and write,
// and nothing more (the outbox processor has its own, outbox-store.ts). The datastore implements
// it (Datastore satisfies it as it is); tests may pass an in-memory one.
import type { Datastore } from '../datastore/datastore.js';

/** What one model's sync uses: merging pages and the model's sync metadata (signatures of the datastore's). */
export interface ModelSyncStore {
  readonly remote: Pick<Datastore['remote'], 'applyRemote' | 'removeMissing'>;
  readonly syncMetadata: Pick<Datastore['syncMetadata'], 'getSyncMetadata' | 'setSyncMetadata'>;
}

/** Everything the sync worker itself uses of the store. */
export interface SyncStore extends Pick<Datastore, 'onOutboxEvent' | 'clear'> {
  readonly remote: Pick<Datastore['remote'], 'applyRemote' | 'removeMissing'>;
  readonly syncMetadata: Pick<Datastore['syncMetadata'], 'getSyncMetadata' | 'setSyncMetadata' | 'listSyncMetadata'>;
  readonly outbox: Pick<Datastore['outbox'], 'listEntries' | 'releaseInFlight' | 'outboxCount'>;
}
