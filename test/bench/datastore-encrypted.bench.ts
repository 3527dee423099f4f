// The encrypted datastore beside the plain one (issue 15), the same work on both, interleaved so
// load from elsewhere on the machine hits both sides alike:
// (a) serial durable saves (synchronous=FULL): saves/s encrypted / plain (target ≥ 0.8);
// (c) base sync of 100k records: applyRemote in pages of 1000 as the sync worker applies them,
//     records/s encrypted / plain (target ≥ 0.85);
// (b) the indexed predicate query with sort + limit on those 100k rows: time encrypted / plain
//     (target ≤ 1.2×), warm, and the first queries after opening (cold page cache of the process);
// (d) encrypting the 100k-record plain store in place (encryptPlainStore), for the record.
// The query and sync rows also give the ratio of this process's CPU time, which load from other
// processes colours less than wall time. Prints a table and writes bench-results/datastore-encrypted.json.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { parseSchema } from '../../common/schema/parse-schema.js';
import { openDatastore, type Datastore } from '../../main/datastore/datastore.js';
import { encryptPlainStore } from '../../main/datastore/store-encryption.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const schema = parseSchema(readFileSync(join(root, 'schema/schema.graphql'), 'utf8'));
const work = mkdtempSync(join(tmpdir(), 'outpost-bench-enc-'));
const key = randomBytes(32);

interface Row {
  readonly benchmark: string;
  readonly plain: string;
  readonly encrypted: string;
  readonly ratio: string;
  readonly target: string;
}
type Side = 'plain' | 'encrypted';
const rows: Row[] = [];
const results: Record<string, unknown> = {};

function open(name: string, encrypted: boolean): Datastore {
  return openDatastore({ file: join(work, name), schema, ...(encrypted ? { key } : {}) });
}

function elapsedNs(start: bigint): number {
  return Number(process.hrtime.bigint() - start);
}

/** CPU time (user + system, µs) this process spent since `start`: less coloured than wall time by load elsewhere. */
function cpuUs(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return used.user + used.system;
}

// --- (a) serial durable saves -----------------------------------------------------------------

const SAVES = 2000;
const BLOCK = 25;
{
  const plain = open('saves-plain.db', false);
  const encrypted = open('saves-enc.db', true);
  for (let i = 0; i < 50; i++) {
    await plain.save('Site', { name: `warm ${i}`, tags: ['a'] });
    await encrypted.save('Site', { name: `warm ${i}`, tags: ['a'] });
  }
  const ns = { plain: 0, encrypted: 0 };
  for (let done = 0; done < SAVES; done += BLOCK) {
    for (const [side, store] of [
      ['plain', plain],
      ['encrypted', encrypted],
    ] as const) {
      const start = process.hrtime.bigint();
      for (let i = done; i < done + BLOCK; i++) await store.save('Site', { name: `site ${i}`, code: `C${i}`, tags: ['a', 'b'] });
      ns[side] += elapsedNs(start);
    }
  }
  await plain.close();
  await encrypted.close();
  const plainRate = SAVES / (ns.plain / 1e9);
  const encRate = SAVES / (ns.encrypted / 1e9);
  results.savesFull = { count: SAVES, plainOpsPerSec: plainRate, encryptedOpsPerSec: encRate, ratio: encRate / plainRate, target: '>= 0.8' };
  rows.push({
    benchmark: `(a) ${SAVES} serial saves, synchronous=FULL`,
    plain: `${plainRate.toFixed(0)} saves/s`,
    encrypted: `${encRate.toFixed(0)} saves/s`,
    ratio: (encRate / plainRate).toFixed(2),
    target: '≥ 0.8',
  });
}

// --- (c) base sync of 100k records, which also fills the tables for (b) ------------------------

const RECORDS = 100_000;
const PAGE = 1000;
const SITES = 100;
const base = Date.UTC(2026, 0, 1);
function page(index: number): Record<string, unknown>[] {
  const records = [];
  for (let j = 0; j < PAGE; j++) {
    const n = index * PAGE + j;
    records.push({
      id: `insp-${String(n).padStart(6, '0')}`,
      siteID: `site-${n % SITES}`,
      title: `Inspection ${n}`,
      status: ['DRAFT', 'IN_PROGRESS', 'SUBMITTED', 'APPROVED'][n % 4],
      score: n % 101,
      notes: n % 3 === 0 ? null : `notes for ${n}`,
      inspectedAt: new Date(base + ((n * 7919) % RECORDS) * 60_000).toISOString(),
      createdAt: new Date(base).toISOString(),
      updatedAt: new Date(base).toISOString(),
      owner: 'sub::alice',
      _version: 1,
      _lastChangedAt: base,
      _deleted: null,
    });
  }
  return records;
}
{
  const plain = open('query-plain.db', false);
  const encrypted = open('query-enc.db', true);
  const ns = { plain: 0, encrypted: 0 };
  const cpu = { plain: 0, encrypted: 0 };
  for (let index = 0; index < RECORDS / PAGE; index++) {
    const records = page(index);
    // Alternate which side goes first, so neither always meets a page after the other warmed the CPU caches.
    const order = index % 2 === 0 ? (['plain', 'encrypted'] as const) : (['encrypted', 'plain'] as const);
    for (const side of order) {
      const store = side === 'plain' ? plain : encrypted;
      const cpuStart = process.cpuUsage();
      const start = process.hrtime.bigint();
      await store.remote.applyRemote('Inspection', records, { isFullSync: true });
      ns[side] += elapsedNs(start);
      cpu[side] += cpuUs(cpuStart);
    }
  }
  for (const store of [plain, encrypted]) await store.syncMetadata.setSyncMetadata('Inspection', { lastSync: base, lastFullSync: base });
  await plain.close();
  await encrypted.close();
  const plainRate = RECORDS / (ns.plain / 1e9);
  const encRate = RECORDS / (ns.encrypted / 1e9);
  results.baseSync = {
    records: RECORDS,
    pageSize: PAGE,
    plainSeconds: ns.plain / 1e9,
    encryptedSeconds: ns.encrypted / 1e9,
    ratio: encRate / plainRate,
    cpuRatio: cpu.plain / cpu.encrypted,
    target: '>= 0.85',
  };
  rows.push({
    benchmark: `(c) base sync ${RECORDS} records, applyRemote pages of ${PAGE}`,
    plain: `${(ns.plain / 1e9).toFixed(2)} s (${plainRate.toFixed(0)} rec/s)`,
    encrypted: `${(ns.encrypted / 1e9).toFixed(2)} s (${encRate.toFixed(0)} rec/s)`,
    ratio: `${(encRate / plainRate).toFixed(2)} (CPU ${(cpu.plain / cpu.encrypted).toFixed(2)})`,
    target: '≥ 0.85',
  });
}

// --- (b) indexed predicate query with sort + limit ----------------------------------------------

const QUERIES = 300;
const COLD = 20;
const LIMIT = 50;
const since = new Date(base + 20_000 * 60_000).toISOString();
const where = (site: number) => ({
  and: [
    { field: 'siteID', op: 'eq' as const, value: `site-${site}` },
    { field: 'inspectedAt', op: 'ge' as const, value: since },
  ],
});
const sort = [{ field: 'inspectedAt', direction: 'desc' as const }];
{
  const plain = open('query-plain.db', false);
  const encrypted = open('query-enc.db', true);
  const sides: [Side, Datastore][] = [
    ['plain', plain],
    ['encrypted', encrypted],
  ];
  // Cold: the first queries after opening read their pages from the file (and decrypt them).
  const cold = { plain: 0, encrypted: 0 };
  for (let i = 0; i < COLD; i++) {
    for (const [side, store] of sides) {
      const start = process.hrtime.bigint();
      await store.query('Inspection', { where: where(i), sort, limit: LIMIT });
      cold[side] += elapsedNs(start);
    }
  }
  for (let i = 0; i < 20; i++) for (const [, store] of sides) await store.query('Inspection', { where: where(i), sort, limit: LIMIT });
  const warm = { plain: 0, encrypted: 0 };
  const warmCpu = { plain: 0, encrypted: 0 };
  const returned = { plain: 0, encrypted: 0 };
  for (let i = 0; i < QUERIES; i++) {
    for (const [side, store] of i % 2 === 0 ? sides : [...sides].reverse()) {
      const cpuStart = process.cpuUsage();
      const start = process.hrtime.bigint();
      returned[side] += (await store.query('Inspection', { where: where(i % SITES), sort, limit: LIMIT })).length;
      warm[side] += elapsedNs(start);
      warmCpu[side] += cpuUs(cpuStart);
    }
  }
  await plain.close();
  await encrypted.close();
  if (returned.plain !== returned.encrypted) throw new Error(`plain returned ${returned.plain} rows, encrypted ${returned.encrypted}`);
  const plainMs = warm.plain / 1e6 / QUERIES;
  const encMs = warm.encrypted / 1e6 / QUERIES;
  const coldPlainMs = cold.plain / 1e6 / COLD;
  const coldEncMs = cold.encrypted / 1e6 / COLD;
  results.query = {
    rows: RECORDS,
    queries: QUERIES,
    limit: LIMIT,
    plainMs,
    encryptedMs: encMs,
    ratio: encMs / plainMs,
    cpuRatio: warmCpu.encrypted / warmCpu.plain,
    coldQueries: COLD,
    coldPlainMs,
    coldEncryptedMs: coldEncMs,
    coldRatio: coldEncMs / coldPlainMs,
    target: '<= 1.2',
  };
  rows.splice(1, 0, {
    benchmark: `(b) query 100k rows: siteID = ? AND inspectedAt >= ?, sort desc, limit ${LIMIT}`,
    plain: `${plainMs.toFixed(3)} ms/query`,
    encrypted: `${encMs.toFixed(3)} ms/query`,
    ratio: `${(encMs / plainMs).toFixed(2)}× (CPU ${(warmCpu.encrypted / warmCpu.plain).toFixed(2)}×)`,
    target: '≤ 1.2×',
  });
  rows.splice(2, 0, {
    benchmark: `(b) the same, first ${COLD} queries after opening`,
    plain: `${coldPlainMs.toFixed(3)} ms/query`,
    encrypted: `${coldEncMs.toFixed(3)} ms/query`,
    ratio: `${(coldEncMs / coldPlainMs).toFixed(2)}×`,
    target: '—',
  });
}

// --- (d) encrypting the plain 100k-record store in place ----------------------------------------
{
  const file = join(work, 'migrate.db');
  copyFileSync(join(work, 'query-plain.db'), file);
  const start = process.hrtime.bigint();
  encryptPlainStore(file, key);
  const seconds = elapsedNs(start) / 1e9;
  results.encryptInPlace = { records: RECORDS, seconds };
  rows.push({ benchmark: `(d) encrypt a plain ${RECORDS}-record store in place`, plain: '—', encrypted: `${seconds.toFixed(2)} s`, ratio: '—', target: '—' });
}

// --- report -----------------------------------------------------------------------------------

const columns: (keyof Row)[] = ['benchmark', 'plain', 'encrypted', 'ratio', 'target'];
const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => r[c].length)));
const line = (cells: string[]) => `| ${cells.map((cell, i) => cell.padEnd(widths[i])).join(' | ')} |`;
console.log(line(columns));
console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
for (const row of rows) console.log(line(columns.map((c) => row[c])));

const out = join(root, 'bench-results');
mkdirSync(out, { recursive: true });
const json = { benchmark: 'datastore-encrypted', at: new Date().toISOString(), node: process.version, cipher: 'aegis-256', ...results };
writeFileSync(join(out, 'datastore-encrypted.json'), `${JSON.stringify(json, null, 2)}\n`);
console.log(`wrote ${join(out, 'datastore-encrypted.json')}`);
rmSync(work, { recursive: true, force: true });
