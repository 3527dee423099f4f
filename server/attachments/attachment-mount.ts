// The attachment endpoint as the running server mounts it: the blob store that goes with the
// database (a directory beside a SQLite file, the same PostgreSQL database otherwise — picked from
// the database URL as openStorage picks the storage), the routes wired to the server's
// authenticator and the records' @auth rules, and the retention sweep on a timer. Mounted only
// when enabled and the schema declares attachment fields: elsewhere every upload would be refused.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ValidationError } from '../../common/errors.js';
import type { Schema } from '../../common/schema/types.js';
import type { Authenticate } from '../auth/authenticate.js';
import type { Identity } from '../auth/identity.js';
import type { AttachmentSettings } from '../config/attachment-settings.js';
import type { Storage } from '../storage/storage.js';
import { attachmentCaller, quotaKeyOf, recordAccess } from './attachment-access.js';
import { attachmentFieldTest, blobReferenceTest, hasAttachmentFields } from './attachment-references.js';
import { sweepBlobs, type SweepResult } from './attachment-retention.js';
import { createAttachmentRoutes, type AttachmentRoutes } from './attachment-routes.js';
import type { BlobStore } from './blob-store.js';
import { openDiskBlobStore } from './disk-blob-store.js';
import { openPostgresBlobStore } from './postgres-blob-store.js';

/** URL path of the endpoint (routes answer below it; announced with a trailing slash). */
export const ATTACHMENTS_PREFIX = '/attachments';

/** Where blobs are kept: a directory, a directory of this process only (in-memory SQLite), or the PostgreSQL database. */
export type BlobStoreLocation =
  { readonly kind: 'directory'; readonly directory: string } | { readonly kind: 'temporary' } | { readonly kind: 'postgres'; readonly url: string };

/** The blob store for `database` (`sqlite:PATH` or `postgres://…`); `directory` overrides SQLite's default `<PATH's directory>/attachments`. */
export function blobStoreLocation(database: string, directory: string | undefined): BlobStoreLocation {
  if (database.startsWith('postgres://') || database.startsWith('postgresql://')) return { kind: 'postgres', url: database };
  if (!database.startsWith('sqlite:')) throw new ValidationError(`--database must be sqlite:PATH or postgres://…, got "${database}"`, 'database');
  if (directory !== undefined) return { kind: 'directory', directory };
  const path = database.slice('sqlite:'.length);
  // An in-memory database keeps nothing after the process: neither do its blobs.
  if (path === ':memory:' || path === '') return { kind: 'temporary' };
  return { kind: 'directory', directory: join(dirname(path), 'attachments') };
}

async function openBlobStore(location: BlobStoreLocation): Promise<{ store: BlobStore; release: () => Promise<void> }> {
  switch (location.kind) {
    case 'postgres':
      return { store: await openPostgresBlobStore(location.url), release: async () => undefined };
    case 'directory':
      return { store: await openDiskBlobStore(location.directory), release: async () => undefined };
    case 'temporary': {
      const directory = await mkdtemp(join(tmpdir(), 'outpost-attachments-'));
      return { store: await openDiskBlobStore(directory), release: () => rm(directory, { recursive: true, force: true }) };
    }
  }
}

export interface AttachmentMountOptions {
  readonly schema: Schema;
  readonly storage: Storage;
  /** The server's `database` URL. */
  readonly database: string;
  readonly authenticate: Authenticate;
  readonly settings: AttachmentSettings;
  /** How often the retention sweep runs, ms. */
  readonly sweepIntervalMs: number;
  readonly reportError: (error: unknown) => void;
}

/** A mounted endpoint. */
export interface MountedAttachments {
  readonly routes: AttachmentRoutes;
  /** The path announced to clients: `/attachments/`. */
  readonly path: string;
  readonly location: BlobStoreLocation;
  /** Runs the retention sweep now (`now` for tests; default the clock). */
  sweep(now?: Date): Promise<SweepResult>;
  /** Stops the sweep timer (waiting for a sweep under way) and closes the blob store. */
  close(): Promise<void>;
}

/** Opens the blob store and builds the routes; null when attachments are off or the schema has no attachment fields. */
export async function mountAttachments(options: AttachmentMountOptions): Promise<MountedAttachments | null> {
  const { schema, storage, settings } = options;
  if (!settings.enabled || !hasAttachmentFields(schema)) return null;
  const location = blobStoreLocation(options.database, settings.directory);
  const { store, release } = await openBlobStore(location);
  const routes = createAttachmentRoutes<Identity>({
    store,
    authenticate: attachmentCaller(options.authenticate),
    quotaKeyOf,
    mayAccess: recordAccess(schema, storage),
    limits: { maxFileBytes: settings.maxFileBytes, maxUserBytes: settings.maxUserBytes },
    isAttachmentField: attachmentFieldTest(schema),
    prefix: ATTACHMENTS_PREFIX,
  });
  const isReferenced = blobReferenceTest(schema, storage);
  const sweep = (now: Date = new Date()) => sweepBlobs(store, isReferenced, settings.retentionMs, now);
  const stopSweeps = scheduleSweeps(sweep, options.sweepIntervalMs, options.reportError);
  return {
    routes,
    path: `${ATTACHMENTS_PREFIX}/`,
    location,
    sweep,
    close: async () => {
      await stopSweeps();
      await store.close();
      await release();
    },
  };
}

/** Runs `sweep` every `intervalMs` (never two at once, not keeping the process alive); returns the stop, which waits for a sweep under way. */
function scheduleSweeps(sweep: () => Promise<unknown>, intervalMs: number, reportError: (error: unknown) => void): () => Promise<void> {
  let running: Promise<void> | null = null;
  const timer = setInterval(() => {
    if (running !== null) return;
    running = sweep()
      .then(() => undefined, reportError)
      .finally(() => (running = null));
  }, intervalMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
