// The server goes away in the middle of a client's first (paged) sync and comes back: the client
// reports going offline, retries with backoff and ends with exactly the server's records.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { openClient, waitFor, type TestClient } from '../../integration/sync/sync-clients.js';
import { seedNotes, serverNotes, startFaultServer, type FaultServer } from './fault-server.js';

let fs: FaultServer;
let c: TestClient | null = null;
before(async () => {
  fs = await startFaultServer();
});
after(async () => {
  await c?.dispose();
  await fs.close();
});

test('server stopped mid-sync and restarted: the sync resumes and completes', async () => {
  await seedNotes(fs, 300);
  c = openClient(fs.endpoint, { type: 'apiKey', apiKey: fs.apiKey }, { models: ['Note'], syncPageSize: 20 });
  fs.proxy.setDelay(20); // slow enough to stop the server between pages
  const started = c.worker.start();
  await waitFor('the first pages', () => c!.events.some((e) => e.type === 'syncProgress' && e.data.received >= 60), 20_000);
  await fs.stop();
  await started; // ready fires offline
  assert.ok(
    c.events.some((e) => e.type === 'networkStatus' && !e.data.active),
    'went offline',
  );
  const partial = (await c.datastore.query('Note')).length;
  assert.ok(partial < 300, `only part was synced before the stop (${partial})`);

  await fs.restart();
  fs.proxy.setDelay(0);
  await waitFor('the model to be synced', () => c!.events.some((e) => e.type === 'modelSynced' && e.data.model === 'Note'), 30_000);
  const local = await c.datastore.query('Note', { limit: 5000 });
  const server = await serverNotes(fs);
  assert.equal(local.length, server.size);
  for (const note of local) assert.equal(server.get(String(note.id))?._version, note._version);
  const lastStatus = c.events.filter((e) => e.type === 'networkStatus').at(-1);
  assert.ok(lastStatus?.type === 'networkStatus' && lastStatus.data.active, 'back online');
});

test('started while the server is unreachable: ready offline, edits queue, everything syncs once it is up', async () => {
  fs.proxy.setMode('refuse');
  const offline = openClient(fs.endpoint, { type: 'apiKey', apiKey: fs.apiKey }, { models: ['Note'] });
  try {
    await offline.worker.start();
    assert.deepEqual(
      offline.events
        .filter((e) => e.type === 'networkStatus' || e.type === 'ready')
        .map((e) => (e.type === 'networkStatus' ? `network:${e.data.active}` : e.type)),
      ['network:false', 'ready'],
    );
    const id = String((await offline.datastore.save('Note', { text: 'written offline' })).id);
    await new Promise((r) => setTimeout(r, 300));
    fs.proxy.setMode('pass');
    await waitFor('the first sync', () => offline.events.some((e) => e.type === 'modelSynced'), 30_000);
    await waitFor('the offline edit to reach the server', async () => (await serverNotes(fs)).get(id)?._version === 1, 30_000);
    assert.equal((await offline.datastore.get('Note', id))?._version, 1);
    assert.equal((await offline.datastore.query('Note', { limit: 5000 })).length, (await serverNotes(fs)).size);
  } finally {
    fs.proxy.setMode('pass');
    await offline.dispose();
  }
});

test('stop() during a sync that hangs (black-holed network) returns promptly and keeps the data', async () => {
  const c2 = openClient(fs.endpoint, { type: 'apiKey', apiKey: fs.apiKey }, { models: ['Note'], syncPageSize: 20 });
  try {
    fs.proxy.setDelay(30);
    void c2.worker.start();
    await waitFor('the first page', () => c2.events.some((e) => e.type === 'syncProgress'), 20_000);
    fs.proxy.setMode('blackhole');
    await new Promise((r) => setTimeout(r, 100));
    const t0 = Date.now();
    await c2.worker.stop();
    assert.ok(Date.now() - t0 < 5_000, `stop took ${Date.now() - t0} ms`);
    assert.ok((await c2.datastore.query('Note', { limit: 5000 })).length >= 20, 'pages already merged are kept');
  } finally {
    fs.proxy.setMode('pass');
    fs.proxy.setDelay(0);
    await c2.dispose();
  }
});
