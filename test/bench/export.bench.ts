// Export benchmark (issue 13 "Export"): 100,000 records exported from a real SQLite datastore —
// Sites (with a location and tags) as CSV and as GeoJSON, and Inspections as CSV with each one's
// Site name looked up (100 Sites), unsorted, sorted by title and sorted by status (an enum) — all
// in keyset pages.
// For each: time, records/s, file size, and the process's peak RSS (sampled every 5 ms, and after
// every page) against its RSS just before, which is what "flat in memory" means here.
// Prints a table and writes bench-results/export.json. Numbers only; no pass or fail.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { ExportFormat } from '../../common/export/export-formats.js';
import { getModel } from '../../common/schema/model-fields.js';
import { parseSchema } from '../../common/schema/parse-schema.js';
import type { ModelRecord } from '../../common/schema/types.js';
import { openDatastore } from '../../main/datastore/datastore.js';
import { exportToFile } from '../../main/export/export-file.js';
import type { ExportSort, ExportSource } from '../../main/export/record-pages.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const schema = parseSchema(readFileSync(join(root, 'schema/schema.graphql'), 'utf8'));
const work = mkdtempSync(join(tmpdir(), 'outpost-bench-export-'));
const COUNT = 100_000;
const PAGE = 1000;
const SITES_FOR_INSPECTIONS = 100;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const store = openDatastore({ file: join(work, 'export.db'), schema, durability: 'NORMAL' });
const base = Date.UTC(2026, 0, 1);
const meta = {
  createdAt: new Date(base).toISOString(),
  updatedAt: new Date(base).toISOString(),
  owner: 'sub::alice',
  _version: 1,
  _lastChangedAt: base,
  _deleted: null,
};

async function seed(model: string, make: (n: number) => ModelRecord): Promise<void> {
  for (let page = 0; page < COUNT / PAGE; page++) {
    const records = Array.from({ length: PAGE }, (_, j) => ({ ...make(page * PAGE + j), ...meta }));
    await store.remote.applyRemote(model, records, { isFullSync: true });
  }
}

const seedStart = process.hrtime.bigint();
await seed('Site', (n) => ({
  id: `site-${String(n).padStart(6, '0')}`,
  name: `Site ${n}, "north" ${n % 7 === 0 ? 'Zürich' : 'Quito'}`,
  code: `C${n}`,
  location: n % 10 === 0 ? null : { latitude: ((n * 7919) % 18000) / 100 - 90, longitude: ((n * 104729) % 36000) / 100 - 180, accuracyMeters: n % 50 },
  tags: ['survey', `batch ${n % 13}`],
}));
await seed('Inspection', (n) => ({
  id: `insp-${String(n).padStart(6, '0')}`,
  siteID: `site-${String(n % SITES_FOR_INSPECTIONS).padStart(6, '0')}`,
  title: `Inspection ${(n * 7919) % COUNT}`,
  status: ['DRAFT', 'IN_PROGRESS', 'SUBMITTED', 'APPROVED'][n % 4],
  score: n % 101,
  notes: n % 3 === 0 ? null : `notes for ${n}, with a comma\nand a second line`,
  inspectedAt: new Date(base + ((n * 7919) % COUNT) * 60_000).toISOString(),
  attachments: null,
}));
const seedSeconds = Number(process.hrtime.bigint() - seedStart) / 1e9;

interface Run {
  readonly name: string;
  readonly model: string;
  readonly format: ExportFormat;
  readonly sort?: readonly ExportSort[];
}
const runs: Run[] = [
  { name: 'Sites → CSV', model: 'Site', format: 'csv' },
  { name: 'Sites → GeoJSON', model: 'Site', format: 'geojson' },
  { name: 'Inspections + Site name → CSV', model: 'Inspection', format: 'csv' },
  { name: 'Inspections sorted by title → CSV', model: 'Inspection', format: 'csv', sort: [{ field: 'title', direction: 'asc' }] },
  { name: 'Inspections sorted by status (enum) → CSV', model: 'Inspection', format: 'csv', sort: [{ field: 'status', direction: 'asc' }] },
];

const MB = 1024 * 1024;
const results: Array<Record<string, unknown>> = [];
for (const run of runs) {
  gc();
  const rssBefore = process.memoryUsage().rss;
  let peak = rssBefore;
  const sample = () => {
    peak = Math.max(peak, process.memoryUsage().rss);
  };
  const timer = setInterval(sample, 5);
  // Every page read is a chance to look too: the datastore's reads block the event loop.
  const source: ExportSource = {
    query: async (model, options) => {
      sample();
      return store.query(model, options);
    },
  };
  const start = process.hrtime.bigint();
  const result = await exportToFile({
    schema,
    model: getModel(schema, run.model),
    format: run.format,
    source,
    overwrite: false,
    path: join(work, `${run.model}.${run.format}`),
    ...(run.sort ? { sort: run.sort } : {}),
  });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  clearInterval(timer);
  sample();
  if (result.records !== COUNT) throw new Error(`${run.name}: exported ${result.records} records, expected ${COUNT}`);
  results.push({
    name: run.name,
    records: result.records,
    seconds,
    recordsPerSec: result.records / seconds,
    fileMB: result.bytes / MB,
    rssBeforeMB: rssBefore / MB,
    peakRssMB: peak / MB,
    rssGrowthMB: (peak - rssBefore) / MB,
  });
}
await store.close();
rmSync(work, { recursive: true, force: true });

const rows = results.map((r) => ({
  export: String(r.name),
  time: `${(r.seconds as number).toFixed(2)} s`,
  rate: `${(r.recordsPerSec as number).toFixed(0)} rec/s`,
  file: `${(r.fileMB as number).toFixed(1)} MB`,
  'rss before': `${(r.rssBeforeMB as number).toFixed(0)} MB`,
  'peak rss': `${(r.peakRssMB as number).toFixed(0)} MB`,
  growth: `${(r.rssGrowthMB as number).toFixed(1)} MB`,
}));
const columns = Object.keys(rows[0]!) as Array<keyof (typeof rows)[number]>;
const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => r[c].length)));
const line = (cells: string[]) => `| ${cells.map((cell, i) => cell.padEnd(widths[i]!)).join(' | ')} |`;
console.log(`${COUNT} records per export (seeded in ${seedSeconds.toFixed(1)} s); pages of 500`);
console.log(line(columns));
console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
for (const row of rows) console.log(line(columns.map((c) => row[c])));

const out = join(root, 'bench-results');
mkdirSync(out, { recursive: true });
const json = { benchmark: 'export', at: new Date().toISOString(), node: process.version, records: COUNT, pageSize: 500, seedSeconds, runs: results };
writeFileSync(join(out, 'export.json'), `${JSON.stringify(json, null, 2)}\n`);
console.log(`wrote ${join(out, 'export.json')}`);
