// The real app core (real IPC handlers, real SQLite) with a sync worker that only echoes as
// main/sync/sync-worker.ts does (`outboxMutationEnqueued`, then `outboxStatus`, in the datastore's
// own outbox event) and emits whatever a test gives it; `since` counts, over one action, the outbox
// counts of the open profile and the `syncStatus` and `outboxStatus` broadcasts.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
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

/** Lets the turn's coalesced counts and broadcasts happen. */
export const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 50));

/** A core with one IPC client, signed out. */
export function setup() {
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
