// Sync test clients: a real datastore in a temp SQLite file plus a real sync worker pointed at a
// real server (test/integration/server/server-harness.ts). Helpers wait on worker events and on
// conditions with bounded time.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseSchema } from '../../../common/schema/parse-schema.js';
import type { Schema } from '../../../common/schema/types.js';
import { openDatastore, type Datastore } from '../../../main/datastore/datastore.js';
import { staticTokenProvider, type SyncAuth } from '../../../main/sync/sync-auth.js';
import type { SyncEvent } from '../../../main/sync/sync-events.js';
import { createSyncWorker, type SyncWorker, type SyncWorkerOptions } from '../../../main/sync/sync-worker.js';
import { TEST_SDL, type Caller } from '../server/server-harness.js';

export const testSchema: Schema = parseSchema(TEST_SDL);

/** SyncAuth for a harness caller (API key or JWT headers). */
export function authOf(caller: Caller): SyncAuth {
  if (caller.headers['x-api-key']) return { type: 'apiKey', apiKey: caller.headers['x-api-key'] };
  return { type: 'jwt', tokens: staticTokenProvider(caller.headers.authorization) };
}

export interface TestClient {
  readonly datastore: Datastore;
  readonly worker: SyncWorker;
  readonly events: SyncEvent[];
  readonly file: string;
  /** Stops the worker and closes the datastore (files kept until `dispose`). */
  close(): Promise<void>;
  /** close() and delete the files. */
  dispose(): Promise<void>;
}

/** Opens a datastore at `file` (new temp file by default) and a worker for it (not started); `schema` defaults to the harness's. */
export function openClient(endpoint: string, auth: SyncAuth, options: Partial<SyncWorkerOptions> & { file?: string } = {}): TestClient {
  const dir = options.file === undefined ? mkdtempSync(join(tmpdir(), 'outpost-sync-')) : null;
  const file = options.file ?? join(dir!, 'client.db');
  const datastore = openDatastore({ file, schema: options.schema ?? testSchema, durability: 'NORMAL' });
  let worker: SyncWorker;
  try {
    worker = createSyncWorker({ datastore, schema: testSchema, endpoint, auth, backoff: { maxDelayMs: 500 }, ...options });
  } catch (error) {
    void datastore.close();
    if (dir !== null) rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const events: SyncEvent[] = [];
  worker.onEvent((event) => events.push(event));
  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    await worker.stop();
    await datastore.close();
  };
  return {
    datastore,
    worker,
    events,
    file,
    close,
    async dispose() {
      await close();
      if (dir !== null) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Polls `check` every 20 ms until it returns true; throws naming `what` after `timeoutMs`. */
export async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Waits until the client's outbox is empty. */
export function drained(client: TestClient, timeoutMs = 10_000): Promise<void> {
  return waitFor('the outbox to drain', async () => (await client.datastore.outbox.outboxCount()) === 0, timeoutMs);
}
