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
  assert.ok(c.events.some((e) => e.type === 'networkStatus' && !e.data.active), 'went offline');
  const partial = (await c.datastore.query('Note')).length;
  assert.ok(partial < 300, `only part was synced before the stop (${partial})`);

  await fs.restart();
  fs.proxy.setDelay(0);
  await waitFor('the model to be synced', () => c!.events.some((e) => e.type === 'modelSynced' && e.data.model === 'Note'), 30_000);
  const local = await c.datastore.query("Note", { limit: 5000 });
  const server = await serverNotes(fs);
  assert.equal(local.length, server.size);
  for (const note of local) assert.equal(server.get(String(note.id))?._version, note._version);
  const lastStatus = c.events.filter((e) => e.type === 'networkStatus').at(-1);
  assert.ok(lastStatus?.type === 'networkStatus' && lastStatus.data.active, 'back online');
});
