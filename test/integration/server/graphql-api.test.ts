// The sync server's GraphQL API over real HTTP, one suite run against SQLite and PostgreSQL:
// every operation, the conflict strategies with exact records, conditions, base/delta sync,
// pagination under concurrent writes, tombstones, and owner isolation.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  NOTE_FIELDS,
  POST_FIELDS,
  TICKET_FIELDS,
  postgresUnavailable,
  startHarness,
  type Caller,
  type Dialect,
  type GqlResponse,
  type Harness,
} from './server-harness.js';

const pgSkip = await postgresUnavailable();

type Item = Record<string, unknown>;

function dataOf(res: GqlResponse, field: string): Item {
  assert.equal(res.status, 200);
  assert.equal(res.body.errors, undefined, `unexpected errors: ${JSON.stringify(res.body.errors)}`);
  const value = res.body.data?.[field];
  assert.ok(value && typeof value === 'object', `no data for ${field}: ${JSON.stringify(res.body)}`);
  return value as Item;
}

function errorOf(res: GqlResponse, field: string): NonNullable<GqlResponse['body']['errors']>[number] {
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.equal(res.body.data?.[field] ?? null, null);
  const [error] = res.body.errors ?? [];
  assert.ok(error, `expected an error for ${field}`);
  assert.deepEqual(error.path, [field]);
  assert.ok(Array.isArray(error.locations));
  assert.equal(error.errorInfo, null);
  return error;
}

const CREATE_POST = `mutation operation($input: CreatePostInput!, $condition: ModelPostConditionInput){ createPost(input: $input, condition: $condition){ ${POST_FIELDS} } }`;
const UPDATE_POST = `mutation operation($input: UpdatePostInput!, $condition: ModelPostConditionInput){ updatePost(input: $input, condition: $condition){ ${POST_FIELDS} } }`;
const DELETE_POST = `mutation operation($input: DeletePostInput!, $condition: ModelPostConditionInput){ deletePost(input: $input, condition: $condition){ ${POST_FIELDS} } }`;
const GET_POST = `query operation($id: ID!){ getPost(id: $id){ ${POST_FIELDS} } }`;
const LIST_POSTS = `query operation($filter: ModelPostFilterInput, $limit: Int, $nextToken: String){ listPosts(filter: $filter, limit: $limit, nextToken: $nextToken){ items { ${POST_FIELDS} } nextToken startedAt } }`;
const SYNC_POSTS = `query operation($limit: Int, $nextToken: String, $lastSync: AWSTimestamp, $filter: ModelPostFilterInput){ syncPosts(limit: $limit, nextToken: $nextToken, lastSync: $lastSync, filter: $filter){ items { ${POST_FIELDS} } nextToken startedAt } }`;

function defineSuite(dialect: Dialect): void {
  describe(`server GraphQL API on ${dialect}`, { skip: dialect === 'postgres' ? pgSkip : undefined }, () => {
    let h: Harness;
    let seq = 0;
    const newId = (prefix: string) => `${prefix}-${dialect}-${++seq}`;

    before(async () => {
      h = await startHarness(dialect);
    });
    after(async () => {
      await h?.close();
    });

    async function createPost(caller: Caller, input: Item): Promise<Item> {
      return dataOf(await h.gql(caller, CREATE_POST, { input }), 'createPost');
    }

    async function syncAll(caller: Caller, lastSync: number | null, limit = 1000, filter?: Item): Promise<{ items: Item[]; startedAt: number; pages: number }> {
      const items: Item[] = [];
      let nextToken: string | null = null;
      let startedAt: number | undefined;
      let pages = 0;
      do {
        const page: Item = dataOf(await h.gql(caller, SYNC_POSTS, { limit, nextToken, lastSync, filter: filter ?? null }), 'syncPosts');
        pages++;
        if (startedAt === undefined) startedAt = page.startedAt as number;
        else assert.equal(page.startedAt, startedAt, 'startedAt must be stable across pages');
        items.push(...(page.items as Item[]));
        nextToken = page.nextToken as string | null;
        assert.ok(pages < 500, 'too many pages');
      } while (nextToken !== null);
      return { items, startedAt: startedAt ?? 0, pages };
    }

    test('create, get, update, delete, list with server-set metadata, timestamps and owner', async () => {
      const id = newId('p');
      const created = await createPost(h.alice, { id, title: 'Hello', rating: 5, tags: ['a'], status: 'ACTIVE', meta: { a: 'x', b: ['y'] } });
      assert.equal(created.id, id);
      assert.equal(created._version, 1);
      assert.equal(created._deleted, null);
      assert.equal(typeof created._lastChangedAt, 'number');
      assert.equal(created.owner, h.aliceOwner);
      assert.equal(created.createdAt, created.updatedAt);
      assert.deepEqual(created.meta, { a: 'x', b: ['y'] });

      assert.deepEqual(dataOf(await h.gql(h.alice, GET_POST, { id }), 'getPost'), created);

      const updated = dataOf(await h.gql(h.alice, UPDATE_POST, { input: { id, title: 'Hello again', rating: null, _version: 1 } }), 'updatePost');
      assert.equal(updated._version, 2);
      assert.equal(updated.title, 'Hello again');
      assert.equal(updated.rating, null);
      assert.deepEqual(updated.tags, ['a']);
      assert.equal(updated.createdAt, created.createdAt);
      assert.ok((updated.updatedAt as string) >= (created.updatedAt as string));

      const deleted = dataOf(await h.gql(h.alice, DELETE_POST, { input: { id, _version: 2 } }), 'deletePost');
      assert.equal(deleted._version, 3);
      assert.equal(deleted._deleted, true);
      assert.equal(deleted.title, 'Hello again');

      // Tombstones stay visible to get and list, as AppSync's do.
      assert.equal(dataOf(await h.gql(h.alice, GET_POST, { id }), 'getPost')._deleted, true);
      const list = dataOf(await h.gql(h.alice, LIST_POSTS, { filter: { id: { eq: id } } }), 'listPosts');
      assert.deepEqual(
        (list.items as Item[]).map((i) => [i.id, i._deleted]),
        [[id, true]],
      );

      // Re-creating a tombstoned id fails the key condition and carries the tombstone.
      const again = errorOf(await h.gql(h.alice, CREATE_POST, { input: { id, title: 'x' } }), 'createPost');
      assert.equal(again.errorType, 'ConditionalCheckFailedException');
      assert.equal((again.data as Item)._version, 3);
    });

    test('create without id gets a UUID; get of a missing id is null', async () => {
      const created = await createPost(h.alice, { title: 'no id' });
      assert.match(created.id as string, /^[0-9a-f-]{36}$/);
      const res = await h.gql(h.alice, GET_POST, { id: 'does-not-exist' });
      assert.equal(res.body.errors, undefined);
      assert.equal(res.body.data?.getPost, null);
    });

    test('AUTOMERGE merges a stale update by the §3.3 rules and returns the merged record', async () => {
      const id = newId('am');
      await createPost(h.alice, { id, title: 'A', rating: 3, tags: ['x'], meta: { a: '1' } });
      dataOf(await h.gql(h.alice, UPDATE_POST, { input: { id, tags: ['x', 'y'], _version: 1 } }), 'updatePost');
      // Stale (_version 1, stored 2): scalar title loses, list concatenates, null status takes incoming,
      // the embedded object merges per key.
      const merged = dataOf(
        await h.gql(h.alice, UPDATE_POST, {
          input: { id, title: 'B', tags: ['z'], status: 'ACTIVE', meta: { a: '2', b: ['q'] }, _version: 1 },
        }),
        'updatePost',
      );
      assert.deepEqual(
        { id: merged.id, title: merged.title, rating: merged.rating, tags: merged.tags, status: merged.status, meta: merged.meta, _version: merged._version },
        { id, title: 'A', rating: 3, tags: ['x', 'y', 'z'], status: 'ACTIVE', meta: { a: '1', b: ['q'] }, _version: 3 },
      );
      // An update without _version is a conflict too: its scalar changes are dropped.
      const noVersion = dataOf(await h.gql(h.alice, UPDATE_POST, { input: { id, title: 'C' } }), 'updatePost');
      assert.equal(noVersion.title, 'A');
      assert.equal(noVersion._version, 4);
    });

    test('a stale delete is ConflictUnhandled with the current item even under AUTOMERGE', async () => {
      const id = newId('sd');
      await createPost(h.alice, { id, title: 'keep' });
      dataOf(await h.gql(h.alice, UPDATE_POST, { input: { id, title: 'kept', _version: 1 } }), 'updatePost');
      const error = errorOf(await h.gql(h.alice, DELETE_POST, { input: { id, _version: 1 } }), 'deletePost');
      assert.equal(error.errorType, 'ConflictUnhandled');
      assert.equal(error.message, 'Conflict resolver rejects mutation.');
      assert.equal((error.data as Item).title, 'kept');
      assert.equal((error.data as Item)._version, 2);
      assert.equal(dataOf(await h.gql(h.alice, GET_POST, { id }), 'getPost')._deleted, null);
    });

    test('OPTIMISTIC_CONCURRENCY rejects a stale update with the current item and changes nothing', async () => {
      const id = newId('n');
      const create = `mutation($input: CreateNoteInput!){ createNote(input: $input){ ${NOTE_FIELDS} } }`;
      const update = `mutation($input: UpdateNoteInput!){ updateNote(input: $input){ ${NOTE_FIELDS} } }`;
      dataOf(await h.gql(h.key, create, { input: { id, text: 'one', count: 1 } }), 'createNote');
      const v2 = dataOf(await h.gql(h.key, update, { input: { id, text: 'two', _version: 1 } }), 'updateNote');
      assert.equal(v2._version, 2);
      const error = errorOf(await h.gql(h.key, update, { input: { id, text: 'stale', count: 9, _version: 1 } }), 'updateNote');
      assert.equal(error.errorType, 'ConflictUnhandled');
      // `data` is the whole stored item, beyond what the mutation selected.
      const current = error.data as Item;
      assert.deepEqual(Object.fromEntries(Object.keys(v2).map((k) => [k, current[k]])), v2);
      assert.equal(typeof current.updatedAt, 'string');
      const get = dataOf(await h.gql(h.key, `query($id: ID!){ getNote(id: $id){ ${NOTE_FIELDS} } }`, { id }), 'getNote');
      assert.deepEqual(get, v2);
    });

    test('concurrent conflicting writes: exactly one wins under OPTIMISTIC_CONCURRENCY, none is lost under AUTOMERGE', async () => {
      const id = newId('race');
      const createNote = `mutation($input: CreateNoteInput!){ createNote(input: $input){ ${NOTE_FIELDS} } }`;
      const updateNote = `mutation($input: UpdateNoteInput!){ updateNote(input: $input){ ${NOTE_FIELDS} } }`;
      dataOf(await h.gql(h.key, createNote, { input: { id, text: 'start' } }), 'createNote');
      const results = await Promise.all(Array.from({ length: 12 }, (_, i) => h.gql(h.key, updateNote, { input: { id, text: `writer ${i}`, _version: 1 } })));
      const winners = results.filter((r) => r.body.errors === undefined);
      assert.equal(winners.length, 1, 'one write wins');
      assert.ok(results.filter((r) => r.body.errors?.[0]?.errorType === 'ConflictUnhandled').length === 11);
      const stored = dataOf(await h.gql(h.key, `query($id: ID!){ getNote(id: $id){ ${NOTE_FIELDS} } }`, { id }), 'getNote');
      assert.equal(stored._version, 2);
      assert.equal(stored.text, (winners[0]?.body.data?.updateNote as Item).text);

      const postId = newId('race');
      await createPost(h.alice, { id: postId, title: 'race', tags: [] });
      await Promise.all(Array.from({ length: 10 }, (_, i) => h.gql(h.alice, UPDATE_POST, { input: { id: postId, tags: [`t${i}`], _version: 1 } })));
      const merged = dataOf(await h.gql(h.alice, GET_POST, { id: postId }), 'getPost');
      assert.equal(merged._version, 11, 'every write applied once, serially');
      assert.deepEqual([...(merged.tags as string[])].sort(), Array.from({ length: 10 }, (_, i) => `t${i}`).sort());
    });

    test('custom resolver: RESOLVE writes its item, REJECT and REMOVE, a bad answer is ConflictError', async () => {
      const create = `mutation($input: CreateTicketInput!){ createTicket(input: $input){ ${TICKET_FIELDS} } }`;
      const update = `mutation($input: UpdateTicketInput!){ updateTicket(input: $input){ ${TICKET_FIELDS} } }`;
      const id = newId('t');
      dataOf(await h.gql(h.key, create, { input: { id, title: 'base', priority: 2 } }), 'createTicket');
      dataOf(await h.gql(h.key, update, { input: { id, priority: 3, _version: 1 } }), 'updateTicket');
      const resolved = dataOf(await h.gql(h.key, update, { input: { id, title: 'mine', priority: 1, _version: 1 } }), 'updateTicket');
      assert.deepEqual(
        { title: resolved.title, priority: resolved.priority, _version: resolved._version, _deleted: resolved._deleted },
        { title: 'base+mine', priority: 3, _version: 3, _deleted: null },
      );
      const rejected = errorOf(await h.gql(h.key, update, { input: { id, title: 'reject', _version: 1 } }), 'updateTicket');
      assert.equal(rejected.errorType, 'ConflictUnhandled');
      assert.equal((rejected.data as Item)._version, 3);
      const bad = errorOf(await h.gql(h.key, update, { input: { id, title: 'bad', _version: 1 } }), 'updateTicket');
      assert.equal(bad.errorType, 'ConflictError');
      assert.match(bad.message, /MAYBE/);
      const thrown = errorOf(await h.gql(h.key, update, { input: { id, title: 'throw', _version: 1 } }), 'updateTicket');
      assert.equal(thrown.errorType, 'ConflictError');
      assert.match(thrown.message, /resolver exploded/);
      const removed = dataOf(await h.gql(h.key, update, { input: { id, title: 'remove', _version: 1 } }), 'updateTicket');
      assert.equal(removed._deleted, true);
      assert.equal(removed._version, 4);
      assert.equal(removed.title, 'base+mine');
    });

    test('conditions: a passing condition writes, a failing one carries the stored item and writes nothing', async () => {
      const id = newId('c');
      await createPost(h.alice, { id, title: 'cond', rating: 2 });
      const ok = dataOf(await h.gql(h.alice, UPDATE_POST, { input: { id, title: 'cond2', _version: 1 }, condition: { rating: { lt: 3 } } }), 'updatePost');
      assert.equal(ok._version, 2);
      const before = await syncAll(h.alice, Date.now() - 60_000);
      const failed = errorOf(await h.gql(h.alice, UPDATE_POST, { input: { id, title: 'no', _version: 2 }, condition: { rating: { gt: 3 } } }), 'updatePost');
      assert.equal(failed.errorType, 'ConditionalCheckFailedException');
      assert.deepEqual(Object.fromEntries(Object.keys(ok).map((k) => [k, (failed.data as Item)[k]])), ok);
      const del = errorOf(await h.gql(h.alice, DELETE_POST, { input: { id, _version: 2 }, condition: { title: { eq: 'other' } } }), 'deletePost');
      assert.equal(del.errorType, 'ConditionalCheckFailedException');
      assert.equal((del.data as Item)._version, 2);
      const createFail = errorOf(
        await h.gql(h.alice, CREATE_POST, { input: { id: newId('c'), title: 'x' }, condition: { title: { attributeExists: true } } }),
        'createPost',
      );
      assert.equal(createFail.errorType, 'ConditionalCheckFailedException');
      // No version bump and no change-log entry for failed writes.
      const afterSync = await syncAll(h.alice, Date.now() - 60_000);
      assert.equal(afterSync.items.length, before.items.length);
      assert.deepEqual(dataOf(await h.gql(h.alice, GET_POST, { id }), 'getPost'), ok);
    });

    test('sync: lastSync 0 and too-old lastSync scan the base table; a recent one reads the change log', async () => {
      const t0 = Date.now() - 1;
      const id = newId('s');
      await createPost(h.alice, { id, title: 'v1' });
      dataOf(await h.gql(h.alice, UPDATE_POST, { input: { id, title: 'v2', _version: 1 } }), 'updatePost');
      dataOf(await h.gql(h.alice, DELETE_POST, { input: { id, _version: 2 } }), 'deletePost');

      const delta = await syncAll(h.alice, t0);
      assert.deepEqual(
        delta.items.filter((i) => i.id === id).map((i) => [i._version, i.title, i._deleted]),
        [
          [1, 'v1', null],
          [2, 'v2', null],
          [3, 'v2', true],
        ],
        'delta: one entry per change in order, the delete as its tombstone',
      );
      for (const lastSync of [0, null, Date.now() - 8 * 24 * 3600 * 1000]) {
        const base = await syncAll(h.alice, lastSync);
        const mine = base.items.filter((i) => i.id === id);
        assert.deepEqual(
          mine.map((i) => [i._version, i._deleted]),
          [[3, true]],
          `base for lastSync ${lastSync}`,
        );
        assert.ok(Math.abs(base.startedAt - Date.now()) < 60_000);
      }
      // Filter applies on both paths.
      const filtered = await syncAll(h.alice, t0, 1000, { title: { eq: 'v1' } });
      assert.deepEqual(
        filtered.items.map((i) => i._version),
        [1],
      );
    });

    test('pagination: no record missed or duplicated while writes happen concurrently', async () => {
      const prefix = newId('pg');
      const initial: string[] = [];
      for (let i = 0; i < 40; i++) initial.push((await createPost(h.bob, { id: `${prefix}-${String(i).padStart(3, '0')}`, title: `t${i}` })).id as string);
      // Keys whose order differs between collations: the cursor must compare as the ORDER BY does.
      for (const suffix of ['Zeta', 'alpha', 'émile', 'Ωmega', '😀', '\uffff']) {
        initial.push((await createPost(h.bob, { id: `${prefix}-${suffix}`, title: suffix })).id as string);
      }
      let writing = true;
      let n = 0;
      const writer = (async () => {
        while (writing && n < 200) {
          n++;
          await createPost(h.bob, { id: `${prefix}-new-${n}`, title: 'concurrent' });
          const target = initial[n % initial.length] as string;
          const current = dataOf(await h.gql(h.bob, GET_POST, { id: target }), 'getPost');
          await h.gql(h.bob, UPDATE_POST, { input: { id: target, rating: n, _version: current._version } });
        }
      })();
      const base = await syncAll(h.bob, 0, 3);
      writing = false;
      await writer;
      const ids = base.items.map((i) => i.id as string).filter((id) => id.startsWith(prefix));
      assert.equal(new Set(ids).size, ids.length, 'no duplicates across pages');
      for (const id of initial) assert.ok(ids.includes(id), `missing ${id}`);
      assert.ok(base.pages > 10);
      // Everything written meanwhile arrives in the next delta from startedAt.
      const delta = await syncAll(h.bob, base.startedAt, 5);
      const seen = new Set([...ids, ...delta.items.map((i) => i.id as string)]);
      for (let i = 1; i <= n; i++) assert.ok(seen.has(`${prefix}-new-${i}`), `write ${i} lost`);
    });

    test('nextToken is tamper-proof and bound to its query', async () => {
      const page = dataOf(await h.gql(h.bob, SYNC_POSTS, { limit: 1, lastSync: 0 }), 'syncPosts');
      const token = page.nextToken as string;
      assert.equal(typeof token, 'string');
      const [body, mac] = token.split('.') as [string, string];
      const forged = `${Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(body, 'base64url').toString()), cursor: '' })).toString('base64url')}.${mac}`;
      for (const bad of [forged, 'garbage', `${body}.AAAA`]) {
        const e = errorOf(await h.gql(h.bob, SYNC_POSTS, { limit: 1, lastSync: 0, nextToken: bad }), 'syncPosts');
        assert.equal(e.errorType, 'BadRequest');
        assert.match(e.message, /Invalid nextToken/);
      }
      // Another user cannot reuse it.
      const other = errorOf(await h.gql(h.alice, SYNC_POSTS, { limit: 1, lastSync: 0, nextToken: token }), 'syncPosts');
      assert.equal(other.errorType, 'BadRequest');
    });

    test('limit: default 100, at most 1000, 5000 is refused', async () => {
      const e = errorOf(await h.gql(h.alice, SYNC_POSTS, { limit: 5000, lastSync: 0 }), 'syncPosts');
      assert.equal(e.errorType, 'BadRequest');
      assert.match(e.message, /limit must be an integer from 1 to 1000, got 5000/);
      assert.equal(errorOf(await h.gql(h.alice, LIST_POSTS, { limit: 0 }), 'listPosts').errorType, 'BadRequest');
      const page = dataOf(await h.gql(h.alice, SYNC_POSTS, { limit: 1000, lastSync: 0 }), 'syncPosts');
      assert.ok(Array.isArray(page.items));
    });

    test('owner isolation on sync, list, get, update and delete; API key on an owner-only model', async () => {
      const id = newId('own');
      const mine = await createPost(h.alice, { id, title: 'private' });
      const bobSync = await syncAll(h.bob, 0);
      assert.ok(!bobSync.items.some((i) => i.id === id));
      assert.ok(bobSync.items.every((i) => (i.owner as string).endsWith('::bob')));
      const bobList = dataOf(await h.gql(h.bob, LIST_POSTS, { filter: { id: { eq: id } } }), 'listPosts');
      assert.deepEqual(bobList.items, []);
      const bobDelta = await syncAll(h.bob, Date.now() - 60_000);
      assert.ok(!bobDelta.items.some((i) => i.id === id));

      assert.equal(errorOf(await h.gql(h.bob, GET_POST, { id }), 'getPost').errorType, 'Unauthorized');
      const upd = errorOf(await h.gql(h.bob, UPDATE_POST, { input: { id, title: 'hijack', _version: 1 } }), 'updatePost');
      assert.equal(upd.errorType, 'Unauthorized');
      assert.equal(upd.message, 'Not Authorized to access updatePost on type Mutation');
      assert.equal(upd.data, null);
      assert.equal(errorOf(await h.gql(h.bob, DELETE_POST, { input: { id, _version: 1 } }), 'deletePost').errorType, 'Unauthorized');
      // A create over someone else's id does not leak their record.
      const dup = errorOf(await h.gql(h.bob, CREATE_POST, { input: { id, title: 'dup' } }), 'createPost');
      assert.equal(dup.errorType, 'ConditionalCheckFailedException');
      assert.equal(dup.data, null);
      // Missing ids with owner rules read as Unauthorized, as AppSync does.
      assert.equal(errorOf(await h.gql(h.alice, UPDATE_POST, { input: { id: 'nope', title: 'x', _version: 1 } }), 'updatePost').errorType, 'Unauthorized');
      const keySync = errorOf(await h.gql(h.key, SYNC_POSTS, { lastSync: 0 }), 'syncPosts');
      assert.equal(keySync.errorType, 'Unauthorized');
      assert.equal(keySync.message, 'Not Authorized to access syncPosts on type Query');
      assert.equal(errorOf(await h.gql(h.key, CREATE_POST, { input: { title: 'k' } }), 'createPost').errorType, 'Unauthorized');
      assert.deepEqual(dataOf(await h.gql(h.alice, GET_POST, { id }), 'getPost'), mine);
    });

    test('relations: hasMany connection and belongsTo object, limited to what the caller may read', async () => {
      const postId = newId('rel');
      await createPost(h.alice, { id: postId, title: 'parent' });
      const createComment = `mutation($input: CreateCommentInput!){ createComment(input: $input){ id postID post { id title _deleted } } }`;
      for (const [c, rank] of [
        ['c1', 2],
        ['c2', 1],
        ['c3', 3],
      ] as const) {
        const r = dataOf(await h.gql(h.alice, createComment, { input: { id: `${postId}-${c}`, postID: postId, rank, content: c } }), 'createComment');
        assert.deepEqual(r.post, { id: postId, title: 'parent', _deleted: null });
      }
      // Without a sort-key value a record is not in the index (as in a DynamoDB GSI).
      dataOf(await h.gql(h.alice, createComment, { input: { id: `${postId}-c4`, postID: postId, content: 'unranked' } }), 'createComment');
      const q = `query($id: ID!, $dir: ModelSortDirection, $rank: ModelIntKeyConditionInput, $limit: Int, $next: String){
        getPost(id: $id){ id comments(rank: $rank, sortDirection: $dir, limit: $limit, nextToken: $next) { items { content } nextToken } } }`;
      const contents = async (vars: Item): Promise<unknown[]> => {
        const post = dataOf(await h.gql(h.alice, q, { id: postId, ...vars }), 'getPost');
        return ((post.comments as Item).items as Item[]).map((i) => i.content);
      };
      assert.deepEqual(await contents({}), ['c2', 'c1', 'c3']);
      assert.deepEqual(await contents({ dir: 'DESC' }), ['c3', 'c1', 'c2']);
      assert.deepEqual(await contents({ rank: { ge: 2 } }), ['c1', 'c3']);
      // Paging one at a time keeps the order and loses nothing.
      const paged: unknown[] = [];
      let next: string | null = null;
      do {
        const page = dataOf(await h.gql(h.alice, q, { id: postId, limit: 1, next }), 'getPost').comments as Item;
        paged.push(...(page.items as Item[]).map((i) => i.content));
        next = page.nextToken as string | null;
      } while (next !== null && paged.length < 10);
      assert.deepEqual(paged, ['c2', 'c1', 'c3']);

      const byPost = `query($postID: ID!, $rank: ModelIntKeyConditionInput){ commentsByPost(postID: $postID, rank: $rank, sortDirection: DESC){ items { content } nextToken } }`;
      const mine = dataOf(await h.gql(h.alice, byPost, { postID: postId, rank: { between: [1, 2] } }), 'commentsByPost');
      assert.deepEqual(
        (mine.items as Item[]).map((i) => i.content),
        ['c1', 'c2'],
      );
      const theirs = dataOf(await h.gql(h.bob, byPost, { postID: postId }), 'commentsByPost');
      assert.deepEqual(theirs.items, []);
      const twoOps = errorOf(await h.gql(h.alice, byPost, { postID: postId, rank: { gt: 1, lt: 3 } }), 'commentsByPost');
      assert.equal(twoOps.errorType, 'BadRequest');
    });

    test('composite primary keys (@primaryKey with a sort key): get, update, delete, duplicates, pages', async () => {
      const fields = 'deviceId takenAt value _version _deleted';
      const create = `mutation($input: CreateReadingInput!){ createReading(input: $input){ ${fields} } }`;
      const device = newId('dev');
      for (const [takenAt, value] of [
        ['2024-05-01T10:00:00.000Z', 1.5],
        ['2024-05-01T11:00:00.000Z', 2.5],
        ['2024-05-02T09:00:00.000Z', 3.5],
      ] as const) {
        dataOf(await h.gql(h.key, create, { input: { deviceId: device, takenAt, value } }), 'createReading');
      }
      const get = `query($d: ID!, $t: AWSDateTime!){ getReading(deviceId: $d, takenAt: $t){ ${fields} } }`;
      assert.deepEqual(dataOf(await h.gql(h.key, get, { d: device, t: '2024-05-01T11:00:00.000Z' }), 'getReading'), {
        deviceId: device,
        takenAt: '2024-05-01T11:00:00.000Z',
        value: 2.5,
        _version: 1,
        _deleted: null,
      });
      const dup = errorOf(await h.gql(h.key, create, { input: { deviceId: device, takenAt: '2024-05-01T10:00:00.000Z', value: 9 } }), 'createReading');
      assert.equal(dup.errorType, 'ConditionalCheckFailedException');
      assert.equal((dup.data as Item).value, 1.5);
      const update = `mutation($input: UpdateReadingInput!){ updateReading(input: $input){ ${fields} } }`;
      const updated = dataOf(
        await h.gql(h.key, update, { input: { deviceId: device, takenAt: '2024-05-01T10:00:00.000Z', value: 1.75, _version: 1 } }),
        'updateReading',
      );
      assert.deepEqual([updated.value, updated._version], [1.75, 2]);
      const del = `mutation($input: DeleteReadingInput!){ deleteReading(input: $input){ ${fields} } }`;
      const gone = dataOf(await h.gql(h.key, del, { input: { deviceId: device, takenAt: '2024-05-02T09:00:00.000Z', _version: 1 } }), 'deleteReading');
      assert.equal(gone._deleted, true);
      // The other readings of the device are untouched.
      assert.equal(dataOf(await h.gql(h.key, get, { d: device, t: '2024-05-01T11:00:00.000Z' }), 'getReading')._version, 1);
      const list = `query($next: String){ listReadings(limit: 1, nextToken: $next, filter: { deviceId: { eq: "${device}" } }){ items { takenAt value _deleted } nextToken } }`;
      const seen: unknown[] = [];
      let next: string | null = null;
      do {
        const page = dataOf(await h.gql(h.key, list, { next }), 'listReadings');
        seen.push(...(page.items as Item[]).map((i) => [i.takenAt, i.value, i._deleted]));
        next = page.nextToken as string | null;
      } while (next !== null && seen.length < 10);
      assert.deepEqual(seen, [
        ['2024-05-01T10:00:00.000Z', 1.75, null],
        ['2024-05-01T11:00:00.000Z', 2.5, null],
        ['2024-05-02T09:00:00.000Z', 3.5, true],
      ]);
    });

    test('tombstones expire at the purge; then the id can be created again', async () => {
      const id = newId('tomb');
      await createPost(h.alice, { id, title: 'bye' });
      dataOf(await h.gql(h.alice, DELETE_POST, { input: { id, _version: 1 } }), 'deletePost');
      const early = await h.server.storage.purge(Date.now(), 0);
      assert.equal(dataOf(await h.gql(h.alice, GET_POST, { id }), 'getPost')._deleted, true, `purged too early: ${JSON.stringify(early)}`);
      const later = Date.now() + 31 * 24 * 3600 * 1000;
      const result = await h.server.storage.purge(later, Date.now() - 8 * 24 * 3600 * 1000);
      assert.ok(result.tombstones >= 1);
      const res = await h.gql(h.alice, GET_POST, { id });
      assert.equal(res.body.data?.getPost, null);
      assert.equal((await createPost(h.alice, { id, title: 'again' }))._version, 1);
    });

    test('malformed requests get clear errors and leave stored data intact', async () => {
      const target = await createPost(h.alice, { id: newId('mal'), title: 'intact', rating: 1 });
      const before = await syncAll(h.alice, 0);
      const cases: Array<[string, { status: number; text: string }, number, RegExp]> = [
        ['bad JSON', await h.raw('{"query": '), 400, /not valid JSON/],
        ['array body', await h.raw('[1,2]'), 400, /must be a JSON object/],
        ['no query', await h.raw('{"variables":{}}'), 400, /needs "query"/],
        ['variables not an object', await h.raw(JSON.stringify({ query: '{ __typename }', variables: 'x' })), 400, /"variables" must be/],
        ['huge document', await h.raw(JSON.stringify({ query: `{ ${'__typename '.repeat(200_000)} }` })), 413, /exceeds the limit/],
        [
          'deep nesting',
          await h.raw(JSON.stringify({ query: `{ getPost(id: "x") { ${'comments { items { post { '.repeat(6)} id ${'} } }'.repeat(6)} } }` })),
          400,
          /depth/,
        ],
        ['no credentials', await h.raw(JSON.stringify({ query: '{ __typename }' }), { authorization: '' }), 401, /UnauthorizedException/],
        ['bad API key', await h.raw(JSON.stringify({ query: '{ __typename }' }), { authorization: '', 'x-api-key': 'da2-nope' }), 401, /UnauthorizedException/],
        ['syntax error', await h.raw(JSON.stringify({ query: '{ listPosts { ' })), 200, /Syntax Error/],
        [
          'unknown field',
          await h.raw(JSON.stringify({ query: '{ listPosts { items { nope } } }' })),
          200,
          /ValidationError Validation error of type FieldUndefined: Field 'nope' in type 'Post' is undefined/,
        ],
        [
          'metadata in input',
          await h.raw(JSON.stringify({ query: CREATE_POST, variables: { input: { title: 'x', _deleted: true } } })),
          200,
          /BadRequest _deleted is set by the server/,
        ],
        [
          '_lastChangedAt in update',
          await h.raw(JSON.stringify({ query: UPDATE_POST, variables: { input: { id: target.id, _lastChangedAt: 1, _version: 1 } } })),
          200,
          /BadRequest _lastChangedAt is set by the server/,
        ],
        ['unknown input field', await h.raw(JSON.stringify({ query: CREATE_POST, variables: { input: { title: 'x', colour: 'red' } } })), 200, /colour/],
        [
          'required set to null',
          await h.raw(JSON.stringify({ query: UPDATE_POST, variables: { input: { id: target.id, title: null, _version: 1 } } })),
          200,
          /ValidationError Post\.title is required/,
        ],
        [
          'bad AWS scalar',
          await h.raw(JSON.stringify({ query: SYNC_POSTS, variables: { lastSync: 0, filter: { createdAt: { eq: 5 } } } })),
          200,
          /String cannot represent/,
        ],
        ['subscription over HTTP', await h.raw(JSON.stringify({ query: 'subscription { onCreatePost { id } }' })), 400, /real-time/],
        ['wrong type', await h.raw(JSON.stringify({ query: CREATE_POST, variables: { input: { title: 'x', rating: 'five' } } })), 200, /Int cannot represent/],
        ['missing required', await h.raw(JSON.stringify({ query: CREATE_POST, variables: { input: { rating: 1 } } })), 200, /title/],
        ['bad enum', await h.raw(JSON.stringify({ query: CREATE_POST, variables: { input: { title: 'x', status: 'NOPE' } } })), 200, /PostStatus/],
        ['bad filter', await h.raw(JSON.stringify({ query: SYNC_POSTS, variables: { lastSync: 0, filter: { rating: { size: { eq: 1 } } } } })), 200, /size/],
        ['bad AWSTimestamp', await h.raw(JSON.stringify({ query: SYNC_POSTS, variables: { lastSync: 'yesterday' } })), 200, /AWSTimestamp/],
        ['GET', { status: (await fetch(h.server.url)).status, text: 'GET' }, 405, /GET/],
      ];
      for (const [name, res, status, pattern] of cases) {
        assert.equal(res.status, status, `${name}: ${res.text.slice(0, 300)}`);
        if (status === 405) continue;
        const body = JSON.parse(res.text) as { errors?: Array<{ errorType?: string | null; message?: string }> };
        assert.ok(body.errors && body.errors.length > 0 && typeof body.errors[0]?.message === 'string', `${name}: errors[] with a message`);
        const summary = body.errors.map((e) => `${e.errorType ?? ''} ${e.message ?? ''}`).join('\n');
        assert.match(summary, pattern, `${name}: ${summary}`);
      }
      const after = await syncAll(h.alice, 0);
      assert.deepEqual(after.items, before.items);
    });

    test('health and CORS preflight', async () => {
      const base = h.server.url.replace(/\/graphql$/, '');
      const health = await fetch(`${base}/health`);
      assert.equal(health.status, 200);
      assert.deepEqual(Object.keys((await health.json()) as object).sort(), ['database', 'schemaVersion', 'status']);
      const pre = await fetch(h.server.url, { method: 'OPTIONS', headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'POST' } });
      assert.equal(pre.status, 204);
      assert.match(pre.headers.get('access-control-allow-headers') ?? '', /x-api-key/);
    });
  });
}

defineSuite('sqlite');
defineSuite('postgres');
