// Finding things in the local store, on real SQLite files: the FTS5 search index follows every
// write (local saves, sync merges, deletes, clear) in the same transaction, ignores case and
// accents, is rebuilt when the model's text fields change; "newest first" puts a record saved on
// this device (offline, never synced) before everything the server sent; `ignoreCase` folds text
// comparisons in `where`; per-row marks tell unsynced and under-review records.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { parseSchema } from '../../../common/schema/parse-schema.js';
import { openDatastore } from '../../../main/datastore/datastore.js';
import { searchMatch } from '../../../main/datastore/search-index.js';
import { CHANGED_AT_SORT_FIELD } from '../../../common/predicates/recency.js';
import { openTemp, rawRows, tempDir } from './temp-datastore.js';

const remote = (id: string, name: string, at: number, extra: Record<string, unknown> = {}) => ({
  id,
  name,
  code: null,
  tags: null,
  _version: 1,
  _lastChangedAt: at,
  _deleted: null,
  ...extra,
});

const names = (records: readonly Record<string, unknown>[]) => records.map((r) => String(r.name));

test('searchMatch: every word a quoted prefix, quotes escaped, punctuation-only words dropped', () => {
  const cases: [string, string | null][] = [
    ['', null],
    ['   ', null],
    ['-- !!', null],
    ['east', '"east"*'],
    ['  North   ridge ', '"North"* "ridge"*'],
    ['say "hi"', '"say"* """hi"""*'],
    ['école', '"école"*'],
    ['AND OR NOT', '"AND"* "OR"* "NOT"*'],
  ];
  for (const [input, expected] of cases) assert.equal(searchMatch(input), expected, JSON.stringify(input));
});

test('search ignores case and accents, matches word prefixes in any text field, and counts the same', async (t) => {
  const { store } = openTemp(t);
  await store.save('Site', { name: 'École du Nord', code: 'EN-1' });
  await store.save('Site', { name: 'East ridge', tags: ['Forêt', 'river'] });
  await store.save('Site', { name: 'West bank', code: 'WB' });
  const search = async (text: string) => names(await store.query('Site', { search: text, sort: [{ field: 'name', direction: 'asc' }] }));
  assert.deepEqual(await search('ecole'), ['École du Nord']);
  assert.deepEqual(await search('ÉCOLE nord'), ['École du Nord']);
  assert.deepEqual(await search('east'), ['East ridge']);
  assert.deepEqual(await search('foret'), ['East ridge'], 'a list of strings is searched too');
  assert.deepEqual(await search('wb'), ['West bank'], 'the code field is searched');
  assert.deepEqual(await search('e'), ['East ridge', 'École du Nord'], 'one letter is a prefix of École, East and EN');
  assert.deepEqual(await search('nothing'), []);
  assert.deepEqual(await search('  '), ['East ridge', 'West bank', 'École du Nord'], 'an empty search filters nothing');
  assert.equal(await store.count('Site', undefined, { search: 'e' }), 2);
  assert.equal(await store.count('Site', { field: 'code', op: 'attributeExists', value: true }, { search: 'e' }), 1);
});

test('the index follows updates, sync merges and deletes, in the transaction that writes the row', async (t) => {
  const { store } = openTemp(t);
  const saved = await store.save('Site', { name: 'Alder farm' });
  await store.save('Site', { id: saved.id, name: 'Birch farm' });
  assert.deepEqual(names(await store.query('Site', { search: 'alder' })), [], 'the old words are gone after an update');
  assert.deepEqual(names(await store.query('Site', { search: 'birch' })), ['Birch farm']);

  await store.remote.applyRemote('Site', [remote('r1', 'Cedar hill', 1000), remote('r2', 'Dune', 1000)], { isFullSync: true });
  assert.deepEqual(names(await store.query('Site', { search: 'cedar' })), ['Cedar hill'], 'merged rows are searchable');
  await store.remote.applyRemote('Site', [remote('r1', 'Elm hill', 2000, { _version: 2 })]);
  assert.deepEqual(names(await store.query('Site', { search: 'cedar' })), []);
  assert.deepEqual(names(await store.query('Site', { search: 'elm' })), ['Elm hill']);
  await store.remote.applyRemote('Site', [remote('r2', 'Dune', 3000, { _version: 2, _deleted: true })]);
  assert.deepEqual(names(await store.query('Site', { search: 'dune' })), [], 'a remote delete leaves the index');
  await store.delete('Site', String(saved.id));
  assert.deepEqual(names(await store.query('Site', { search: 'birch' })), []);

  // A failing transaction leaves the index as it was.
  assert.throws(() =>
    (store as unknown as { core: { conn: { transaction(fn: () => void): void } } }).core.conn.transaction(() => {
      void store.save('Site', { name: 'Fir' });
      throw new Error('roll back');
    }),
  );
  assert.deepEqual(names(await store.query('Site', { search: 'fir' })), []);
});

test('clear empties the index: no word of the previous data is left to find', async (t) => {
  const { store, file } = openTemp(t);
  await store.save('Site', { name: 'Secretplace' });
  await store.clear();
  assert.deepEqual(await store.query('Site', { search: 'secretplace' }), []);
  await store.save('Site', { name: 'After clear' });
  assert.deepEqual(names(await store.query('Site', { search: 'after' })), ['After clear'], 'the index works after the VACUUM');
  assert.equal(rawRows(file, `SELECT count(*) AS n FROM "_outpost_search_Site_docsize"`)[0]?.n, 1, 'one document indexed: the new one');
});

test('a changed set of text fields re-creates and rebuilds the index at open', async (t) => {
  const file = join(tempDir(t), 'outpost.db');
  const v1 = parseSchema('type Note @model { id: ID! title: String! score: Int }', 'v1.graphql');
  const v2 = parseSchema('type Note @model { id: ID! title: String! score: Int body: String }', 'v2.graphql');
  const first = openDatastore({ file, schema: v1 });
  await first.save('Note', { id: 'n1', title: 'Kestrel' });
  await first.close();
  const second = openDatastore({ file, schema: v2 });
  t.after(() => second.close());
  // The index was re-created for (title, body): finding the old row proves it was rebuilt from the table.
  assert.deepEqual(
    (await second.query('Note', { search: 'kestrel' })).map((r) => r.id),
    ['n1'],
  );
  await second.save('Note', { id: 'n1', body: 'Ptarmigan' });
  assert.deepEqual(
    (await second.query('Note', { search: 'ptarmigan' })).map((r) => r.id),
    ['n1'],
  );
  const sql = String(rawRows(file, `SELECT sql FROM sqlite_master WHERE name = '_outpost_search_Note'`)[0]?.sql);
  assert.match(sql, /"title", "body"/);
});

test('newest first: a record saved on this device sorts before everything the server sent, and an edit brings one forward', async (t) => {
  const { store } = openTemp(t);
  const now = Date.now();
  await store.remote.applyRemote('Site', [remote('a', 'Old', now - 3_000_000), remote('b', 'Recent', now - 1000), remote('c', 'Older', now - 2_000_000)], {
    isFullSync: true,
  });
  await store.save('Site', { id: 'zzz-offline', name: 'Made offline' });
  const newest = async () => names(await store.query('Site', { sort: [{ field: CHANGED_AT_SORT_FIELD, direction: 'desc' }], limit: 10 }));
  assert.deepEqual(await newest(), ['Made offline', 'Recent', 'Older', 'Old']);
  await new Promise((resolve) => setTimeout(resolve, 5));
  await store.save('Site', { id: 'a', name: 'Old, edited' });
  assert.deepEqual(await newest(), ['Old, edited', 'Made offline', 'Recent', 'Older']);
  assert.deepEqual(names(await store.query('Site', { sort: [{ field: CHANGED_AT_SORT_FIELD, direction: 'asc' }], limit: 2 })), ['Older', 'Recent']);
  // A colleague's change arriving later: the record sorts by the server's time of it.
  await store.remote.applyRemote('Site', [remote('c', 'Older, changed elsewhere', now + 60_000, { _version: 2 })]);
  assert.deepEqual((await newest())[0], 'Older, changed elsewhere');
  await store.remote.applyRemote('Site', [remote('b', 'Recent, changed elsewhere long ago', now - 9_000_000, { _version: 2 })]);
  assert.equal((await newest()).at(-1), 'Recent, changed elsewhere long ago', 'a change from elsewhere replaces the local time, it does not add to it');
});

test('the first newest-first page is read from the recency index, not sorted', async (t) => {
  const { store, file } = openTemp(t);
  await store.save('Site', { name: 'x' });
  await store.close();
  const db = new Database(file, { readonly: true });
  try {
    const plan = db
      .prepare(`EXPLAIN QUERY PLAN SELECT * FROM "Site" ORDER BY coalesce("_localChangedAt", "_lastChangedAt", 0) desc, "id" asc LIMIT 25`)
      .all()
      .map((row) => String((row as { detail: string }).detail))
      .join('\n');
    assert.match(plan, /_outpost_recency_Site/);
    assert.doesNotMatch(plan, /TEMP B-TREE/);
  } finally {
    db.close();
  }
});

test('ignoreCase: text comparisons in where ignore case and accents; without it they do not', async (t) => {
  const { store } = openTemp(t);
  await store.save('Site', { name: 'East Ridge', tags: ['Forêt'] });
  await store.save('Site', { name: 'Éstuary' });
  await store.save('Site', { name: 'west' });
  const q = async (where: Parameters<typeof store.query>[1] extends infer O ? (O extends { where?: infer W } ? W : never) : never, ignoreCase: boolean) =>
    names(await store.query('Site', { where, ignoreCase, sort: [{ field: 'name', direction: 'asc' }] })).join('|');
  assert.equal(await q({ field: 'name', op: 'contains', value: 'east' }, false), '');
  assert.equal(await q({ field: 'name', op: 'contains', value: 'east' }, true), 'East Ridge');
  assert.equal(await q({ field: 'name', op: 'beginsWith', value: 'É' }, true), 'East Ridge|Éstuary');
  assert.equal(await q({ field: 'name', op: 'beginsWith', value: 'É' }, false), 'Éstuary');
  assert.equal(await q({ field: 'name', op: 'eq', value: 'WEST' }, true), 'west');
  assert.equal(await q({ field: 'name', op: 'ne', value: 'WEST' }, true), 'East Ridge|Éstuary');
  assert.equal(await q({ field: 'tags', op: 'contains', value: 'foret' }, true), 'East Ridge');
  assert.equal(await q({ field: 'name', op: 'in', value: ['estuary', 'nowhere'] }, true), 'Éstuary');
  assert.equal(await store.count('Site', { field: 'name', op: 'contains', value: 'EAST' }, { ignoreCase: true }), 1);
});

test('marks: unsynced for records with outbox entries, review for records with open review items', async (t) => {
  const { store } = openTemp(t);
  await store.remote.applyRemote('Site', [remote('s1', 'Synced', 1000), remote('s2', 'Reviewed', 1000)], { isFullSync: true });
  const local = await store.save('Site', { name: 'Local' });
  await store.reviews.add({
    kind: 'overridden',
    model: 'Site',
    modelId: 's2',
    operation: 'Update',
    fields: ['code'],
    mine: { id: 's2', code: 'mine' },
    theirs: { id: 's2', code: 'theirs', _version: 3 },
    reason: 'Another device changed code first.',
  });
  const items = await store.query('Site', { sort: [{ field: 'name', direction: 'asc' }] });
  assert.deepEqual(names(items), ['Local', 'Reviewed', 'Synced']);
  assert.deepEqual(await store.marks('Site', items), [
    { unsynced: true, review: false },
    { unsynced: false, review: true },
    { unsynced: false, review: false },
  ]);
  assert.equal(local.name, 'Local');
  assert.deepEqual(await store.marks('Site', []), []);
});
