// Deletes and tombstones (live, queued offline, and after the server purged the tombstone),
// selective sync (restricted sync + subscriptions, a changed predicate re-syncs in full) and the
// maxRecordsToSync report — real clients, real server.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, type Harness } from '../server/server-harness.js';
import { authOf, drained, openClient, waitFor, type TestClient } from './sync-clients.js';

let h: Harness;
const clients: TestClient[] = [];
before(async () => {
  // Tombstones and change-log entries expire after 1 s, so a purge can outrun a device.
  h = await startHarness('sqlite', { retention: { tombstoneMs: 1_000, changeLogMs: 1_000 } });
});
after(async () => {
  for (const c of clients) await c.dispose();
  await h.close();
});
function client(options: Parameters<typeof openClient>[2] = {}): TestClient {
  const c = openClient(h.server.url, authOf(h.key), { models: ['Note', 'Ticket'], ...options });
  clients.push(c);
  return c;
}
async function serverNote(id: string) {
  return (await h.gql(h.key, `query { getNote(id: "${id}") { text count _version _deleted } }`)).body.data?.getNote as Record<string, unknown> | null;
}

test('a delete reaches the other device live, and a delete queued offline reaches the server as a tombstone', async () => {
  const a = client();
  const b = client();
  await Promise.all([a.worker.start(), b.worker.start()]);
  const one = String((await a.datastore.save('Note', { text: 'one' })).id);
  const two = String((await a.datastore.save('Note', { text: 'two' })).id);
  await drained(a);
  await waitFor('b to hold both', async () => (await b.datastore.get('Note', two)) !== undefined && (await b.datastore.get('Note', one)) !== undefined);

  await a.datastore.delete('Note', one);
  await waitFor('b to drop the deleted note', async () => (await b.datastore.get('Note', one)) === undefined);
  assert.deepEqual(await serverNote(one), { text: 'one', count: null, _version: 2, _deleted: true });

  await b.worker.stop();
  await b.datastore.delete('Note', two);
  await b.worker.start();
  await drained(b);
  assert.equal((await serverNote(two))?._deleted, true);
  await waitFor('a to drop the note b deleted offline', async () => (await a.datastore.get('Note', two)) === undefined);
});

test('after the tombstone window, a full sync removes local records the server no longer has (pending ones stay)', async () => {
  const a = client();
  const b = client({ fullSyncInterval: 1 });
  await Promise.all([a.worker.start(), b.worker.start()]);
  const gone = String((await a.datastore.save('Note', { text: 'soon gone' })).id);
  await drained(a);
  await waitFor('b to hold it', async () => (await b.datastore.get('Note', gone)) !== undefined);
  await b.worker.stop();
  const kept = String((await b.datastore.save('Note', { text: 'made offline' })).id);
  await a.datastore.delete('Note', gone);
  await drained(a);
  await new Promise((r) => setTimeout(r, 1_100));
  // The server's own first purge (1 s after start) may already have taken it: `_ttl` is whole
  // seconds, so a tombstone can expire as soon as 0.x s after it was written. Gone is what counts.
  await h.server.purge();
  assert.equal(await serverNote(gone), null, 'the tombstone is gone from the server');

  await b.worker.start();
  assert.equal(await b.datastore.get('Note', gone), undefined, 'the full sync removed the record');
  const synced = b.events.filter((e) => e.type === 'modelSynced' && e.data.model === 'Note').at(-1);
  assert.ok(synced?.type === 'modelSynced' && synced.data.isFullSync && synced.data.counts.deleted >= 1);
  await drained(b);
  assert.equal((await b.datastore.get('Note', kept))?.text, 'made offline', 'a pending create was never removed');
  assert.equal((await serverNote(kept))?.text, 'made offline');
});

test('selective sync restricts sync and subscriptions; a changed predicate re-syncs that model in full', async () => {
  const writer = client({ models: ['Ticket'] });
  await writer.worker.start();
  const low = String((await writer.datastore.save('Ticket', { title: 'low', priority: 1 })).id);
  const high = String((await writer.datastore.save('Ticket', { title: 'high', priority: 9 })).id);
  await drained(writer);

  const reader = client({ models: ['Ticket'], syncExpressions: { Ticket: { field: 'priority', op: 'gt', value: 5 } } });
  await reader.worker.start();
  assert.equal((await reader.datastore.get('Ticket', high))?.title, 'high');
  assert.equal(await reader.datastore.get('Ticket', low), undefined, 'outside the predicate: not synced');

  const lowLive = String((await writer.datastore.save('Ticket', { title: 'low live', priority: 2 })).id);
  const highLive = String((await writer.datastore.save('Ticket', { title: 'high live', priority: 7 })).id);
  await drained(writer);
  await waitFor('the matching event', async () => (await reader.datastore.get('Ticket', highLive)) !== undefined);
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(await reader.datastore.get('Ticket', lowLive), undefined, 'a non-matching event is not stored');

  await reader.worker.setSyncExpressions({ Ticket: { field: 'priority', op: 'lt', value: 5 } });
  const synced = reader.events.filter((e) => e.type === 'modelSynced' && e.data.model === 'Ticket').at(-1);
  assert.ok(synced?.type === 'modelSynced' && synced.data.isFullSync, 'changed predicate → full sync');
  assert.equal((await reader.datastore.get('Ticket', low))?.title, 'low');
  assert.equal((await reader.datastore.get('Ticket', lowLive))?.title, 'low live');
  assert.equal(await reader.datastore.get('Ticket', high), undefined, 'records outside the new predicate are removed by the full sync');
  const meta = await reader.datastore.syncMetadata.getSyncMetadata('Ticket');
  assert.match(String(meta?.lastSyncPredicate), /"lt"/);
});

test('hitting maxRecordsToSync is reported with how many records were left out', async () => {
  const writer = client({ models: ['Note'] });
  await writer.worker.start();
  const before = (await h.gql(h.key, 'query { syncNotes(limit: 1000) { items { id } } }')).body.data?.syncNotes as { items: unknown[] };
  for (let i = 0; i < 7; i++) await writer.datastore.save('Note', { text: `n${i}` });
  await drained(writer);
  const total = before.items.length + 7;

  const capped = client({ models: ['Note'], maxRecordsToSync: 3, syncPageSize: 2 });
  await capped.worker.start();
  const limit = capped.events.find((e) => e.type === 'syncLimitReached');
  assert.ok(limit?.type === 'syncLimitReached');
  // The server counts the whole sync on its first page (syncTotals): total is its count.
  assert.deepEqual(limit.data, { model: 'Note', maxRecordsToSync: 3, received: 3, leftOut: total - 3, total });
  const progress = capped.events.filter((e) => e.type === 'syncProgress').map((e) => e.type === 'syncProgress' && e.data.received);
  assert.deepEqual(progress, [2, 3]);
});
