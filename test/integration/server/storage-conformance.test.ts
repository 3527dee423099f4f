// The storage contract (server/storage/storage.ts), one suite run against both databases: a SQLite
// file and a PostgreSQL database of its own (with a linguistic default collation where the server
// offers ICU, so byte order has to come from the dialect, not from the database). The same
// assertions for both; PostgreSQL is skipped with the reason when it does not answer.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { parseSchema } from '../../../common/schema/parse-schema.js';
import { deploySchema } from '../../../server/storage/deploy-schema.js';
import { openStorage } from '../../../server/storage/open-storage.js';
import type { Storage, StoredItem } from '../../../server/storage/storage.js';
import { PG_ADMIN, postgresUnavailable, type Dialect } from './server-harness.js';

const pgSkip = await postgresUnavailable();

const schema = parseSchema(`
type Geo { lat: Float acc: Int }
type Note @model {
  id: ID!
  title: String
  rank: Int
  score: Float
  done: Boolean
  tags: [String]
  geo: Geo
  data: AWSJSON
  board: String @index(name: "byBoard", sortKeyFields: ["title"])
}
`);

async function admin(query: string): Promise<void> {
  const client = new pg.Client({ connectionString: PG_ADMIN });
  await client.connect();
  try {
    await client.query(query);
  } finally {
    await client.end();
  }
}

/** A PostgreSQL database of this suite's own (ICU en-US default collation when offered); its URL and how to drop it. */
async function postgresDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `outpost_test_${randomBytes(6).toString('hex')}`;
  await admin(`create database ${name} encoding 'UTF8' locale_provider icu icu_locale 'en-US' locale 'C.UTF-8' template template0`).catch(() =>
    admin(`create database ${name}`),
  );
  const url = new URL(PG_ADMIN);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin(`drop database if exists ${name} with (force)`) };
}

function note(id: string, version: number, fields: Record<string, unknown> = {}, at = 1_000 * version): StoredItem {
  const empty = { title: null, rank: null, score: null, done: null, tags: null, geo: null, data: null, board: null, createdAt: null, updatedAt: null };
  return { id, ...empty, ...fields, _version: version, _lastChangedAt: at, _deleted: null } as StoredItem;
}

/** What a mutation does: read the row under lock, write it only if its version is `expected`, log the change. */
async function conditionalPut(storage: Storage, item: StoredItem, expected: number | null): Promise<'written' | 'conflict'> {
  return storage.writeTransaction('Note', async (tx) => {
    const current = await tx.getForUpdate('Note', item.id as string);
    if ((current?._version ?? null) !== expected) return 'conflict';
    await tx.put('Note', item, item._deleted === true ? 4_000_000_000 : null);
    await tx.appendChange('Note', item);
    return 'written';
  });
}

function suite(dialect: Dialect): void {
  describe(`storage conformance on ${dialect}`, { skip: dialect === 'postgres' ? pgSkip : undefined }, () => {
    let storage: Storage;
    let cleanup: () => Promise<void>;
    before(async () => {
      if (dialect === 'sqlite') {
        const dir = mkdtempSync(join(tmpdir(), 'outpost-conformance-'));
        storage = await openStorage(`sqlite:${join(dir, 'server.db')}`);
        cleanup = async () => rmSync(dir, { recursive: true, force: true });
      } else {
        const db = await postgresDatabase();
        storage = await openStorage(db.url);
        cleanup = db.drop;
      }
      await deploySchema(storage, schema, false);
    });
    after(async () => {
      await storage?.close();
      await cleanup?.();
    });

    test('the dialect object names the database it opened', () => {
      assert.equal(storage.dialect, dialect);
      assert.equal(storage.engine.name, dialect);
      assert.equal(storage.ownTables().dialect, storage.engine);
    });

    test('put/get round-trips booleans, numbers, lists, embedded objects and AWSJSON; unknown ids are undefined', async () => {
      const item = note('round', 1, {
        title: 'Grüße 🎉',
        rank: 9_007_199_254_740_991,
        score: -0.125,
        done: false,
        tags: ['x', 'y z', ''],
        geo: { lat: 51.5, acc: 3 },
        data: '{"k":[1,2,{"n":null}]}',
        board: 'b1',
      });
      assert.equal(await conditionalPut(storage, item, null), 'written');
      assert.deepEqual(await storage.get('Note', 'round'), item);
      const yes = note('round-true', 1, { done: true, rank: -3, score: 1e21, tags: [], geo: { lat: 0, acc: 0 } });
      assert.equal(await conditionalPut(storage, yes, null), 'written');
      assert.deepEqual(await storage.get('Note', 'round-true'), yes);
      assert.equal(await storage.get('Note', 'missing'), undefined);
    });

    test('conditional writes: the expected version wins once, a stale one is a conflict and changes nothing', async () => {
      assert.equal(await conditionalPut(storage, note('cond', 1, { title: 'one' }), null), 'written');
      assert.equal(await conditionalPut(storage, note('cond', 1, { title: 'again' }), null), 'conflict');
      assert.equal(await conditionalPut(storage, note('cond', 2, { title: 'two' }), 1), 'written');
      assert.equal(await conditionalPut(storage, note('cond', 2, { title: 'stale' }), 1), 'conflict');
      const stored = await storage.get('Note', 'cond');
      assert.equal(stored?.title, 'two');
      assert.equal(stored?._version, 2);
    });

    test('concurrent writers of one record are serialised: exactly one of two racing version-1 updates wins', async () => {
      assert.equal(await conditionalPut(storage, note('race', 1), null), 'written');
      const results = await Promise.all([
        conditionalPut(storage, note('race', 2, { title: 'left' }), 1),
        conditionalPut(storage, note('race', 2, { title: 'right' }), 1),
      ]);
      assert.deepEqual([...results].sort(), ['conflict', 'written']);
      assert.equal((await storage.get('Note', 'race'))?._version, 2);
    });

    test('the write transaction clock is epoch ms near now; syncStartTime is not before it', async () => {
      const before = Date.now();
      const inside = await storage.writeTransaction('Note', (tx) => tx.now());
      const start = await storage.syncStartTime('Note');
      // The database clock may differ from this process's by a little.
      assert.ok(Math.abs(inside - before) < 5_000, `${inside} vs ${before}`);
      assert.ok(start >= inside, `${start} >= ${inside}`);
    });

    test('base pages are in byte order of the key (B < a < é), keyset-paginated, the same on both databases', async () => {
      for (const id of ['é', 'a', 'B', 'Z', 'b', 'aa']) await conditionalPut(storage, note(`k-${id}`, 1, { board: 'keys' }), null);
      const ids: string[] = [];
      let afterId: string | null = 'k-';
      for (;;) {
        const page = await storage.basePage('Note', { afterId, limit: 2, equals: { field: 'board', value: 'keys' } });
        if (page.length === 0) break;
        ids.push(...page.map((p) => p.id as string));
        afterId = page[page.length - 1]?.id as string;
      }
      assert.deepEqual(ids, ['k-B', 'k-Z', 'k-a', 'k-aa', 'k-b', 'k-é']);
      assert.equal(await storage.countRecords('Note', {}), (await storage.basePage('Note', { afterId: null, limit: 1000 })).length);
    });

    test('index pages: one partition by the sort key in byte order, both directions, with key conditions and a cursor', async () => {
      const titles = ['é', 'a', 'B', 'ab', 'b'];
      for (const [i, title] of titles.entries()) await conditionalPut(storage, note(`i-${i}`, 1, { board: 'idx', title }), null);
      await conditionalPut(storage, note('i-other', 1, { board: 'other', title: 'a' }), null);
      await conditionalPut(storage, note('i-untitled', 1, { board: 'idx' }), null);
      const page = (options: Partial<Parameters<Storage['indexPage']>[1]>) =>
        storage
          .indexPage('Note', { partition: { field: 'board', value: 'idx' }, sortField: 'title', descending: false, after: null, limit: 100, ...options })
          .then((rows) => rows.map((r) => r.title));
      assert.deepEqual(await page({}), ['B', 'a', 'ab', 'b', 'é'], 'rows without a sort key are not in the index');
      assert.deepEqual(await page({ descending: true }), ['é', 'b', 'ab', 'a', 'B']);
      assert.deepEqual(await page({ condition: { op: 'beginsWith', value: 'a' } }), ['a', 'ab']);
      assert.deepEqual(await page({ condition: { op: 'between', value: ['a', 'b'] } }), ['a', 'ab', 'b']);
      assert.deepEqual(await page({ condition: { op: 'gt', value: 'b' } }), ['é']);
      const first = await storage.indexPage('Note', {
        partition: { field: 'board', value: 'idx' },
        sortField: 'title',
        descending: false,
        after: null,
        limit: 2,
      });
      const last = first[first.length - 1];
      assert.deepEqual(await page({ after: { sort: last?.title, id: last?.id as string } }), ['ab', 'b', 'é']);
    });

    test('tombstones: a delete keeps the row with _deleted true, pages still return it, and purge removes it once its ttl passed', async () => {
      await conditionalPut(storage, note('tomb', 1, { board: 'tomb', done: true }), null);
      const deleted = { ...note('tomb', 2, { board: 'tomb', done: true }), _deleted: true };
      assert.equal(await conditionalPut(storage, deleted, 1), 'written');
      assert.deepEqual(await storage.get('Note', 'tomb'), deleted);
      const page = await storage.basePage('Note', { afterId: null, limit: 10, equals: { field: 'board', value: 'tomb' } });
      assert.deepEqual(
        page.map((p) => [p.id, p._deleted]),
        [['tomb', true]],
      );
      const live = await storage.get('Note', 'round');
      assert.equal(live?._deleted, null);
      const purged = await storage.purge(4_000_000_001 * 1000, 0);
      assert.equal(purged.tombstones, 1);
      assert.equal(await storage.get('Note', 'tomb'), undefined);
    });

    test('the change log: delta pages in commit order from `since`, paged by seq; versionImage and counts agree', async () => {
      const at = 10_000_000;
      for (let v = 1; v <= 5; v++) {
        await conditionalPut(storage, note('log', v, { rank: v, tags: [`v${v}`] }, at + v), v === 1 ? null : v - 1);
      }
      const seen: StoredItem[] = [];
      let afterSeq = 0;
      for (;;) {
        const page = await storage.deltaPage('Note', { since: at + 2, afterSeq, limit: 2 });
        if (page.length === 0) break;
        assert.ok(
          page.every((e) => e.seq > afterSeq),
          'seq grows',
        );
        seen.push(...page.map((e) => e.item));
        afterSeq = page[page.length - 1]?.seq ?? afterSeq;
      }
      assert.deepEqual(
        seen.map((i) => [i.id, i._version, i.rank]),
        [
          ['log', 2, 2],
          ['log', 3, 3],
          ['log', 4, 4],
          ['log', 5, 5],
        ],
      );
      assert.equal(await storage.countChanges('Note', at + 2), 4);
      const image = await storage.writeTransaction('Note', (tx) => tx.versionImage('Note', 'log', 3));
      assert.deepEqual(image, note('log', 3, { rank: 3, tags: ['v3'] }, at + 3));
      const purged = await storage.purge(0, at + 3);
      assert.ok(purged.changes >= 2);
      assert.equal(await storage.writeTransaction('Note', (tx) => tx.versionImage('Note', 'log', 2)), undefined);
      assert.equal(await storage.countChanges('Note', 0), (await storage.deltaPage('Note', { since: 0, afterSeq: 0, limit: 1000 })).length);
    });

    test('metadata values round-trip and are replaced', async () => {
      assert.equal(await storage.getMeta('conformance'), undefined);
      await storage.setMeta('conformance', 'one');
      await storage.setMeta('conformance', 'twö');
      assert.equal(await storage.getMeta('conformance'), 'twö');
    });
  });
}

suite('sqlite');
suite('postgres');
