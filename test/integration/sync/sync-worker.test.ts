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
  assert.deepEqual(types.filter((t) => order.includes(t)), order, types.join(','));
  assert.deepEqual(a.events.filter((e) => e.type === 'modelSynced').map((e) => e.data.model), ['Note', 'Ticket']);
  assert.deepEqual(a.events.filter((e) => e.type === 'error'), []);

  const saved = await a.datastore.save('Note', { text: 'hello', count: 1 });
  await drained(a);
  const local = await a.datastore.get('Note', String(saved.id));
  assert.equal(local?._version, 1, 'the server answer (version 1) is applied locally');
  await waitFor('b to receive the note', async () => (await b.datastore.get('Note', String(saved.id)))?.text === 'hello');

  await b.datastore.save('Note', { ...(await b.datastore.get('Note', String(saved.id)))!, count: 2 });
  await waitFor('a to receive the update', async () => (await a.datastore.get('Note', String(saved.id)))?.count === 2);
  assert.equal((await a.datastore.get('Note', String(saved.id)))?._version, 2);
});
