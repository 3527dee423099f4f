// The sync worker (main/sync/sync-worker.ts) as the app core drives it: a port, so the core runs
// with the real worker (main/sync-worker-binding.ts), with a fake in tests, or with none (offline
// profiles, builds without sync). Its events are the worker's SyncEvents (common/sync/sync-events.ts).
import type { SyncEvent } from '../../common/sync/sync-events.js';
import type { Schema } from '../../common/schema/types.js';
import type { SyncCredentials } from '../auth/sign-in.js';
import type { Datastore } from '../datastore/datastore.js';

/** The server's attachment endpoint as the worker learnt it (main/sync/server-capabilities.ts). */
export interface AttachmentEndpoint {
  /** The tus endpoint: `<server origin><attachmentsPath>`. */
  readonly url: string;
  /** The worker's own credentials as HTTP headers (API key or JWT), asked afresh per request. */
  readonly headers: () => Promise<Readonly<Record<string, string>>>;
}

/** The sync worker as the core drives it. */
export interface SyncWorkerPort {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Subscribes to the worker's events (Amplify Hub names, PROTOCOL.md §4.11); returns the unsubscribe function. */
  onEvent(listener: (event: SyncEvent) => void): () => void;
  /** The largest item the backend accepts (its announced `maxItemBytes`, else DynamoDB's 400 KB), in UTF-8 bytes. */
  maxItemBytes?(): number;
  /** The attachment endpoint the server's latest answer announced; null when none (AppSync) or before the first answer. */
  attachmentEndpoint?(): AttachmentEndpoint | null;
  /** The worker's credentials as HTTP headers (API key or JWT), e.g. to view files before the endpoint is announced again. */
  authHeaders?(): Promise<Readonly<Record<string, string>>>;
  /** Calls `listener` whenever `attachmentEndpoint()` changes; returns the unsubscribe function. */
  onAttachmentEndpoint?(listener: (endpoint: AttachmentEndpoint | null) => void): () => void;
}

/** Builds the sync worker for a signed-in server profile. */
export type SyncWorkerPortFactory = (options: {
  readonly datastore: Datastore;
  readonly schema: Schema;
  readonly server: string;
  readonly credentials: SyncCredentials;
  /** Most records of each model per round: the profile's setting (main/sync-settings.ts). */
  readonly maxRecordsToSync?: number;
}) => SyncWorkerPort;
