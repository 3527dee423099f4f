// A base sync into an empty table defers the search index and builds it once at the end
// (search-index.ts): searches give exactly what a store indexed row by row gives — during the sync
// (the first search catches up), after the full sync's cleanup, after writes made while deferred
// (local saves, updates, deletes, live merges), and after a reopen that finds the mark left behind.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { openDatastore, type Datastore } from '../../../main/datastore/datastore.js';
import { CHANGED_AT_SORT_FIELD } from '../../../common/predicates/recency.js';
import { SEARCH_DEFERRED_TABLE } from '../../../main/datastore/search-index.js';
import { exampleSchema, openTemp, rawRows, tempDir } from './temp-datastore.js';

const WORDS = ['north', 'south', 'ridge', 'river', 'école', 'forêt', 'quarry'];
const site = (i: number, version = 1, extra: Record<string, unknown> = {}) => ({
  id: `site-${String(i).padStart(4, '0')}`,
  name: `${WORDS[i % WORDS.length]} ${WORDS[(i * 3) % WORDS.length]} ${i}`,
  code: `C${i % 13}`,
  tags: null,
  _version: version,
  _lastChangedAt: 1_000 + i,
  _deleted: null,
  ...extra,
});
const pages = (count: number, size: number) => Array.from({ length: count / size }, (_, p) => Array.from({ length: size }, (_, j) => site(p * size + j)));
const SEARCHES = ['north', 'ecole', 'ri', 'r', 'quarry south', 'C1', 'nothing-like-this', '12'];

async function searchAll(store: Datastore): Promise<{ search: string; ids: string[]; count: number }[]> {
  const out = [];
  for (const search of SEARCHES) {
    const rows = await store.query('Site', { search, sort: [{ field: CHANGED_AT_SORT_FIELD, direction: 'desc' }] });
    out.push({ search, ids: rows.map((r) => String(r.id)), count: await store.count('Site', undefined, { search }) });
  }
  return out;
}

const deferred = (file: string) => rawRows(file, `SELECT model FROM ${SEARCH_DEFERRED_TABLE}`).map((r) => String(r.model));

/** A store filled in pages below the deferral size: every row indexed by the triggers, the reference. */
async function reference(t: Parameters<typeof openTemp>[0], fill: (store: Datastore) => Promise<void>): Promise<Datastore> {
  const { store, file } = openTemp(t);
  await fill(store);
  assert.deepEqual(deferred(file), []);
  return store;
}

test('a base sync into an empty table defers the index; the full sync cleanup builds it; searches are those of a store indexed row by row', async (t) => {
  const { store, file } = openTemp(t);
  for (const page of pages(600, 200)) await store.remote.applyRemote('Site', page, { isFullSync: true });
  assert.deepEqual(deferred(file), ['Site']);
  assert.equal(rawRows(file, `SELECT count(*) AS n FROM "_outpost_search_Site_docsize"`)[0]!.n, 0, 'nothing indexed while deferred');
  await store.remote.removeMissing(
    'Site',
    Array.from({ length: 600 }, (_, i) => site(i).id),
  );
  assert.deepEqual(deferred(file), []);
  const expected = await reference(t, async (s) => {
    for (const page of pages(600, 50)) await s.remote.applyRemote('Site', page, { isFullSync: true });
  });
  assert.deepEqual(await searchAll(store), await searchAll(expected));
});

test('a search during the deferred sync catches up first; writes made while deferred are found after it', async (t) => {
  const { store, file } = openTemp(t);
  const [first, second, third] = pages(600, 200);
  await store.remote.applyRemote('Site', first!, { isFullSync: true });
  const saved = await store.save('Site', { name: 'Kestrel lookout' });
  await store.remote.applyRemote('Site', [site(3, 2, { name: 'renamed marsh 3' })]); // a live event
  await store.remote.applyRemote('Site', [site(4, 2, { _deleted: true })]);
  assert.deepEqual(deferred(file), ['Site']);
  assert.deepEqual(
    (await store.query('Site', { search: 'kestrel' })).map((r) => r.id),
    [saved.id],
  );
  assert.deepEqual(deferred(file), [], 'the search caught the index up');
  assert.equal((await store.query('Site', { search: 'marsh' })).length, 1);
  // Later pages of the same sync meet a non-empty table: indexed row by row again.
  await store.remote.applyRemote('Site', second!, { isFullSync: true });
  await store.remote.applyRemote('Site', third!, { isFullSync: true });
  assert.deepEqual(deferred(file), []);
  const expected = await reference(t, async (s) => {
    for (const page of pages(600, 50)) await s.remote.applyRemote('Site', page, { isFullSync: true });
    await s.save('Site', { id: saved.id, name: 'Kestrel lookout' });
    await s.remote.applyRemote('Site', [site(3, 2, { name: 'renamed marsh 3' })]);
    await s.remote.applyRemote('Site', [site(4, 2, { _deleted: true })]);
  });
  assert.deepEqual(await searchAll(store), await searchAll(expected));
});

test('a full sync into a table that has rows keeps indexing row by row', async (t) => {
  const { store, file } = openTemp(t);
  await store.save('Site', { name: 'already here' });
  for (const page of pages(400, 200)) await store.remote.applyRemote('Site', page, { isFullSync: true });
  assert.deepEqual(deferred(file), []);
  assert.equal((await store.query('Site', { search: 'already' })).length, 1);
});

test('a mark left by a sync that never finished (crash, stop) is caught up by the first search after reopening', async (t) => {
  const file = join(tempDir(t), 'outpost.db');
  const schema = exampleSchema();
  const first = openDatastore({ file, schema });
  for (const page of pages(400, 200)) await first.remote.applyRemote('Site', page, { isFullSync: true });
  await first.close();
  assert.deepEqual(deferred(file), ['Site']);
  const store = openDatastore({ file, schema });
  t.after(() => store.close());
  const expected = await reference(t, async (s) => {
    for (const page of pages(400, 50)) await s.remote.applyRemote('Site', page, { isFullSync: true });
  });
  assert.deepEqual(await searchAll(store), await searchAll(expected));
  assert.deepEqual(deferred(file), []);
});
