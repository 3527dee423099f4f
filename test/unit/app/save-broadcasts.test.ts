// One save through the real core (real IPC handlers, real SQLite) makes one outbox count and one
// broadcast each of `syncStatus` and `outboxStatus` — with a sync worker that echoes the enqueue
// as main/sync/sync-worker.ts does (`outboxMutationEnqueued`, then `outboxStatus`, in the
// datastore's own outbox event), and for an offline profile with no worker. A delete that takes
// its children with it is one count too (an accepted entry: processed-broadcasts.test.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setup } from './core-broadcasts-harness.js';

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

test('one save in an offline profile: one outbox count, one status broadcast', async () => {
  const t = setup();
  await t.api.signIn({ mode: 'offline', username: 'field' });
  const result = await t.since(() => t.api.save({ model: 'Site', record: { id: 's1', name: 'North' } }));
  assert.deepEqual({ syncStatus: result.syncStatus, outboxStatus: result.outboxStatus }, { syncStatus: 1, outboxStatus: 1 });
  assert.equal((await t.api.syncStatus()).unsynced, 1);
  await t.core.close();
});
