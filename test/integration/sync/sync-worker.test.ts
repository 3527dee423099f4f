import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, type Harness } from '../server/server-harness.js';
import { authOf, drained, openClient, waitFor, type TestClient } from './sync-clients.js';

let h: Harness;
const clients: TestClient[] = [];
before(async () => {
  h = await startHarness('sqlite');
});
after(async () => {
  for (const c of clients) await c.dispose();
  await h.close();
});
/** An API-key client of the public models (Note: OPTIMISTIC_CONCURRENCY, Ticket: custom resolver). */
function client(options: Parameters<typeof openClient>[2] = {}): TestClient {
  const c = openClient(h.server.url, authOf(h.key), { models: ['Note', 'Ticket'], ...options });
  clients.push(c);
  return c;
}

test('start on an empty store: events in Amplify order, then edits flow both ways', async () => {
  const a = client();
  const b = client();
  await a.worker.start();
  await b.worker.start();
  const types = a.events.map((e) => e.type);
  const order = ['outboxStatus', 'networkStatus', 'subscriptionsEstablished', 'syncQueriesStarted', 'syncQueriesReady', 'ready'];
  assert.deepEqual(
    types.filter((t) => order.includes(t)),
    order,
    types.join(','),
  );
  // Independent models sync in parallel, so their order varies.
  assert.deepEqual(
    a.events
      .filter((e) => e.type === 'modelSynced')
      .map((e) => e.data.model)
      .sort(),
    ['Note', 'Ticket'],
  );
  assert.deepEqual(
    a.events.filter((e) => e.type === 'error'),
    [],
  );

  const saved = await a.datastore.save('Note', { text: 'hello', count: 1 });
  await drained(a);
  const local = await a.datastore.get('Note', String(saved.id));
  assert.equal(local?._version, 1, 'the server answer (version 1) is applied locally');
  await waitFor('b to receive the note', async () => (await b.datastore.get('Note', String(saved.id)))?.text === 'hello');

  await b.datastore.save('Note', { ...(await b.datastore.get('Note', String(saved.id)))!, count: 2 });
  await waitFor('a to receive the update', async () => (await a.datastore.get('Note', String(saved.id)))?.count === 2);
  assert.equal((await a.datastore.get('Note', String(saved.id)))?._version, 2);
});

test('stop keeps data and outbox; a restart sends the queued edits; clear wipes everything', async () => {
  const a = client();
  await a.worker.start();
  const kept = await a.datastore.save('Note', { text: 'synced' });
  await drained(a);
  await a.worker.stop();
  const queued = await a.datastore.save('Note', { text: 'queued while stopped' });
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(await a.datastore.outbox.outboxCount(), 1, 'nothing is sent while stopped');
  assert.equal((await a.datastore.get('Note', String(kept.id)))?.text, 'synced');
  await a.worker.start();
  await drained(a);
  assert.equal((await a.datastore.get('Note', String(queued.id)))?._version, 1);
  const meta = await a.datastore.syncMetadata.getSyncMetadata('Note');
  assert.ok(meta?.lastSync !== null && meta?.lastFullSync !== null);
  const lastSynced = a.events.filter((e) => e.type === 'modelSynced' && e.data.model === 'Note').at(-1);
  assert.ok(lastSynced?.type === 'modelSynced' && lastSynced.data.isDeltaSync, 'the restart ran a delta sync');

  await a.worker.clear();
  assert.deepEqual(await a.datastore.query('Note'), []);
  assert.equal(await a.datastore.syncMetadata.getSyncMetadata('Note'), null);
});

test('syncNow runs a delta round on demand', async () => {
  const a = client();
  await a.worker.start();
  const before = a.events.filter((e) => e.type === 'syncQueriesReady').length;
  await a.worker.syncNow();
  assert.equal(a.events.filter((e) => e.type === 'syncQueriesReady').length, before + 1);
});

test('many rounds in one session leave no abort listeners behind (no EventTarget leak warning)', async () => {
  const a = client();
  await a.worker.start();
  const warnings: string[] = [];
  const onWarning = (warning: Error): void => {
    warnings.push(`${warning.name}: ${warning.message}`);
  };
  process.on('warning', onWarning);
  try {
    for (let i = 0; i < 15; i++) await a.worker.syncNow();
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    process.off('warning', onWarning);
  }
  assert.deepEqual(
    warnings.filter((w) => /MaxListeners|memory leak/i.test(w)),
    [],
  );
});

test('bad options are refused with a message naming them', () => {
  assert.throws(() => openClient(h.server.url, authOf(h.key), { syncPageSize: 0 }), /syncPageSize must be a positive number/);
  assert.throws(() => openClient(h.server.url, authOf(h.key), { syncExpressions: { Nope: null } }), /Nope/);
  assert.throws(() => openClient(h.server.url, authOf(h.key), { models: ['Nope'] }), /models names Nope/);
});
