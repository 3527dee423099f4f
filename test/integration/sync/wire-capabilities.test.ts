// Batching only where announced (issue 10), against the real server through a recording proxy:
// the Outpost server's `extensions.outpost` turns batching and mutation ids on; the same server
// behind a proxy that strips the announcement (a backend without it, as AWS AppSync is) gets one
// unaliased mutation per request, no mutation ids — and the creates still reach a second device
// live, by subscription, not by a later sync round.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, type Harness } from '../server/server-harness.js';
import { authOf, drained, openClient, waitFor, type TestClient } from './sync-clients.js';
import { rootFields, startRecordingProxy, type RecordingProxy } from './wire-recording-proxy.js';

let h: Harness;
const proxies: RecordingProxy[] = [];
const clients: TestClient[] = [];
before(async () => {
  h = await startHarness('sqlite');
});
after(async () => {
  for (const c of clients) await c.dispose();
  for (const p of proxies) await p.close();
  await h.close();
});

async function proxied(mode: 'pass' | 'strip'): Promise<RecordingProxy> {
  const proxy = await startRecordingProxy(h.server.port, mode);
  proxies.push(proxy);
  return proxy;
}

function client(endpoint: string, options: Parameters<typeof openClient>[2] = {}): TestClient {
  const c = openClient(endpoint, authOf(h.key), { models: ['Note'], maxConcurrentMutations: 32, maxMutationsPerRequest: 8, ...options });
  clients.push(c);
  return c;
}

/** Queues `n` creates while the device is stopped, then starts it and waits for the outbox to drain. */
async function offlineCreates(device: TestClient, n: number, label: string): Promise<string[]> {
  await device.worker.stop();
  const ids: string[] = [];
  for (let i = 0; i < n; i++) ids.push(String((await device.datastore.save('Note', { text: `${label} ${i}`, count: i })).id));
  await device.worker.start();
  await drained(device, 20_000);
  return ids;
}

test('the Outpost server announces batching and mutation ids; the outbox then batches and sends each entry’s id', async () => {
  const proxy = await proxied('pass');
  const device = client(proxy.url());
  await device.worker.start();
  assert.equal(device.worker.capabilities.state, 'announced');
  for (const c of ['mutationBatching', 'mutationIds', 'syncTotals'] as const) assert.equal(device.worker.capabilities.has(c), true, c);
  const first = proxy.exchanges[0];
  assert.deepEqual((first.response?.extensions?.outpost as { capabilities?: unknown }).capabilities, ['mutationBatching', 'mutationIds', 'syncTotals']);

  const ids = await offlineCreates(device, 20, 'batched');
  const sent = proxy.mutations();
  const perRequest = sent.map((s) => rootFields(s.body.query).length);
  assert.ok(
    perRequest.some((n) => n > 1),
    `some request carried several mutations: ${JSON.stringify(perRequest)}`,
  );
  assert.ok(
    perRequest.every((n) => n <= 8),
    'maxMutationsPerRequest stays the upper bound',
  );
  assert.equal(
    perRequest.reduce((a, b) => a + b, 0),
    20,
  );
  for (const s of sent) {
    const fields = rootFields(s.body.query);
    const ids = (s.body.extensions?.outpostMutationIds ?? {}) as Record<string, string>;
    // Keyed by response key: the alias in a batch, the field name for a lone mutation.
    const keys = fields.map((f) => (f.includes(':') ? f.split(':')[0] : f));
    assert.deepEqual(Object.keys(ids).sort(), [...keys].sort(), `every mutation carries its id: ${s.text}`);
    for (const id of Object.values(ids)) assert.ok(id.length > 0 && id.length <= 200);
  }
  const allIds = sent.flatMap((s) => Object.values((s.body.extensions?.outpostMutationIds ?? {}) as Record<string, string>));
  assert.equal(new Set(allIds).size, 20, 'one id per outbox entry');
  for (const id of ids) {
    const server = (await h.gql(h.key, `query { getNote(id: "${id}") { _version } }`)).body.data?.getNote;
    assert.deepEqual(server, { _version: 1 });
  }
});

test('a backend without the announcement gets one unaliased mutation per request, no ids, and a second device hears every create live', async () => {
  const proxy = await proxied('strip');
  const listener = client(proxy.url());
  await listener.worker.start();
  const device = client(proxy.url());
  await device.worker.start();
  assert.equal(device.worker.capabilities.state, 'none');
  const listenerRounds = listener.events.filter((e) => e.type === 'modelSynced').length;

  const before = proxy.mutations().length;
  const ids = await offlineCreates(device, 12, 'appsync-style');
  const sent = proxy.mutations().slice(before);
  assert.equal(sent.length, 12, 'one request per mutation');
  for (const s of sent) {
    assert.deepEqual(rootFields(s.body.query), ['createNote'], `unaliased, alone: ${s.body.query}`);
    assert.equal('extensions' in s.body, false, 'no mutation ids to a backend without the capability');
  }
  await waitFor(
    'the second device to hold every create',
    async () => (await Promise.all(ids.map((id) => listener.datastore.get('Note', id)))).every((r) => r?._version === 1),
    15_000,
  );
  assert.equal(listener.events.filter((e) => e.type === 'modelSynced').length, listenerRounds, 'they came by subscription, not by a sync round');
});
