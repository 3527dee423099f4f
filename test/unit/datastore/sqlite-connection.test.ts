// SqliteConnection.transactionWithoutSync: commits like transaction(), leaves the connection's
// durability as it was (also after a throw), and joins an enclosing transaction.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteConnection } from '../../../main/datastore/sqlite-connection.js';

function open(t: { after: (fn: () => void) => void }, durability: 'FULL' | 'NORMAL' = 'FULL'): SqliteConnection {
  const dir = mkdtempSync(join(tmpdir(), 'outpost-sqlite-conn-'));
  const conn = new SqliteConnection(join(dir, 'db.sqlite'), durability);
  t.after(() => {
    conn.close();
    rmSync(dir, { recursive: true, force: true });
  });
  conn.exec('CREATE TABLE t (v INTEGER)');
  return conn;
}

const synchronous = (conn: SqliteConnection): number => conn.db.pragma('synchronous', { simple: true }) as number;
const values = (conn: SqliteConnection): number[] => conn.all({ sql: 'SELECT v FROM t ORDER BY v', parameters: [] }).map((r) => Number(r.v));

test('transactionWithoutSync commits and restores synchronous=FULL afterwards, also when it throws', (t) => {
  const conn = open(t);
  assert.equal(synchronous(conn), 2, 'FULL');
  conn.transactionWithoutSync(() => conn.run({ sql: 'INSERT INTO t VALUES (?)', parameters: [1] }));
  assert.equal(synchronous(conn), 2);
  assert.throws(() =>
    conn.transactionWithoutSync(() => {
      conn.run({ sql: 'INSERT INTO t VALUES (?)', parameters: [2] });
      throw new Error('boom');
    }),
  );
  assert.equal(synchronous(conn), 2);
  assert.deepEqual(values(conn), [1], 'the failed one rolled back');
});

test('transactionWithoutSync inside a transaction joins it (rolled back with it); NORMAL connections stay NORMAL', (t) => {
  const conn = open(t);
  assert.throws(() =>
    conn.transaction(() => {
      conn.transactionWithoutSync(() => conn.run({ sql: 'INSERT INTO t VALUES (?)', parameters: [3] }));
      throw new Error('outer fails');
    }),
  );
  assert.deepEqual(values(conn), []);
  const normal = open(t, 'NORMAL');
  normal.transactionWithoutSync(() => normal.run({ sql: 'INSERT INTO t VALUES (?)', parameters: [4] }));
  assert.equal(synchronous(normal), 1, 'NORMAL');
  assert.deepEqual(values(normal), [4]);
});
