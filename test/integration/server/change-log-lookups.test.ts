// The storage contract's change-log look-ups, one suite on SQLite and PostgreSQL: a record's image
// at a version (FIELD_MERGE's base) reads like the stored row, the latest entry wins, purged entries
// are gone; a client mutation id finds the record it wrote; counts for syncTotals.
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseSchema } from '../../../common/schema/parse-schema.js';
import { deploySchema } from '../../../server/storage/deploy-schema.js';
import type { KyselyStorage } from '../../../server/storage/kysely-storage.js';
import { openKyselyStorage } from '../../../server/storage/open-storage.js';
import type { StoredItem } from '../../../server/storage/storage.js';
import { createTestDatabase, postgresUnavailable, type Dialect } from './server-harness.js';

const pgSkip = await postgresUnavailable();

const schema = parseSchema(`
type Geo { lat: Float acc: Int }
type Doc @model { id: ID! title: String tags: [String] geo: Geo data: AWSJSON done: Boolean owner: String }
`);

function item(id: string, version: number, fields: Record<string, unknown>, at = 1_000 + version): StoredItem {
  return {
    id,
    title: null,
    tags: null,
    geo: null,
    data: null,
    done: null,
    owner: null,
    createdAt: null,
    updatedAt: null,
    ...fields,
    _version: version,
    _lastChangedAt: at,
    _deleted: null,
  } as StoredItem;
}

function suite(dialect: Dialect): void {
  describe(`change-log look-ups on ${dialect}`, { skip: dialect === 'postgres' ? pgSkip : undefined }, () => {
    let storage: KyselyStorage;
    let cleanup: () => Promise<void>;
    before(async () => {
      if (dialect === 'sqlite') {
        const dir = mkdtempSync(join(tmpdir(), 'outpost-changelog-'));
        storage = await openKyselyStorage(`sqlite:${join(dir, 'server.db')}`);
        cleanup = async () => rmSync(dir, { recursive: true, force: true });
      } else {
        const db = await createTestDatabase();
        storage = await openKyselyStorage(db.url);
        cleanup = db.drop;
      }
      await deploySchema(storage, schema, false);
    });
    after(async () => {
      await storage?.close();
      await cleanup?.();
    });

    async function write(record: StoredItem, mutationId?: string): Promise<void> {
      await storage.writeTransaction('Doc', async (tx) => {
        await tx.put('Doc', record, null);
        await tx.appendChange('Doc', record, mutationId);
      });
    }

    test("versionImage: each version's image, in the form getForUpdate reads (AWSJSON objects as text, booleans, embedded objects)", async () => {
      const v1 = item('d1', 1, { title: 'one', tags: ['a'], geo: { lat: 1.5, acc: 3 }, data: { k: [1, 2] }, done: false });
      const v2 = item('d1', 2, { title: 'two', tags: ['a', 'b'], geo: { lat: 2, acc: 3 }, data: '{"k":3}', done: true });
      await write(v1, 'm-1');
      await write(v2, 'm-2');
      await storage.writeTransaction('Doc', async (tx) => {
        const stored = await tx.getForUpdate('Doc', 'd1');
        assert.deepEqual(await tx.versionImage('Doc', 'd1', 2), stored);
        const base = await tx.versionImage('Doc', 'd1', 1);
        assert.deepEqual(base, { ...v1, data: '{"k":[1,2]}' });
        assert.equal(await tx.versionImage('Doc', 'd1', 3), undefined);
        assert.equal(await tx.versionImage('Doc', 'other', 1), undefined);
      });
    });

    test('mutationApplied: the ids that wrote a record, per model and record; unknown ids are not', async () => {
      await storage.writeTransaction('Doc', async (tx) => {
        assert.equal(await tx.mutationApplied('Doc', 'd1', 'm-1'), true);
        assert.equal(await tx.mutationApplied('Doc', 'd1', 'm-2'), true);
        assert.equal(await tx.mutationApplied('Doc', 'other', 'm-1'), false, 'an id names the record it wrote');
        assert.equal(await tx.mutationApplied('Doc', 'd1', 'nope'), false);
      });
      await write(item('d2', 1, { title: 'no id' }));
      await storage.writeTransaction('Doc', async (tx) => {
        assert.equal(await tx.mutationApplied('Doc', 'd2', ''), false);
      });
    });

    test('counts: base rows (optionally by owner) and change-log entries since a time', async () => {
      await write(item('d3', 1, { owner: 'alice' }, 5_000));
      await write(item('d4', 1, { owner: 'bob' }, 5_001));
      assert.equal(await storage.countRecords('Doc', {}), 4);
      assert.equal(await storage.countRecords('Doc', { ownerIn: { field: 'owner', values: ['alice'] } }), 1);
      assert.equal(await storage.countRecords('Doc', { ownerIn: { field: 'owner', values: ['alice', 'bob'] } }), 2);
      assert.equal(await storage.countRecords('Doc', { ownerIn: { field: 'owner', values: [] } }), 0);
      assert.equal(await storage.countChanges('Doc', 5_000), 2);
      assert.equal(await storage.countChanges('Doc', 0), 5);
    });

    test('both look-ups are served by their indexes', async () => {
      const lookups: Array<[string, ReturnType<typeof sql>]> = [
        [
          '_outpost_changes_model_item_version',
          sql`select item from _outpost_changes where model = ${'Doc'} and item_id = ${'d1'} and version = ${1} order by seq desc limit 1`,
        ],
        [
          '_outpost_changes_model_item_version',
          sql`select seq from _outpost_changes where model = ${'Doc'} and item_id = ${'d1'} and mutation_id = ${'m-1'} limit 1`,
        ],
      ];
      for (const [index, query] of lookups) {
        const plan = await storage.kysely.transaction().execute(async (trx) => {
          if (dialect === 'postgres') {
            // A table this small would be scanned; the question is whether the index can serve it.
            await sql`set local enable_seqscan = off`.execute(trx);
            return (await sql<Record<string, string>>`explain ${query}`.execute(trx)).rows;
          }
          return (await sql<Record<string, string>>`explain query plan ${query}`.execute(trx)).rows;
        });
        assert.match(JSON.stringify(plan), new RegExp(index), JSON.stringify(plan));
      }
    });

    test('purged entries are gone: no base, no remembered id', async () => {
      await storage.purge(0, 10_000);
      await storage.writeTransaction('Doc', async (tx) => {
        assert.equal(await tx.versionImage('Doc', 'd1', 1), undefined);
        assert.equal(await tx.mutationApplied('Doc', 'd1', 'm-1'), false);
      });
    });
  });
}

suite('sqlite');
suite('postgres');
