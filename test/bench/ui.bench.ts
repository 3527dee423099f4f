// `npm run bench -- ui`: the list's reads at 100,000 records (UI_BENCH_RECORDS to change), through
// the real IPC path — the handlers (validation included) over a real datastore file, reached
// through the in-process bridge and the preload's createApi: the first newest-first page with its
// count and marks, searches (a rare word, a common prefix, one letter, accents folded), a
// case-insensitive filter, and a search in the record picker. Prints median and p95 per read.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { CHANGED_AT_SORT_FIELD } from '../../common/predicates/recency.js';
import { parseSchema } from '../../common/schema/parse-schema.js';
import { openDatastore } from '../../main/datastore/datastore.js';
import type { AppServices, LocalStore } from '../../main/ipc/app-services.js';
import { registerHandlers } from '../../main/ipc/handlers.js';
import { createInProcessBridge } from '../../main/ipc/in-process-bridge.js';
import { createApi } from '../../preload/create-api.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const schema = parseSchema(readFileSync(join(root, 'schema/schema.graphql'), 'utf8'), 'schema/schema.graphql');
const RECORDS = Number(process.env.UI_BENCH_RECORDS) > 0 ? Number(process.env.UI_BENCH_RECORDS) : 100_000;
const RUNS = 30;
const WORDS = ['north', 'south', 'ridge', 'river', 'école', 'forêt', 'quarry', 'plot', 'marsh', 'hill', 'bank', 'field'];

const dir = mkdtempSync(join(tmpdir(), 'outpost-bench-ui-'));
const store = openDatastore({ file: join(dir, 'outpost.db'), schema, durability: 'NORMAL' });
const seedStart = performance.now();
const now = Date.now();
for (let start = 0; start < RECORDS; start += 1000) {
  const page = Array.from({ length: Math.min(1000, RECORDS - start) }, (_, j) => {
    const i = start + j;
    return {
      id: `site-${i}`,
      name: `${WORDS[i % WORDS.length]} ${WORDS[(i * 7) % WORDS.length]} ${i}`,
      code: `C${i % 977}`,
      location: null,
      tags: [WORDS[(i * 3) % WORDS.length]],
      _version: 1,
      _lastChangedAt: now - i * 1000,
      _deleted: null,
    };
  });
  await store.remote.applyRemote('Site', page, { isFullSync: true });
}
await store.save('Site', { name: 'Unique kestrel lookout' });
const seedMs = performance.now() - seedStart;

const local: LocalStore = {
  save: (model, record, opts) => store.save(model, record, opts),
  get: async (model, key) => (await store.get(model, key)) ?? null,
  query: (model, opts) => store.query(model, opts),
  count: (model, where, opts) => store.count(model, where, opts),
  marks: (model, records) => store.marks(model, records),
  delete: () => Promise.reject(new Error('not in this bench')),
  observe: (model, where, listener) => store.observe(model, where).subscribe(listener),
  observeQuery: (model, where, sort, listener) => store.observeQuery(model, where, sort ? { sort } : {}).subscribe(listener),
};
// Only the query path is exercised: the rest of AppServices is never called here.
const services = { schema, store: () => local } as unknown as AppServices;
const bridge = createInProcessBridge();
registerHandlers(bridge.host, services);
const api = createApi(bridge.connect().transport);

const newest = [{ field: CHANGED_AT_SORT_FIELD, direction: 'desc' as const }];
/** Saves not yet in the search index when a search comes: it folds them first (search-index.ts). */
const SAVES_BEFORE_SEARCH = 200;
let fresh = 0;
const saveMany = async (): Promise<void> => {
  for (let i = 0; i < SAVES_BEFORE_SEARCH; i++) await store.save('Site', { name: `fresh osprey ${fresh++}` });
};
// [name, the read timed, what runs untimed before each time]
const reads: Array<[string, () => Promise<unknown>, (() => Promise<void>)?]> = [
  ['first page, newest first, count + marks', () => api.query({ model: 'Site', sort: newest, limit: 25, page: 0, withCount: true, withMarks: true })],
  ['page 100, newest first, count', () => api.query({ model: 'Site', sort: newest, limit: 25, page: 100, withCount: true })],
  ['search "kestrel" (1 match), count', () => api.query({ model: 'Site', search: 'kestrel', sort: newest, limit: 25, withCount: true, withMarks: true })],
  [
    `search "kestrel" right after ${SAVES_BEFORE_SEARCH} saves (folded first), count`,
    () => api.query({ model: 'Site', search: 'kestrel', sort: newest, limit: 25, withCount: true, withMarks: true }),
    saveMany,
  ],
  ['search "ecole" (accents folded), count', () => api.query({ model: 'Site', search: 'ecole', sort: newest, limit: 25, withCount: true, withMarks: true })],
  ['search "north ri" (two words), count', () => api.query({ model: 'Site', search: 'north ri', sort: newest, limit: 25, withCount: true })],
  ['search "r" (one letter), count', () => api.query({ model: 'Site', search: 'r', sort: newest, limit: 25, withCount: true })],
  ['picker: search "riv", 12 rows', () => api.query({ model: 'Site', search: 'riv', sort: newest, limit: 12 })],
  [
    'filter name contains "NORTH", ignoreCase, count',
    () => api.query({ model: 'Site', where: { field: 'name', op: 'contains', value: 'NORTH' }, ignoreCase: true, sort: newest, limit: 25, withCount: true }),
  ],
];

const rows: Array<{ read: string; medianMs: number; p95Ms: number }> = [];
for (const [name, read, before] of reads) {
  await read(); // prepare the statements once
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    await before?.();
    const t = performance.now();
    await read();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  rows.push({ read: name, medianMs: Number(times[Math.floor(RUNS / 2)]!.toFixed(2)), p95Ms: Number(times[Math.floor(RUNS * 0.95)]!.toFixed(2)) });
}
console.log(
  `ui bench: ${RECORDS} Site records (seeded through sync merges in ${(seedMs / 1000).toFixed(1)} s, search index folded from what the triggers note), ${RUNS} runs each, through the IPC handlers`,
);
console.table(rows);
await store.close();
rmSync(dir, { recursive: true, force: true });
