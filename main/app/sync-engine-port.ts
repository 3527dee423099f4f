// The sync worker as the app core drives it: a port, so the core runs with the real worker
// (main/sync-engine.ts), with a fake in tests, or with none (offline profiles, builds without sync).
import type { SyncEvent } from '../../common/sync/sync-events.js';
import type { Schema } from '../../common/schema/types.js';
import type { SyncCredentials } from '../auth/sign-in.js';
import type { Datastore } from '../datastore/datastore.js';

/** One event of the sync worker, Amplify Hub name in `type` (PROTOCOL.md §4.11; common/sync/sync-events.ts). */
export type SyncEngineEvent = SyncEvent;

/** The sync worker as the core drives it. */
export interface SyncEngine {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Subscribes to the worker's events; returns the unsubscribe function. */
  onEvent(listener: (event: SyncEngineEvent) => void): () => void;
  /** The largest item the backend accepts (its announced `maxItemBytes`, else DynamoDB's 400 KB), in UTF-8 bytes. */
  maxItemBytes?(): number;
}

/** Builds the sync worker for a signed-in server profile. */
export type SyncEngineFactory = (options: {
  readonly datastore: Datastore;
  readonly schema: Schema;
  readonly server: string;
  readonly credentials: SyncCredentials;
  /** Most records of each model per round: the profile's setting (main/sync-settings.ts). */
  readonly maxRecordsToSync?: number;
}) => SyncEngine;
