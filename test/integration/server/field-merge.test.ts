// FIELD_MERGE and idempotent mutations over real HTTP, on SQLite and PostgreSQL: two devices'
// concurrent edits of different fields both survive, the same field keeps the server's value,
// lists merge both sides' additions and removals, a purged base falls back to AUTOMERGE; a mutation
// resent with its client mutation id is applied once under FIELD_MERGE, AUTOMERGE and
// OPTIMISTIC_CONCURRENCY (alone, batched with aliases, and after another device wrote).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { openKyselyStorage, openStorage } from '../../../server/storage/open-storage.js';
import { POST_FIELDS, postgresUnavailable, startHarness, type Caller, type Dialect, type GqlResponse, type Harness } from './server-harness.js';

const pgSkip = await postgresUnavailable();

type Item = Record<string, unknown>;

const CREATE_POST = `mutation operation($input: CreatePostInput!){ createPost(input: $input){ ${POST_FIELDS} } }`;
const UPDATE_POST = `mutation operation($input: UpdatePostInput!){ updatePost(input: $input){ ${POST_FIELDS} } }`;
const DELETE_POST = `mutation operation($input: DeletePostInput!){ deletePost(input: $input){ ${POST_FIELDS} } }`;
const GET_POST = `query operation($id: ID!){ getPost(id: $id){ ${POST_FIELDS} } }`;

function dataOf(res: GqlResponse, field: string): Item {
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.equal(res.body.errors, undefined, `unexpected errors: ${JSON.stringify(res.body.errors)}`);
  const value = res.body.data?.[field];
  assert.ok(value && typeof value === 'object', `no data for ${field}: ${JSON.stringify(res.body)}`);
  return value as Item;
}

function errorTypeOf(res: GqlResponse): string | null | undefined {
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body.errors?.[0]?.errorType;
}

function mergeSuite(dialect: Dialect): void {
  describe(`FIELD_MERGE on ${dialect}`, { skip: dialect === 'postgres' ? pgSkip : undefined }, () => {
    let h: Harness;
    let seq = 0;
    const newId = (prefix: string) => `${prefix}-${dialect}-${++seq}`;
    before(async () => {
      h = await startHarness(dialect, { conflictHandler: 'FIELD_MERGE' });
    });
    after(async () => {
      await h?.close();
    });

    const create = async (input: Item) => dataOf(await h.gql(h.alice, CREATE_POST, { input }), 'createPost');
    const update = async (input: Item) => dataOf(await h.gql(h.alice, UPDATE_POST, { input }), 'updatePost');

    test('two devices edit different fields of one record concurrently: both edits survive', async () => {
      const id = newId('diff');
      await create({ id, title: 'T0', rating: 1, meta: { a: 'a0', b: ['b0'] } });
      // Device B syncs first: title and meta.a.
      const b = await update({ id, title: 'T-B', meta: { a: 'a-B', b: ['b0'] }, _version: 1 });
      assert.equal(b._version, 2);
      // Device A, still at version 1: rating and meta.b.
      const a = await update({ id, rating: 5, meta: { a: 'a0', b: ['b0', 'b-A'] }, _version: 1 });
      assert.equal(a._version, 3);
      assert.equal(a.title, 'T-B');
      assert.equal(a.rating, 5);
      assert.deepEqual(a.meta, { a: 'a-B', b: ['b0', 'b-A'] });
      assert.deepEqual(dataOf(await h.gql(h.alice, GET_POST, { id }), 'getPost'), a);
    });

    test("both devices change the same field: the value synced first (the server's) is kept; the answer is a success like AUTOMERGE's", async () => {
      const id = newId('same');
      await create({ id, title: 'T0', status: 'ACTIVE' });
      await update({ id, title: 'first', _version: 1 });
      const res = await h.gql(h.alice, UPDATE_POST, { input: { id, title: 'second', status: 'INACTIVE', _version: 1 } });
      const merged = dataOf(res, 'updatePost');
      assert.equal(merged.title, 'first');
      assert.equal(merged.status, 'INACTIVE', 'a field only the late device changed is taken');
      assert.equal(merged._version, 3);
    });

    test('lists: additions and removals of both sides merge three-way, without duplicates', async () => {
      const id = newId('list');
      await create({ id, title: 'L', tags: ['a', 'b', 'c'] });
      // B removes b and adds x; A (at v1) removes c and adds y, and also adds x.
      await update({ id, tags: ['a', 'c', 'x'], _version: 1 });
      const merged = await update({ id, tags: ['a', 'b', 'x', 'y'], _version: 1 });
      assert.deepEqual(merged.tags, ['a', 'x', 'y']);
      // A third device at v2 clears what it saw and adds z: its removals apply to the merged list.
      const third = await update({ id, tags: ['z'], _version: 2 });
      assert.deepEqual(third.tags, ['y', 'z']);
    });

    test('an update carrying the current _version is written as sent (no merge)', async () => {
      const id = newId('plain');
      await create({ id, title: 'P', tags: ['a'] });
      const next = await update({ id, tags: ['b'], _version: 1 });
      assert.deepEqual(next.tags, ['b']);
    });

    test("base gone (change log purged, or no _version): AUTOMERGE's rules exactly", async () => {
      const id = newId('purged');
      await create({ id, title: 'T0', tags: ['a'] });
      await update({ id, title: 'T-B', _version: 1 });
      // The retention purge with a cut-off in the future removes every change-log entry (tombstones kept).
      const purged = await h.server.storage.purge(0, Date.now() + 60_000);
      assert.ok(purged.changes >= 2);
      const merged = await update({ id, title: 'T-A', rating: 4, tags: ['a', 'y'], _version: 1 });
      // AUTOMERGE: scalars keep the server value, null takes incoming, lists concatenate.
      assert.equal(merged.title, 'T-B');
      assert.equal(merged.rating, 4);
      assert.deepEqual(merged.tags, ['a', 'a', 'y']);
      // Without _version there is no base either.
      const id2 = newId('nover');
      await create({ id: id2, title: 'N', tags: ['a'] });
      const noVersion = await update({ id: id2, title: 'changed', tags: ['b'] });
      assert.equal(noVersion.title, 'N');
      assert.deepEqual(noVersion.tags, ['a', 'b']);
    });

    test('a stale delete stays ConflictUnhandled', async () => {
      const id = newId('del');
      await create({ id, title: 'D' });
      await update({ id, title: 'D2', _version: 1 });
      const res = await h.gql(h.alice, DELETE_POST, { input: { id, _version: 1 } });
      assert.equal(errorTypeOf(res), 'ConflictUnhandled');
      assert.equal((res.body.errors?.[0]?.data as Item)._version, 2);
    });
  });
}

/** Sends `query` with `ids` as the request's client mutation ids. */
function withIds(h: Harness, caller: Caller, query: string, variables: Item, ids: Record<string, string>): Promise<GqlResponse> {
  return h.post(caller, { query, variables, extensions: { outpostMutationIds: ids } });
}

const STRATEGIES = ['FIELD_MERGE', 'AUTOMERGE', 'OPTIMISTIC_CONCURRENCY'] as const;

function idempotencySuite(dialect: Dialect, strategy: (typeof STRATEGIES)[number]): void {
  describe(`mutation ids under ${strategy} on ${dialect}`, { skip: dialect === 'postgres' ? pgSkip : undefined }, () => {
    let h: Harness;
    let seq = 0;
    const newId = (prefix: string) => `${prefix}-${strategy}-${dialect}-${++seq}`;
    before(async () => {
      h = await startHarness(dialect, { conflictHandler: strategy });
    });
    after(async () => {
      await h?.close();
    });

    test('a create repeated with its id answers success with the stored record; without the id it fails the key condition', async () => {
      const id = newId('c');
      const input = { id, title: 'C', tags: ['a'] };
      const first = dataOf(await withIds(h, h.alice, CREATE_POST, { input }, { createPost: `mid-${id}` }), 'createPost');
      const again = dataOf(await withIds(h, h.alice, CREATE_POST, { input }, { createPost: `mid-${id}` }), 'createPost');
      assert.deepEqual(again, first);
      assert.equal(errorTypeOf(await h.gql(h.alice, CREATE_POST, { input })), 'ConditionalCheckFailedException');
      assert.equal(errorTypeOf(await withIds(h, h.alice, CREATE_POST, { input }, { createPost: `other-${id}` })), 'ConditionalCheckFailedException');
      // Another user resending the id learns nothing it may not read.
      const bobs = await withIds(h, h.bob, CREATE_POST, { input }, { createPost: `mid-${id}` });
      assert.equal(errorTypeOf(bobs), 'ConditionalCheckFailedException');
      assert.equal(bobs.body.errors?.[0]?.data, null);
    });

    test('an update sent twice with one id is applied once, also after another device wrote in between', async () => {
      const id = newId('u');
      await h.gql(h.alice, CREATE_POST, { input: { id, title: 'U', tags: ['a'] } });
      const input = { id, tags: ['a', 'b'], _version: 1 };
      const first = dataOf(await withIds(h, h.alice, UPDATE_POST, { input }, { updatePost: `mid-${id}` }), 'updatePost');
      assert.equal(first._version, 2);
      assert.deepEqual(first.tags, ['a', 'b']);
      // The answer was lost: the same request again.
      const again = dataOf(await withIds(h, h.alice, UPDATE_POST, { input }, { updatePost: `mid-${id}` }), 'updatePost');
      assert.deepEqual(again, first);
      // Another device writes, then the first device's resend arrives once more.
      const other = dataOf(await h.gql(h.alice, UPDATE_POST, { input: { id, rating: 7, _version: 2 } }), 'updatePost');
      assert.equal(other._version, 3);
      const late = dataOf(await withIds(h, h.alice, UPDATE_POST, { input }, { updatePost: `mid-${id}` }), 'updatePost');
      assert.deepEqual(late, other, 'answered with the record as stored now');
      assert.deepEqual(late.tags, ['a', 'b'], 'the list was not merged a second time');
      // A different id is a different mutation: applied (merged) or refused by the strategy's rules.
      const fresh = await withIds(h, h.alice, UPDATE_POST, { input }, { updatePost: `new-${id}` });
      if (strategy === 'OPTIMISTIC_CONCURRENCY') {
        assert.equal(errorTypeOf(fresh), 'ConflictUnhandled');
      } else {
        const applied = dataOf(fresh, 'updatePost');
        assert.equal(applied._version, 4);
        assert.deepEqual(applied.tags, strategy === 'AUTOMERGE' ? ['a', 'b', 'a', 'b'] : ['a', 'b']);
      }
      const current = dataOf(
        await withIds(
          h,
          h.alice,
          UPDATE_POST,
          { input: { id, title: 'now', _version: strategy === 'OPTIMISTIC_CONCURRENCY' ? 3 : 4 } },
          { updatePost: `cur-${id}` },
        ),
        'updatePost',
      );
      assert.equal(current.title, 'now');
    });

    test('batched with aliases: each root field is matched by its response key', async () => {
      const ids = [newId('b'), newId('b')];
      for (const id of ids) await h.gql(h.alice, CREATE_POST, { input: { id, title: 'B', tags: ['a'] } });
      const query = `mutation batch($i0: UpdatePostInput!, $i1: UpdatePostInput!){ m0: updatePost(input: $i0){ ${POST_FIELDS} } m1: updatePost(input: $i1){ ${POST_FIELDS} } }`;
      const variables = { i0: { id: ids[0], tags: ['a', 'x'], _version: 1 }, i1: { id: ids[1], title: 'B1', _version: 1 } };
      const mids = { m0: `mid-${ids[0]}`, m1: `mid-${ids[1]}` };
      const first = await withIds(h, h.alice, query, variables, mids);
      assert.equal(first.body.errors, undefined, JSON.stringify(first.body.errors));
      const again = await withIds(h, h.alice, query, variables, mids);
      assert.equal(again.body.errors, undefined, JSON.stringify(again.body.errors));
      assert.deepEqual(again.body.data, first.body.data);
      assert.equal((again.body.data?.m0 as Item)._version, 2);
      assert.deepEqual((again.body.data?.m0 as Item).tags, ['a', 'x']);
      // The id under another response key is not this field's.
      const swapped = await withIds(h, h.alice, query, variables, { m0: mids.m1, m1: mids.m0 });
      if (strategy === 'OPTIMISTIC_CONCURRENCY') assert.equal(swapped.body.errors?.length, 2);
      else assert.equal((swapped.body.data?.m0 as Item)._version, 3);
    });

    test('a delete resent with its id answers success with the tombstone', async () => {
      const id = newId('d');
      await h.gql(h.alice, CREATE_POST, { input: { id, title: 'D' } });
      const first = dataOf(await withIds(h, h.alice, DELETE_POST, { input: { id, _version: 1 } }, { deletePost: `mid-${id}` }), 'deletePost');
      assert.equal(first._deleted, true);
      const again = dataOf(await withIds(h, h.alice, DELETE_POST, { input: { id, _version: 1 } }, { deletePost: `mid-${id}` }), 'deletePost');
      assert.deepEqual(again, first);
      assert.equal(errorTypeOf(await h.gql(h.alice, DELETE_POST, { input: { id, _version: 1 } })), 'ConflictUnhandled');
    });
  });
}

function wireSuite(dialect: Dialect): void {
  describe(`wire extensions on ${dialect}`, { skip: dialect === 'postgres' ? pgSkip : undefined }, () => {
    let h: Harness;
    before(async () => {
      h = await startHarness(dialect, { conflictHandler: 'FIELD_MERGE', limits: { maxItemBytes: 2000 } });
    });
    after(async () => {
      await h?.close();
    });
    const announcement = { version: 1, capabilities: ['mutationBatching', 'mutationIds', 'syncTotals'], maxItemBytes: 2000 };

    test('every response announces the capabilities: data, resolver errors, request errors, batches', async () => {
      const data = await h.gql(h.alice, GET_POST, { id: 'none' });
      assert.deepEqual(data.body.extensions?.outpost, announcement);
      const resolverError = await h.gql(h.alice, UPDATE_POST, { input: { id: 'missing', title: 'x', _version: 1 } });
      assert.ok(resolverError.body.errors?.length);
      assert.deepEqual(resolverError.body.extensions?.outpost, announcement);
      const unauthenticated = await h.gql({ headers: {} }, GET_POST, { id: 'x' });
      assert.equal(unauthenticated.status, 401);
      assert.deepEqual(unauthenticated.body.extensions?.outpost, announcement);
      const invalid = await h.gql(h.alice, '{ getPost(id: "x") { nope } }');
      assert.deepEqual(invalid.body.extensions?.outpost, announcement);
      const badJson = await h.raw('{');
      assert.equal(badJson.status, 400);
      assert.deepEqual((JSON.parse(badJson.text) as GqlResponse['body']).extensions?.outpost, announcement);
      const batch = await h.gql(h.alice, `mutation { m0: createPost(input: { title: "a" }) { id } m1: createPost(input: { title: "b" }) { id } }`);
      assert.equal(batch.body.errors, undefined);
      assert.deepEqual(batch.body.extensions?.outpost, announcement);
    });

    test('malformed mutation ids are a BadRequest naming what is wrong', async () => {
      const cases: Array<[unknown, RegExp]> = [
        ['ids', /outpostMutationIds" must be an object/],
        [{ createPost: 5 }, /outpostMutationIds\.createPost" must be a non-empty string of at most 200/],
        [{ createPost: 'x'.repeat(201) }, /at most 200 characters/],
        [{ createPost: '' }, /non-empty string/],
        [Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`m${i}`, `id${i}`])), /holds 101 ids; at most 100/],
      ];
      for (const [ids, message] of cases) {
        const res = await h.post(h.alice, { query: CREATE_POST, variables: { input: { title: 't' } }, extensions: { outpostMutationIds: ids } });
        assert.equal(res.status, 400, JSON.stringify(ids).slice(0, 80));
        assert.equal(res.body.errors?.[0]?.errorType, 'BadRequestException');
        assert.match(res.body.errors?.[0]?.message ?? '', message);
      }
      const notObject = await h.post(h.alice, { query: GET_POST, variables: { id: 'x' }, extensions: 7 });
      assert.equal(notObject.status, 400);
      assert.match(notObject.body.errors?.[0]?.message ?? '', /"extensions" must be a JSON object/);
      const ok = await h.post(h.alice, { query: GET_POST, variables: { id: 'x' }, extensions: { other: true, outpostMutationIds: null } });
      assert.equal(ok.status, 200);
    });

    test('syncTotals on first pages: base (owner-restricted), delta, none under a filter or on later pages', async () => {
      const SYNC = (alias: string, type: 'Posts' | 'Notes', fields: string) =>
        `query q($limit: Int, $nextToken: String, $lastSync: AWSTimestamp, $filter: Model${type.slice(0, -1)}FilterInput){ ${alias}: sync${type}(limit: $limit, nextToken: $nextToken, lastSync: $lastSync, filter: $filter){ items { ${fields} } nextToken startedAt } }`;
      const before = await h.gql(h.alice, SYNC('posts', 'Posts', 'id'), { limit: 1000 });
      const alicePosts = ((before.body.data?.posts as Item).items as Item[]).length;
      for (let i = 0; i < 3; i++) await h.gql(h.alice, CREATE_POST, { input: { title: `count ${i}` } });
      await h.gql(h.bob, CREATE_POST, { input: { title: 'bob' } });
      const base = await h.gql(h.alice, SYNC('posts', 'Posts', 'id'), { limit: 2 });
      assert.deepEqual(base.body.extensions?.outpost?.syncTotals, { posts: alicePosts + 3 });
      const nextToken = (base.body.data?.posts as Item).nextToken;
      assert.ok(typeof nextToken === 'string');
      const second = await h.gql(h.alice, SYNC('posts', 'Posts', 'id'), { limit: 2, nextToken });
      assert.equal(second.body.extensions?.outpost?.syncTotals, undefined);
      const filtered = await h.gql(h.alice, SYNC('posts', 'Posts', 'id'), { limit: 2, filter: { title: { beginsWith: 'count' } } });
      assert.equal(filtered.body.extensions?.outpost?.syncTotals, undefined, 'a filtered sync of several pages is not counted');
      // A sync that fits one page returns exactly its items: that is its total, filter or not.
      const onePage = await h.gql(h.alice, SYNC('posts', 'Posts', 'id'), { limit: 1000, filter: { title: { beginsWith: 'count' } } });
      assert.deepEqual(onePage.body.extensions?.outpost?.syncTotals, { posts: 3 });

      const noteSync = SYNC('notes', 'Notes', 'id');
      const start = (await h.gql(h.key, noteSync, { limit: 1000 })).body.data?.notes as Item;
      const lastSync = start.startedAt as number;
      for (let i = 0; i < 3; i++) await h.gql(h.key, `mutation { createNote(input: { text: "n${i}" }) { id } }`);
      const delta = await h.gql(h.key, noteSync, { limit: 1, lastSync });
      assert.equal(((delta.body.data?.notes as Item).items as Item[]).length, 1);
      assert.deepEqual(delta.body.extensions?.outpost?.syncTotals, { notes: 3 });
      // Owner-restricted deltas of several pages are not counted (the change log cannot be narrowed by owner in SQL).
      for (let i = 0; i < 2; i++) await h.gql(h.alice, CREATE_POST, { input: { title: `late ${i}` } });
      const ownedDelta = await h.gql(h.alice, SYNC('posts', 'Posts', 'id'), { limit: 1, lastSync });
      assert.equal(ownedDelta.body.extensions?.outpost?.syncTotals, undefined);
      // Two aliased syncs in one request: one total per response key.
      const both = await h.gql(h.key, `query { a: syncNotes(limit: 1000) { items { id } } b: syncNotes(limit: 1, lastSync: ${lastSync}) { items { id } } }`);
      const totals = both.body.extensions?.outpost?.syncTotals;
      assert.equal(totals?.b, 3);
      assert.equal(totals?.a, ((both.body.data?.a as Item).items as Item[]).length);
    });

    test('an item larger than maxItemBytes (UTF-8 bytes, not characters) is refused with PayloadTooLargeException', async () => {
      // 1 000 "é" are 1 000 characters (under the limit) but 2 000 bytes: with the rest of the item, over it.
      const big = await h.gql(h.alice, CREATE_POST, { input: { title: 'é'.repeat(1000) } });
      assert.equal(big.body.errors?.[0]?.errorType, 'PayloadTooLargeException');
      assert.match(big.body.errors?.[0]?.message ?? '', /The Post item is [\d,]+ bytes \(UTF-8 JSON\); the limit is 2,000 bytes/);
      const small = dataOf(await h.gql(h.alice, CREATE_POST, { input: { title: 'é'.repeat(300) } }), 'createPost');
      const grown = await h.gql(h.alice, UPDATE_POST, { input: { id: small.id, title: 'é'.repeat(1000), _version: 1 } });
      assert.equal(grown.body.errors?.[0]?.errorType, 'PayloadTooLargeException');
      const stored = dataOf(await h.gql(h.alice, GET_POST, { id: small.id }), 'getPost');
      assert.equal(stored._version, 1, 'nothing was written');
    });
  });
}

function migrationSuite(dialect: Dialect): void {
  test(
    `a database deployed before mutation ids gains the column and the index on start (${dialect})`,
    { skip: dialect === 'postgres' ? pgSkip : undefined },
    async () => {
      const h = await startHarness(dialect, { conflictHandler: 'FIELD_MERGE' });
      // The server's storage is the Storage interface; the database itself is reached through a connection of our own.
      const inspector = await openKyselyStorage(h.databaseUrl);
      try {
        const db = inspector.kysely;
        for (const index of ['_outpost_changes_model_item_version']) {
          await sql`drop index if exists ${sql.id(index)}`.execute(db);
        }
        await sql`alter table _outpost_changes drop column mutation_id`.execute(db);
        const reopened = await openStorage(h.databaseUrl);
        await reopened.close();
        const columns =
          dialect === 'postgres'
            ? (
                await sql<{
                  name: string;
                }>`select column_name as name from information_schema.columns where table_schema = current_schema() and table_name = '_outpost_changes'`.execute(
                  db,
                )
              ).rows
            : (await sql<{ name: string }>`select name from pragma_table_info('_outpost_changes')`.execute(db)).rows;
        assert.ok(
          columns.some((c) => c.name === 'mutation_id'),
          JSON.stringify(columns),
        );
        const indexes =
          dialect === 'postgres'
            ? (await sql<{ name: string }>`select indexname as name from pg_indexes where tablename = '_outpost_changes'`.execute(db)).rows
            : (await sql<{ name: string }>`select name from pragma_index_list('_outpost_changes')`.execute(db)).rows;
        for (const index of ['_outpost_changes_model_item_version']) {
          assert.ok(
            indexes.some((i) => i.name === index),
            `${index} in ${JSON.stringify(indexes)}`,
          );
        }
      } finally {
        await inspector.close();
        await h.close();
      }
    },
  );
}

for (const dialect of ['sqlite', 'postgres'] as const) {
  mergeSuite(dialect);
  for (const strategy of STRATEGIES) idempotencySuite(dialect, strategy);
  wireSuite(dialect);
  migrationSuite(dialect);
}
