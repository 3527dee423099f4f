// Datastore benchmarks (issue 2 §5), each against raw better-sqlite3 doing the same work:
// (a) serial durable saves: datastore.save (validation, coalescing lookup, row + outbox entry in
//     one transaction) vs two prepared INSERTs in one transaction — as ops/s and their ratio
//     (target ≥ 0.5), for synchronous=FULL (our default) and NORMAL;
// (b) an indexed predicate query with sort + limit on 100k rows of an encrypted store (AEGIS-256, as
//     every profile's store is): datastore.query vs the same SQL on a prepared statement of raw
//     better-sqlite3 over the same file — mean time per query, the ratio (target ≤ 1.15×) of wall
//     time and of this process's CPU time (less coloured by load elsewhere), and the query plan;
// (c) bulk import of 100k records through applyRemote in pages of 1000 (the sync page size), into
//     that encrypted store.
// Prints a table and writes bench-results/datastore.json.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import { parseSchema } from '../../common/schema/parse-schema.js';
import { openDatastore } from '../../main/datastore/datastore.js';
import type { Durability } from '../../main/datastore/sqlite-connection.js';
import { applyStoreKey } from '../../main/datastore/store-encryption.js';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const schema = parseSchema(readFileSync(join(root, 'schema/schema.graphql'), 'utf8'));
const work = mkdtempSync(join(tmpdir(), 'outpost-bench-'));

interface Row {
  readonly benchmark: string;
  readonly datastore: string;
  readonly raw: string;
  readonly ratio: string;
  readonly target: string;
}
const rows: Row[] = [];
const results: Record<string, unknown> = {};

function seconds(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e9;
}

// --- (a) serial durable saves ---------------------------------------------------------------
// The machine may be shared, so the two sides run in alternating blocks of 100 saves: a burst of
// load from elsewhere then hits both rather than whichever happened to be running.

async function serialSaves(durability: Durability, count: number): Promise<{ ds: number; raw: number }> {
  const store = openDatastore({ file: join(work, `saves-ds-${durability}.db`), schema, durability });
  // Raw side: the same tables (DDL copied from the datastore's file), two prepared INSERTs per transaction.
  const db = new Database(join(work, `saves-raw-${durability}.db`));
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${durability}`);
  const template = new Database(join(work, `saves-ds-${durability}.db`), { readonly: true });
  // FTS5 makes its own shadow tables (`…_data`, `…_idx`, …) when its virtual table is created: copying them too fails.
  const ddl = template
    .prepare(
      `SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%'
         AND NOT (type = 'table' AND name LIKE '\\_outpost\\_search\\_%' ESCAPE '\\' AND sql NOT LIKE 'CREATE VIRTUAL TABLE%')`,
    )
    .all() as { sql: string }[];
  template.close();
  for (const { sql } of ddl) db.exec(sql);
  const insertRow = db.prepare(
    `INSERT INTO "Site" ("id","name","code","location","tags","createdAt","updatedAt","owner","_version","_lastChangedAt","_deleted") VALUES (?,?,?,?,?,?,?,?,?,?,?)`,
  );
  const insertEntry = db.prepare(
    `INSERT INTO "_outpost_outbox" ("model","modelId","operation","data","condition","inFlight","createdAt") VALUES (?,?,?,?,?,0,?)`,
  );
  const rawSave = db.transaction((i: number) => {
    const record = { id: randomUUID(), name: `site ${i}`, code: `C${i}`, location: null, tags: ['a', 'b'] };
    insertRow.run(record.id, record.name, record.code, null, JSON.stringify(record.tags), null, null, null, null, null, null);
    insertEntry.run('Site', record.id, 'Create', JSON.stringify(record), null, Date.now());
  });
  for (let i = 0; i < 50; i++) {
    await store.save('Site', { name: `warm ${i}`, tags: ['a'] });
    rawSave(i);
  }
  const BLOCK = 100;
  let dsNs = 0;
  let rawNs = 0;
  for (let done = 0; done < count; done += BLOCK) {
    let start = process.hrtime.bigint();
    for (let i = done; i < done + BLOCK; i++) await store.save('Site', { name: `site ${i}`, code: `C${i}`, tags: ['a', 'b'] });
    dsNs += Number(process.hrtime.bigint() - start);
    start = process.hrtime.bigint();
    for (let i = done; i < done + BLOCK; i++) rawSave(i);
    rawNs += Number(process.hrtime.bigint() - start);
  }
  await store.close();
  db.close();
  return { ds: count / (dsNs / 1e9), raw: count / (rawNs / 1e9) };
}

for (const [durability, count] of [
  ['FULL', 2000],
  ['NORMAL', 10000],
] as const) {
  const { ds, raw } = await serialSaves(durability, count);
  const ratio = ds / raw;
  results[`saves_${durability}`] = { count, datastoreOpsPerSec: ds, rawOpsPerSec: raw, ratio, target: '>= 0.5' };
  rows.push({
    benchmark: `(a) ${count} serial saves, synchronous=${durability}`,
    datastore: `${ds.toFixed(0)} saves/s`,
    raw: `${raw.toFixed(0)} tx/s`,
    ratio: ratio.toFixed(2),
    target: '≥ 0.5',
  });
}

// --- (c) bulk import, which also fills the table for (b) ------------------------------------

const IMPORT_COUNT = 100_000;
const PAGE = 1000;
const SITES = 100;
const file = join(work, 'query.db');
const key = randomBytes(32);
const store = openDatastore({ file, schema, key });
const base = Date.UTC(2026, 0, 1);
const startImport = process.hrtime.bigint();
for (let page = 0; page < IMPORT_COUNT / PAGE; page++) {
  const records = [];
  for (let j = 0; j < PAGE; j++) {
    const n = page * PAGE + j;
    records.push({
      id: `insp-${String(n).padStart(6, '0')}`,
      siteID: `site-${n % SITES}`,
      title: `Inspection ${n}`,
      status: ['DRAFT', 'IN_PROGRESS', 'SUBMITTED', 'APPROVED'][n % 4],
      score: n % 101,
      notes: n % 3 === 0 ? null : `notes for ${n}`,
      inspectedAt: new Date(base + ((n * 7919) % IMPORT_COUNT) * 60_000).toISOString(),
      createdAt: new Date(base).toISOString(),
      updatedAt: new Date(base).toISOString(),
      owner: 'sub::alice',
      _version: 1,
      _lastChangedAt: base,
      _deleted: null,
    });
  }
  await store.remote.applyRemote('Inspection', records, { isFullSync: true });
}
const importSeconds = seconds(startImport);
results.bulkImport = { records: IMPORT_COUNT, pageSize: PAGE, seconds: importSeconds, recordsPerSec: IMPORT_COUNT / importSeconds };
rows.push({
  benchmark: `(c) import ${IMPORT_COUNT} records, applyRemote pages of ${PAGE}`,
  datastore: `${importSeconds.toFixed(2)} s (${(IMPORT_COUNT / importSeconds).toFixed(0)} rec/s)`,
  raw: '—',
  ratio: '—',
  target: '—',
});

// --- (b) indexed predicate query with sort + limit ------------------------------------------

const QUERIES = 1000;
const LIMIT = 50;
const since = new Date(base + 20_000 * 60_000).toISOString();
const where = (site: number) => ({
  and: [
    { field: 'siteID', op: 'eq' as const, value: `site-${site}` },
    { field: 'inspectedAt', op: 'ge' as const, value: since },
  ],
});
const sort = [{ field: 'inspectedAt', direction: 'desc' as const }];
const raw = new Database(file, { readonly: true });
applyStoreKey(raw, key);
const rawSql = `SELECT * FROM "Inspection" WHERE "siteID" = ? AND "inspectedAt" >= ? ORDER BY "inspectedAt" DESC, "id" ASC LIMIT ?`;
const plan = (raw.prepare(`EXPLAIN QUERY PLAN ${rawSql}`).all(`site-1`, since, LIMIT) as { detail: string }[]).map((r) => r.detail);
const statement = raw.prepare(rawSql);
for (let i = 0; i < 20; i++) {
  await store.query('Inspection', { where: where(i), sort, limit: LIMIT });
  statement.all(`site-${i}`, since, LIMIT);
}
// Interleaved one query each, which side first alternating, so load from elsewhere hits both alike.
let returned = 0;
let rawReturned = 0;
let dsNs = 0;
let rawNs = 0;
let dsCpu = 0;
let rawCpu = 0;
const cpuSince = (start: NodeJS.CpuUsage): number => {
  const used = process.cpuUsage(start);
  return used.user + used.system;
};
for (let i = 0; i < QUERIES; i++) {
  for (const side of i % 2 === 0 ? ['datastore', 'raw'] : ['raw', 'datastore']) {
    const cpu = process.cpuUsage();
    const start = process.hrtime.bigint();
    if (side === 'datastore') {
      returned += (await store.query('Inspection', { where: where(i % SITES), sort, limit: LIMIT })).length;
      dsNs += Number(process.hrtime.bigint() - start);
      dsCpu += cpuSince(cpu);
    } else {
      rawReturned += statement.all(`site-${i % SITES}`, since, LIMIT).length;
      rawNs += Number(process.hrtime.bigint() - start);
      rawCpu += cpuSince(cpu);
    }
  }
}
const dsMs = dsNs / 1e6 / QUERIES;
const rawMs = rawNs / 1e6 / QUERIES;
await store.close();
raw.close();
if (returned !== rawReturned) throw new Error(`datastore returned ${returned} rows, raw SQL ${rawReturned}`);
results.query = {
  rows: IMPORT_COUNT,
  encrypted: true,
  queries: QUERIES,
  limit: LIMIT,
  datastoreMs: dsMs,
  rawMs,
  ratio: dsMs / rawMs,
  cpuRatio: dsCpu / rawCpu,
  target: '<= 1.15',
  plan,
};
rows.splice(rows.length - 1, 0, {
  benchmark: `(b) query 100k encrypted rows: siteID = ? AND inspectedAt >= ?, sort desc, limit ${LIMIT}`,
  datastore: `${dsMs.toFixed(3)} ms/query`,
  raw: `${rawMs.toFixed(3)} ms/query`,
  ratio: `${(dsMs / rawMs).toFixed(2)}× (CPU ${(dsCpu / rawCpu).toFixed(2)}×)`,
  target: '≤ 1.15×',
});

// --- report -----------------------------------------------------------------------------------

const columns: (keyof Row)[] = ['benchmark', 'datastore', 'raw', 'ratio', 'target'];
const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => r[c].length)));
const line = (cells: string[]) => `| ${cells.map((cell, i) => cell.padEnd(widths[i])).join(' | ')} |`;
console.log(line(columns));
console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
for (const row of rows) console.log(line(columns.map((c) => row[c])));
console.log(`query plan: ${plan.join('; ')}`);

const out = join(root, 'bench-results');
mkdirSync(out, { recursive: true });
const json = { benchmark: 'datastore', at: new Date().toISOString(), node: process.version, ...results };
writeFileSync(join(out, 'datastore.json'), `${JSON.stringify(json, null, 2)}\n`);
console.log(`wrote ${join(out, 'datastore.json')}`);
rmSync(work, { recursive: true, force: true });
