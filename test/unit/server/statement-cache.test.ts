import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { parseSchema } from '../../../common/schema/parse-schema.js';
import { deploySchema } from '../../../server/storage/deploy-schema.js';
import { SqliteStorage } from '../../../server/storage/sqlite-storage.js';
import { StatementCachingDatabase } from '../../../server/storage/statement-cache.js';

const dir = mkdtempSync(join(tmpdir(), 'outpost-statement-cache-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const freshFile = (): string => join(dir, `db-${++files}.sqlite`);

test('the same SQL text gets the same statement; results follow the new parameters', () => {
  const db = new StatementCachingDatabase(new Database(':memory:'));
  db.prepare('create table t (id integer primary key, name text)').run([]);
  const insert = db.prepare('insert into t (id, name) values (?, ?)');
  insert.run([1, 'one']);
  assert.equal(db.prepare('insert into t (id, name) values (?, ?)'), insert);
  db.prepare('insert into t (id, name) values (?, ?)').run([2, 'two']);
  const select = db.prepare('select name from t where id = ?');
  assert.equal(select.reader, true);
  assert.equal(insert.reader, false);
  assert.deepEqual(select.all([1]), [{ name: 'one' }]);
  assert.deepEqual(db.prepare('select name from t where id = ?').all([2]), [{ name: 'two' }]);
  assert.equal(db.size, 2);
  db.close();
});

test('the cache holds at most `capacity` statements, evicting the least recently used', () => {
  const db = new StatementCachingDatabase(new Database(':memory:'), 2);
  const a = db.prepare('select 1 as a');
  const b = db.prepare('select 2 as b');
  assert.equal(db.prepare('select 1 as a'), a); // a is now the most recent
  db.prepare('select 3 as c');
  assert.equal(db.size, 2);
  assert.equal(db.prepare('select 1 as a'), a);
  assert.notEqual(db.prepare('select 2 as b'), b, 'b was evicted and is prepared anew');
  for (let i = 0; i < 50; i++) db.prepare(`select ${i} as n`);
  assert.equal(db.size, 2);
  db.close();
});

test('a capacity that is not a positive integer is refused with the value named', () => {
  const raw = new Database(':memory:');
  assert.throws(() => new StatementCachingDatabase(raw, 0), /capacity must be a positive integer, got 0/);
  assert.throws(() => new StatementCachingDatabase(raw, 1.5), /got 1\.5/);
  raw.close();
});

test('DDL empties the cache and is not kept itself', () => {
  const db = new StatementCachingDatabase(new Database(':memory:'));
  db.prepare('create table t (x integer)').run([]);
  db.prepare('insert into t (x) values (?)').run([1]);
  const before = db.prepare('select * from t');
  assert.equal(db.size, 2);
  db.prepare('alter table t add column y text').run([]);
  assert.equal(db.size, 0);
  const afterAlter = db.prepare('select * from t');
  assert.notEqual(afterAlter, before);
  assert.deepEqual(afterAlter.all([]), [{ x: 1, y: null }]);
  db.prepare('\n  drop table t').run([]);
  assert.equal(db.size, 0);
  db.close();
});

test('a schema change made by another connection reaches statements already cached', () => {
  const file = freshFile();
  const other = new Database(file);
  other.exec('create table t (x integer); insert into t values (1)');
  const db = new StatementCachingDatabase(new Database(file));
  const select = db.prepare('select * from t');
  assert.deepEqual(select.all([]), [{ x: 1 }]);
  other.exec("alter table t add column y text; update t set y = 'new'");
  assert.equal(db.prepare('select * from t'), select);
  assert.deepEqual(select.all([]), [{ x: 1, y: 'new' }]);
  other.exec('drop table t');
  assert.throws(() => db.prepare('select * from t').all([]), /no such table: t/);
  other.close();
  db.close();
});

test('a statement still being iterated is not handed out again', async () => {
  const db = new StatementCachingDatabase(new Database(':memory:'));
  const kysely = new Kysely<{ t: { x: number } }>({ dialect: new SqliteDialect({ database: db }) });
  await kysely.schema.createTable('t').addColumn('x', 'integer').execute();
  await kysely
    .insertInto('t')
    .values([{ x: 1 }, { x: 2 }, { x: 3 }])
    .execute();
  // A stream holds its statement until it ends; a plain query of the same SQL meanwhile must not reuse it.
  const iterating = db.prepare('select x from t order by x');
  const iterator = iterating.iterate([]);
  assert.deepEqual(iterator.next().value, { x: 1 });
  const second = db.prepare('select x from t order by x');
  assert.notEqual(second, iterating);
  iterator.return?.();
  assert.equal(db.prepare('select x from t order by x'), iterating, 'free again once the iteration ended');
  const streamed: number[] = [];
  for await (const row of kysely.selectFrom('t').select('x').orderBy('x').stream()) streamed.push(row.x);
  for await (const row of kysely.selectFrom('t').select('x').orderBy('x').stream()) streamed.push(row.x);
  assert.deepEqual(streamed, [1, 2, 3, 1, 2, 3]);
  await kysely.destroy();
});

test('SqliteStorage reads and writes correctly across deploys that add, change and drop columns and models', async () => {
  const v1 = parseSchema('type Site @model { id: ID! name: String! code: String }\ntype Old @model { id: ID! x: Int }');
  const v2 = parseSchema('type Site @model { id: ID! name: String! code: Int notes: String }');
  const v3 = parseSchema('type Site @model { id: ID! name: String! code: Int notes: String }\ntype Old @model { id: ID! x: Int }');
  const storage = await SqliteStorage.open(freshFile());
  const meta = { _lastChangedAt: 1, _deleted: null };
  // Models get createdAt / updatedAt columns; these rows leave them unset.
  const ts = { createdAt: null, updatedAt: null };
  try {
    await deploySchema(storage, v1, false);
    await storage.writeTransaction('Site', async (tx) => {
      assert.equal(await tx.getForUpdate('Site', 's1'), undefined);
      await tx.put('Site', { id: 's1', name: 'North', code: 'N1', _version: 1, ...meta }, null);
      await tx.appendChange('Site', { id: 's1', name: 'North', code: 'N1', _version: 1, ...meta });
    });
    await storage.writeTransaction('Old', async (tx) => tx.put('Old', { id: 'o1', x: 7, _version: 1, ...meta }, null));
    assert.deepEqual(await storage.get('Site', 's1'), { id: 's1', name: 'North', code: 'N1', ...ts, _version: 1, ...meta });

    await deploySchema(storage, v2, true);
    assert.deepEqual(await storage.get('Site', 's1'), { id: 's1', name: 'North', code: null, notes: null, ...ts, _version: 1, ...meta });
    await storage.writeTransaction('Site', async (tx) => {
      const existing = await tx.getForUpdate('Site', 's1');
      assert.equal(existing?.notes, null);
      await tx.put('Site', { id: 's1', name: 'North', code: 12, notes: 'gate', _version: 2, ...meta }, null);
    });
    assert.deepEqual(await storage.get('Site', 's1'), { id: 's1', name: 'North', code: 12, notes: 'gate', ...ts, _version: 2, ...meta });

    await deploySchema(storage, v3, false);
    assert.equal(await storage.get('Old', 'o1'), undefined, 'the dropped model came back empty');
    await storage.writeTransaction('Old', async (tx) => tx.put('Old', { id: 'o2', x: 8, _version: 1, ...meta }, null));
    assert.deepEqual(await storage.get('Old', 'o2'), { id: 'o2', x: 8, ...ts, _version: 1, ...meta });
    assert.deepEqual(
      (await storage.deltaPage('Site', { since: 0, afterSeq: 0, limit: 10 })).map((e) => e.item.name),
      ['North'],
    );
  } finally {
    await storage.close();
  }
});
