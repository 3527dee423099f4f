// The real-time socket is cut while edits happen on both sides: events published during the
// outage are lost for the cut client, so after reconnecting it must catch up with a delta sync,
// and its own edits queued meanwhile must reach the server exactly once. Seeded: the seed is
// printed and `SEED=<n>` replays a run.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { seededRandom } from '../../../main/sync/core/retry-policy.js';
import { drained, openClient, waitFor, type TestClient } from '../../integration/sync/sync-clients.js';
import { seedNotes, serverNotes, startFaultServer, type FaultServer } from './fault-server.js';

const seed = Number(process.env.SEED ?? Math.floor(Math.random() * 2 ** 31));
const random = seededRandom(seed);
let fs: FaultServer;
const clients: TestClient[] = [];
before(async () => {
  console.log(`websocket-cut seed: ${seed} (replay with SEED=${seed})`);
  fs = await startFaultServer();
});
after(async () => {
  for (const c of clients) await c.dispose();
  await fs.close();
});

test(`WebSocket cut during edits: missed events recovered by a delta sync, queued edits sent once (seed ${seed})`, async () => {
  const ids = await seedNotes(fs, 30);
  const direct = openClient(fs.server!.url, { type: 'apiKey', apiKey: fs.apiKey }, { models: ['Note'], backoff: { maxDelayMs: 300, random } });
  const cut = openClient(fs.endpoint, { type: 'apiKey', apiKey: fs.apiKey }, { models: ['Note'], backoff: { maxDelayMs: 300, random } });
  clients.push(direct, cut);
  await Promise.all([direct.worker.start(), cut.worker.start()]);
  assert.equal((await cut.datastore.query('Note', { limit: 100 })).length, 30);

  fs.proxy.setMode('refuse');
  assert.ok(fs.proxy.cutAll() >= 1, 'the socket went through the proxy');
  await waitFor('the cut client to notice', () => cut.events.some((e) => e.type === 'networkStatus' && !e.data.active));

  // Disjoint random halves: `direct` edits some notes, `cut` (offline now) edits others.
  const shuffled = [...ids].sort(() => random() - 0.5);
  const byDirect = shuffled.slice(0, 12);
  const byCut = shuffled.slice(12, 20);
  for (const id of byDirect) await direct.datastore.save('Note', { id, text: `direct ${id}` });
  for (const id of byCut) await cut.datastore.save('Note', { id, text: `cut ${id}` });
  const created = String((await direct.datastore.save('Note', { text: 'created during the cut' })).id);
  await drained(direct);
  await new Promise((r) => setTimeout(r, 200 + Math.floor(random() * 300)));

  const deltaBefore = cut.events.filter((e) => e.type === 'modelSynced' && e.data.isDeltaSync).length;
  fs.proxy.setMode('pass');
  await drained(cut, 20_000);
  await waitFor(
    'a delta sync after the reconnect',
    () => cut.events.filter((e) => e.type === 'modelSynced' && e.data.isDeltaSync).length > deltaBefore,
    20_000,
  );

  const server = await serverNotes(fs);
  for (const id of byDirect) {
    assert.equal((await cut.datastore.get('Note', id))?.text, `direct ${id}`, `seed ${seed}: missed edit of ${id} recovered`);
  }
  assert.equal((await cut.datastore.get('Note', created))?.text, 'created during the cut', `seed ${seed}: missed create recovered`);
  for (const id of byCut) {
    assert.deepEqual([server.get(id)?.text, server.get(id)?._version], [`cut ${id}`, 2], `seed ${seed}: ${id} applied exactly once`);
  }
  await waitFor('the direct client to see the cut client edits', async () => {
    for (const id of byCut) if ((await direct.datastore.get('Note', id))?.text !== `cut ${id}`) return false;
    return true;
  });
});
