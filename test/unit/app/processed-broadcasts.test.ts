// One entry the worker accepted reaches the core as `outboxMutationProcessed` and, on a later turn,
// the processor's `outboxStatus` (main/sync/outbox-processor.ts emitStatus): through the real core
// that is one outbox count and one `syncStatus` broadcast carrying both the new time and the count;
// when the processor's report carries its count (it does), the core counts nothing itself.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setup } from './core-broadcasts-harness.js';

const laterTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

test('the worker accepting an entry: one count and one status broadcast, the bar stamped', async () => {
  const t = setup();
  await t.api.signIn({ mode: 'apiKey', server: 'http://127.0.0.1:9', apiKey: 'test-key' });
  await t.api.save({ model: 'Site', record: { id: 's1', name: 'North' } });
  t.countOutbox(t.datastore());
  const processed = await t.since(async () => {
    t.emit({ type: 'outboxMutationProcessed', data: { model: 'Site', element: { id: 's1', name: 'North' } } });
    // The processor counts and reports on a later turn (outbox-processor.ts emitStatus).
    await laterTurn();
    t.emit({ type: 'outboxStatus', data: { isEmpty: false } });
  });
  assert.equal(processed.outboxCounts, 1);
  assert.equal(processed.outboxStatus, 1);
  assert.equal(processed.syncStatus, 1, 'the accepted time goes out with the count');
  assert.notEqual((await t.api.syncStatus()).lastSyncedAt, null);
  await t.core.close();
});

test('a batch of accepted entries answered in one turn: one count, one status broadcast', async () => {
  const t = setup();
  await t.api.signIn({ mode: 'apiKey', server: 'http://127.0.0.1:9', apiKey: 'test-key' });
  for (const id of ['s1', 's2', 's3']) await t.api.save({ model: 'Site', record: { id, name: id } });
  t.countOutbox(t.datastore());
  const processed = await t.since(async () => {
    for (const id of ['s1', 's2', 's3']) t.emit({ type: 'outboxMutationProcessed', data: { model: 'Site', element: { id, name: id } } });
    await laterTurn();
    t.emit({ type: 'outboxStatus', data: { isEmpty: false } });
  });
  assert.deepEqual(processed, { outboxCounts: 1, syncStatus: 1, outboxStatus: 1 });
  await t.core.close();
});

test('the processor reporting its own count: the core publishes it without counting again', async () => {
  const t = setup();
  await t.api.signIn({ mode: 'apiKey', server: 'http://127.0.0.1:9', apiKey: 'test-key' });
  await t.api.save({ model: 'Site', record: { id: 's1', name: 'North' } });
  t.countOutbox(t.datastore());
  const processed = await t.since(async () => {
    t.emit({ type: 'outboxMutationProcessed', data: { model: 'Site', element: { id: 's1', name: 'North' } } });
    await laterTurn();
    t.emit({ type: 'outboxStatus', data: { isEmpty: true, unsynced: 0 } });
  });
  assert.deepEqual(processed, { outboxCounts: 0, syncStatus: 1, outboxStatus: 1 });
  assert.equal((await t.api.syncStatus()).unsynced, 0, 'the bar shows the count the processor took');
  await t.core.close();
});
