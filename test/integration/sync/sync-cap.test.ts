// The sync cap is visible and never permanent (issue 9 point 4), against the real server: a model
// `maxRecordsToSync` stops is reported with the server's count (syncLimitReached … 50 of 120),
// announced as incomplete (modelSynced complete: false) and NOT recorded as synced, so the next
// round continues the same sync from where it stopped — with the cap raised the rest arrives at
// once; with the cap kept every round brings up to the cap more until the model is complete, for
// full and delta syncs alike; after a restart (the resume point is in memory) the model, never
// recorded as synced, syncs again from the start.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, type Harness } from '../server/server-harness.js';
import type { SyncEventMap } from '../../../main/sync/sync-events.js';
import { authOf, openClient, type TestClient } from './sync-clients.js';

let h: Harness;
const clients: TestClient[] = [];
before(async () => {
  h = await startHarness('sqlite');
  await createNotes(120, 'seed');
});
after(async () => {
  for (const c of clients) await c.dispose();
  await h.close();
});

/** Creates `n` Notes on the server as another client would (aliased creates, 40 per request). */
async function createNotes(n: number, label: string): Promise<void> {
  for (let start = 0; start < n; start += 40) {
    const fields = Array.from({ length: Math.min(40, n - start) }, (_, i) => `c${i}: createNote(input: { text: "${label} ${start + i}" }) { id }`);
    const { body } = await h.gql(h.key, `mutation { ${fields.join(' ')} }`);
    assert.equal(body.errors, undefined, JSON.stringify(body.errors));
  }
}

function client(options: Parameters<typeof openClient>[2] = {}): TestClient {
  const c = openClient(h.server.url, authOf(h.key), { models: ['Note'], syncPageSize: 20, maxRecordsToSync: 50, ...options });
  clients.push(c);
  return c;
}

const localCount = async (c: TestClient): Promise<number> => (await c.datastore.query('Note')).length;
const limits = (c: TestClient): Array<SyncEventMap['syncLimitReached']> => c.events.flatMap((e) => (e.type === 'syncLimitReached' ? [e.data] : []));
const syncs = (c: TestClient): Array<SyncEventMap['modelSynced']> => c.events.flatMap((e) => (e.type === 'modelSynced' ? [e.data] : []));

test('cap 50 on 120 records: 50 arrive, "50 of 120" is reported, the model is not recorded as synced; raising the cap brings the rest', async () => {
  const capped = client();
  await capped.worker.start();
  assert.equal(await localCount(capped), 50);
  assert.deepEqual(limits(capped), [{ model: 'Note', maxRecordsToSync: 50, received: 50, leftOut: 70, total: 120 }]);
  assert.deepEqual(
    syncs(capped).map((s) => ({ complete: s.complete, isFullSync: s.isFullSync, new: s.counts.new })),
    [{ complete: false, isFullSync: true, new: 50 }],
  );
  const meta = await capped.datastore.syncMetadata.getSyncMetadata('Note');
  assert.equal(meta?.lastSync, null, 'a capped sync records no lastSync: no later delta can skip the rest');
  assert.equal(meta?.lastFullSync, null);
  assert.equal(capped.datastore.syncMetadata.isSynced('Note'), false);
  await capped.close();

  // The user raises the cap: the next round (a new worker over the same profile) brings the rest.
  const raised = client({ file: capped.file, maxRecordsToSync: 1_000 });
  await raised.worker.start();
  assert.equal(await localCount(raised), 120);
  assert.deepEqual(limits(raised), []);
  const last = syncs(raised).at(-1);
  assert.equal(last?.complete, true);
  assert.equal(last?.isFullSync, true);
  const after = await raised.datastore.syncMetadata.getSyncMetadata('Note');
  assert.equal(typeof after?.lastSync, 'number', 'complete now: recorded');
  assert.equal(after?.lastFullSync, after?.lastSync);
});

test('with the cap kept, each round continues where the last stopped until every record is there; then deltas as usual', async () => {
  const kept = client();
  await kept.worker.start();
  assert.equal(await localCount(kept), 50);
  await kept.worker.syncNow();
  assert.equal(await localCount(kept), 100, 'the second round continued the same sync (no record fetched twice)');
  assert.deepEqual(limits(kept).at(-1), { model: 'Note', maxRecordsToSync: 50, received: 100, leftOut: 20, total: 120 });
  assert.deepEqual(
    syncs(kept).map((s) => s.counts.new),
    [50, 50],
    'each round merged only new records',
  );
  assert.equal(kept.datastore.syncMetadata.isSynced('Note'), false);
  await kept.worker.syncNow();
  assert.equal(await localCount(kept), 120);
  assert.equal(limits(kept).length, 2, 'the third round completed within the cap');
  assert.deepEqual(
    syncs(kept).map((s) => s.complete),
    [false, false, true],
  );
  assert.equal(kept.datastore.syncMetadata.isSynced('Note'), true);

  // A delta larger than the cap (70 changes while the device was away) is continued the same way.
  const synced = await kept.datastore.syncMetadata.getSyncMetadata('Note');
  await kept.worker.stop();
  await createNotes(70, 'while away');
  await kept.worker.start();
  const delta = limits(kept).at(-1);
  assert.deepEqual(delta, { model: 'Note', maxRecordsToSync: 50, received: 50, leftOut: 20, total: 70 });
  assert.equal(syncs(kept).at(-1)?.isDeltaSync, true);
  assert.equal(syncs(kept).at(-1)?.complete, false);
  assert.deepEqual(await kept.datastore.syncMetadata.getSyncMetadata('Note'), synced, 'the capped delta left lastSync where it was');
  assert.equal(await localCount(kept), 170);
  await kept.worker.syncNow();
  assert.equal(await localCount(kept), 190);
  assert.equal(syncs(kept).at(-1)?.complete, true);
  const moved = await kept.datastore.syncMetadata.getSyncMetadata('Note');
  assert.ok((moved?.lastSync ?? 0) > (synced?.lastSync ?? 0), 'recorded once the delta completed');
});

test('after a restart mid-way the model, never recorded as synced, syncs again from the start and then continues', async () => {
  const first = client();
  await first.worker.start();
  assert.equal(await localCount(first), 50);
  await first.close();
  const again = client({ file: first.file });
  await again.worker.start();
  // The resume point was in memory: a full sync again from the first page (nothing recorded, nothing lost).
  assert.equal(syncs(again)[0]?.isFullSync, true);
  assert.equal(limits(again)[0]?.received, 50);
  const total = limits(again)[0]?.total ?? 0;
  assert.equal(total, 190);
  for (let round = 0; round < 5 && !again.datastore.syncMetadata.isSynced('Note'); round++) await again.worker.syncNow();
  assert.equal(await localCount(again), 190);
  assert.equal(syncs(again).at(-1)?.complete, true);
});
