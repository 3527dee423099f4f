// The @index indexes end with the primary key (the datastore's tiebreak) and have a descending
// companion, so a query on an index sorted by its sort key reads the page from the index (no temp
// B-tree); a file whose indexes an older version built (without the key) gets them rebuilt on open.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openDatastore } from '../../../main/datastore/datastore.js';
import { exampleSchema, rawRows, tempDir } from './temp-datastore.js';

const PLAN_SQL = `EXPLAIN QUERY PLAN SELECT * FROM "Inspection" WHERE "siteID" = ? AND "inspectedAt" >= ? ORDER BY "inspectedAt" DESC, "id" ASC LIMIT 5`;
const ASC_PLAN_SQL = `EXPLAIN QUERY PLAN SELECT * FROM "Inspection" WHERE "siteID" = ? ORDER BY "inspectedAt" ASC, "id" ASC LIMIT 5`;

function indexSql(file: string): Record<string, string> {
  const rows = rawRows(
    file,
    `SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'Inspection' AND name LIKE 'Inspection\\_\\_%' ESCAPE '\\'`,
  );
  return Object.fromEntries(rows.map((r) => [String(r.name), String(r.sql)]));
}

function plan(file: string, query: string, ...params: unknown[]): string {
  const db = new Database(file, { readonly: true });
  try {
    return (db.prepare(query).all(...params) as { detail: string }[]).map((r) => r.detail).join('; ');
  } finally {
    db.close();
  }
}

async function fill(file: string): Promise<void> {
  const store = openDatastore({ file, schema: exampleSchema() });
  const at = (n: number) => new Date(Date.UTC(2026, 0, 1) + n * 60_000).toISOString();
  // Ties on inspectedAt, keys deliberately out of insertion order: ties must still come key ascending.
  const records = ['i-c', 'i-a', 'i-d', 'i-b', 'i-e'].map((id, n) => ({
    id,
    siteID: 's1',
    title: id,
    status: 'DRAFT',
    inspectedAt: at(n < 3 ? 1 : 2),
    _version: 1,
    _lastChangedAt: 10,
    _deleted: null,
  }));
  await store.remote.applyRemote('Inspection', records, { isFullSync: true });
  await store.close();
}

async function order(file: string, direction: 'asc' | 'desc'): Promise<string[]> {
  const store = openDatastore({ file, schema: exampleSchema() });
  try {
    const rows = await store.query('Inspection', { where: { field: 'siteID', op: 'eq', value: 's1' }, sort: [{ field: 'inspectedAt', direction }], limit: 10 });
    return rows.map((r) => String(r.id));
  } finally {
    await store.close();
  }
}

test('a new file: @index ends with the key, a descending companion exists, both sorts are read from an index with ties by key ascending', async (t) => {
  const file = join(tempDir(t), 'outpost.db');
  await fill(file);
  assert.deepEqual(indexSql(file), {
    Inspection__bySite: 'CREATE INDEX "Inspection__bySite" ON "Inspection" ("siteID", "inspectedAt", "id")',
    Inspection__bySite__desc: 'CREATE INDEX "Inspection__bySite__desc" ON "Inspection" ("siteID", "inspectedAt" DESC, "id")',
  });
  const desc = plan(file, PLAN_SQL, 's1', '2000-01-01');
  assert.match(desc, /USING INDEX Inspection__bySite__desc/);
  assert.doesNotMatch(desc, /TEMP B-TREE/);
  const asc = plan(file, ASC_PLAN_SQL, 's1');
  assert.match(asc, /USING INDEX Inspection__bySite\b/);
  assert.doesNotMatch(asc, /TEMP B-TREE/);
  assert.deepEqual(await order(file, 'desc'), ['i-b', 'i-e', 'i-a', 'i-c', 'i-d']);
  assert.deepEqual(await order(file, 'asc'), ['i-a', 'i-c', 'i-d', 'i-b', 'i-e']);
});

test('a file whose @index was built by the previous version (no key at its end, no companion) is rebuilt on open, rows kept', async (t) => {
  const file = join(tempDir(t), 'outpost.db');
  await fill(file);
  // Back to exactly what the previous schema-ddl.ts wrote (Kysely's createIndex().ifNotExists()).
  const db = new Database(file);
  db.exec(`DROP INDEX "Inspection__bySite"; DROP INDEX "Inspection__bySite__desc";`);
  db.exec(`create index if not exists "Inspection__bySite" on "Inspection" ("siteID", "inspectedAt")`);
  db.close();
  assert.deepEqual(Object.keys(indexSql(file)), ['Inspection__bySite']);
  assert.match(plan(file, PLAN_SQL, 's1', '2000-01-01'), /TEMP B-TREE/);

  assert.deepEqual(await order(file, 'desc'), ['i-b', 'i-e', 'i-a', 'i-c', 'i-d']);
  assert.deepEqual(indexSql(file), {
    Inspection__bySite: 'CREATE INDEX "Inspection__bySite" ON "Inspection" ("siteID", "inspectedAt", "id")',
    Inspection__bySite__desc: 'CREATE INDEX "Inspection__bySite__desc" ON "Inspection" ("siteID", "inspectedAt" DESC, "id")',
  });
  assert.doesNotMatch(plan(file, PLAN_SQL, 's1', '2000-01-01'), /TEMP B-TREE/);
  assert.equal(rawRows(file, `SELECT count(*) AS n FROM "Inspection"`)[0]?.n, 5);
});
