// One save through the real core (real IPC handlers, real SQLite) makes one outbox count and one
// broadcast each of `syncStatus` and `outboxStatus` — with a sync worker that echoes the enqueue
// as main/sync/sync-worker.ts does (`outboxMutationEnqueued`, then `outboxStatus`, in the
// datastore's own outbox event), and for an offline profile with no worker. A delete that takes
// its children with it is one count too; an accepted entry is one count after the processor's status.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { wireChannel } from '../../../common/ipc/contract.js';
import { parseSchema } from '../../../common/schema/parse-schema.js';
import type { SyncEvent } from '../../../common/sync/sync-events.js';
import { createAppCore, type SyncWorkerPort } from '../../../main/app-core.js';
import { memoryCredentialStore } from '../../../main/auth/credential-store.js';
import type { Datastore } from '../../../main/datastore/datastore.js';
import { createInProcessBridge } from '../../../main/ipc/in-process-bridge.js';
import { createApi } from '../../../preload/create-api.js';

const schema = parseSchema(
  /* GraphQL */ `
type Site @model @auth(rules: [{ allow: public }]) {
  id: ID!
  name: String!
  visits: [Visit] @hasMany(indexName: "bySite", fields: ["id"])
}
type Visit @model @auth(rules: [{ allow: public }]) {
  id: ID!
  siteID: ID! @index(name: "bySite")
  site: Site @belongsTo(fields: ["siteID"])
  notes: String
}`,
  'save-broadcasts.graphql',
);

const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 50));

function setup() {
  const userData = mkdtempSync(join(tmpdir(), 'outpost-save-broadcasts-'));
  dirs.push(userData);
  const counted = { outboxCounts: 0 };
  const listeners = new Set<(event: SyncEvent) => void>();
  const emit = (event: SyncEvent): void => listeners.forEach((l) => l(event));
  let datastore: Datastore | undefined;
  const core = createAppCore({
    userData,
    schema,
    credentials: memoryCredentialStore(),
    durability: 'NORMAL',
    fetch: async () => new Response(JSON.stringify({ data: { __typename: 'Query' } }), { status: 200 }),
    createSync: (options): SyncWorkerPort => {
      datastore = options.datastore;
      let off = (): void => undefined;
      return {
        start: async () => {
          // As the real worker does on each local enqueue, inside the datastore's event.
          off = options.datastore.onOutboxEvent((event) => {
            emit({ type: 'outboxMutationEnqueued', data: { model: event.model, element: event.element } });
            emit({ type: 'outboxStatus', data: { isEmpty: false } });
          });
        },
        stop: async () => off(),
        onEvent: (listener) => {
          listeners.add(listener);
          return () => listeners.delete(listener);
        },
      };
    },
  });
  const bridge = createInProcessBridge();
  core.attach(bridge.host);
  const pushed: string[] = [];
  const api = createApi(bridge.connect((wire) => pushed.push(wire)).transport);
  /** Counts every outbox count of the open profile's datastore from now on. */
  const countOutbox = (store: Datastore): void => {
    const outbox = store.outbox;
    const count = outbox.outboxCount.bind(outbox);
    outbox.outboxCount = async () => {
      counted.outboxCounts++;
      return count();
    };
  };
  const since = async (action: () => Promise<unknown>) => {
    await settle();
    counted.outboxCounts = 0;
    const from = pushed.length;
    await action();
    await settle();
    const events = pushed.slice(from);
    return {
      outboxCounts: counted.outboxCounts,
      syncStatus: events.filter((w) => w === wireChannel('syncStatus')).length,
      outboxStatus: events.filter((w) => w === wireChannel('outboxStatus')).length,
    };
  };
  return { core, api, emit, since, countOutbox, datastore: () => datastore! };
}

test('one save with a sync worker running: one outbox count, one status broadcast', async () => {
  const t = setup();
  await t.api.signIn({ mode: 'apiKey', server: 'http://127.0.0.1:9', apiKey: 'test-key' });
  t.countOutbox(t.datastore());
  const first = await t.since(() => t.api.save({ model: 'Site', record: { id: 's1', name: 'North' } }));
  assert.deepEqual(first, { outboxCounts: 1, syncStatus: 1, outboxStatus: 1 });
  assert.equal((await t.api.syncStatus()).unsynced, 1);

  const again = await t.since(() => t.api.save({ model: 'Site', record: { id: 's1', name: 'North 2' } }));
  assert.deepEqual(again, { outboxCounts: 1, syncStatus: 1, outboxStatus: 1 }, 'an update of a queued record too');

  await t.api.save({ model: 'Visit', record: { id: 'v1', siteID: 's1' } });
  await t.api.save({ model: 'Visit', record: { id: 'v2', siteID: 's1' } });
  const cascade = await t.since(() => t.api.delete({ model: 'Site', id: 's1' }));
  assert.deepEqual(cascade, { outboxCounts: 1, syncStatus: 1, outboxStatus: 1 }, 'a delete with its children is one count');
  await t.core.close();
});

test('the worker accepting an entry: one count after its outbox status, the bar stamped', async () => {
  const t = setup();
  await t.api.signIn({ mode: 'apiKey', server: 'http://127.0.0.1:9', apiKey: 'test-key' });
  await t.api.save({ model: 'Site', record: { id: 's1', name: 'North' } });
  t.countOutbox(t.datastore());
  const processed = await t.since(async () => {
    t.emit({ type: 'outboxMutationProcessed', data: { model: 'Site', element: { id: 's1', name: 'North' } } });
    // The processor counts and reports on a later turn (outbox-processor.ts emitStatus).
    await new Promise((resolve) => setImmediate(resolve));
    t.emit({ type: 'outboxStatus', data: { isEmpty: false } });
  });
  assert.equal(processed.outboxCounts, 1);
  assert.equal(processed.outboxStatus, 1);
  assert.equal(processed.syncStatus, 2, 'the accepted time, then the count');
  assert.notEqual((await t.api.syncStatus()).lastSyncedAt, null);
  await t.core.close();
});

test('one save in an offline profile: one outbox count, one status broadcast', async () => {
  const t = setup();
  await t.api.signIn({ mode: 'offline', username: 'field' });
  const result = await t.since(() => t.api.save({ model: 'Site', record: { id: 's1', name: 'North' } }));
  assert.deepEqual({ syncStatus: result.syncStatus, outboxStatus: result.outboxStatus }, { syncStatus: 1, outboxStatus: 1 });
  assert.equal((await t.api.syncStatus()).unsynced, 1);
  await t.core.close();
});
