// `npm run bench -- device-scale` (issue 16, "a million records on a device"): DEVICE_RECORDS
// (default 1,000,000) records of the example schema (Site / Inspection / Observation, 1 : 9 : 40)
// on a real Outpost server in its own process (device-scale-host.ts, seeded straight into its
// tables), synced to one encrypted client store (AEGIS-256, as every profile's is) by the real
// sync worker over loopback; then, on that store:
// (a) base sync end to end (worker start → ready), records/s, with this process's CPU time and peak RSS;
// (b) the list's first page (newest first, with count and marks) and a count, through the real IPC
//     path (handlers over the in-process bridge and the preload's createApi, as ui.bench.ts);
// (c) a delta sync of DEVICE_DELTA (default 1,000) changes (syncNow);
// (d) offline saves: the full store beside an empty one (another user's), alternating blocks;
// (e) the outbox drain of those saves, full store vs empty store;
// (f) the database file size per record.
// Prints a table and writes bench-results/device-scale.json. Reports numbers; never fails on them.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { CHANGED_AT_SORT_FIELD } from '../../common/predicates/recency.js';
import { parseSchema } from '../../common/schema/parse-schema.js';
import { openDatastore, type Datastore } from '../../main/datastore/datastore.js';
import type { AppServices, LocalStore } from '../../main/ipc/app-services.js';
import { registerHandlers } from '../../main/ipc/handlers.js';
import { createInProcessBridge } from '../../main/ipc/in-process-bridge.js';
import { staticTokenProvider } from '../../main/sync/sync-auth.js';
import { createSyncWorker, type SyncWorker } from '../../main/sync/sync-worker.js';
import { createApi } from '../../preload/create-api.js';

const RECORDS = Number(process.env.DEVICE_RECORDS ?? 1_000_000);
const DELTA = Number(process.env.DEVICE_DELTA ?? 1_000);
const SAVES = Number(process.env.DEVICE_SAVES ?? 1_000);
const root = fileURLToPath(new URL('../../', import.meta.url));
const schema = parseSchema(readFileSync(join(root, 'schema/schema.graphql'), 'utf8'), 'schema/schema.graphql');
const work = mkdtempSync(join(tmpdir(), 'outpost-device-scale-client-'));
const key = randomBytes(32);
const rows: Array<{ measure: string; result: string; target: string }> = [];
const results: Record<string, unknown> = {};
const MB = 2 ** 20;

function cpuMs(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
}

// --- the server ---------------------------------------------------------------------------------
// DEVICE_HOST_ARGS: extra Node flags for the server process (e.g. `--cpu-prof`).
const hostArgs = (process.env.DEVICE_HOST_ARGS ?? '').split(/\s+/).filter((a) => a !== '');
const host = spawn(process.execPath, [...hostArgs, '--import', 'tsx', fileURLToPath(new URL('./device-scale-host.ts', import.meta.url))], {
  env: { ...process.env, DEVICE_RECORDS: String(RECORDS) },
  stdio: ['pipe', 'pipe', 'inherit'],
});
const hostLines = createInterface({ input: host.stdout! });
const replies: Array<(line: string) => void> = [];
hostLines.on('line', (line) => replies.shift()?.(line));
const nextReply = () => new Promise<string>((resolve) => replies.push(resolve));
host.once('exit', (code) => {
  if (replies.length > 0) throw new Error(`device-scale host exited (${code})`);
});
const hello = JSON.parse(await nextReply()) as { url: string; alice: string; bob: string; seeded: number; seedSeconds: number };
console.log(`server: ${hello.seeded} records seeded in ${hello.seedSeconds.toFixed(1)} s`);

/** The server process's CPU time so far, ms. */
async function serverCpuMs(): Promise<number> {
  host.stdin!.write('cpu\n');
  return (JSON.parse(await nextReply()) as { cpuMs: number }).cpuMs;
}

function worker(store: Datastore, token: string): SyncWorker {
  return createSyncWorker({
    datastore: store,
    schema,
    endpoint: hello.url,
    auth: { type: 'jwt', tokens: staticTokenProvider(token) },
    maxRecordsToSync: RECORDS * 2,
  });
}

// --- (a) base sync -------------------------------------------------------------------------------
const file = join(work, 'alice.db');
const store = openDatastore({ file, schema, key });
{
  const sync = worker(store, hello.alice);
  const before = process.memoryUsage().rss;
  let peakRss = before;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 20);
  const serverBefore = await serverCpuMs();
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  await sync.start();
  const seconds = (performance.now() - t0) / 1000;
  const cpuSeconds = cpuMs(cpu) / 1000;
  const serverSeconds = ((await serverCpuMs()) - serverBefore) / 1000;
  clearInterval(sampler);
  await sync.stop();
  let stored = 0;
  for (const model of ['Site', 'Inspection', 'Observation']) stored += await store.count(model);
  results.baseSync = {
    records: stored,
    seconds,
    recordsPerSecond: stored / seconds,
    cpuSeconds,
    recordsPerCpuSecond: stored / cpuSeconds,
    serverCpuSeconds: serverSeconds,
    peakRssMB: peakRss / MB,
  };
  rows.push({
    measure: `(a) base sync of ${stored} records, end to end`,
    result: `${(stored / seconds).toFixed(0)} records/s (${seconds.toFixed(1)} s; client CPU ${cpuSeconds.toFixed(1)} s = ${(stored / cpuSeconds).toFixed(0)}/CPU-s, server CPU ${serverSeconds.toFixed(1)} s)`,
    target: '≥ 30,000/s',
  });
  rows.push({
    measure: '(a) client peak RSS during it',
    result: `${(peakRss / MB).toFixed(0)} MB (${(before / MB).toFixed(0)} MB before)`,
    target: '≤ 300 MB',
  });
}

// --- (b) the list through the IPC path -------------------------------------------------------------
{
  const local: LocalStore = {
    save: (model, record, opts) => store.save(model, record, opts),
    get: async (model, k) => (await store.get(model, k)) ?? null,
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
  const reads: Array<[string, () => Promise<unknown>]> = [
    [
      'first page of Observations, newest first, count + marks',
      () => api.query({ model: 'Observation', sort: newest, limit: 25, page: 0, withCount: true, withMarks: true }),
    ],
    ['count of Observations (limit 1 + count)', () => api.query({ model: 'Observation', limit: 1, withCount: true })],
    [
      'first page of one Inspection’s Observations, count',
      () => api.query({ model: 'Observation', where: { field: 'inspectionID', op: 'eq', value: 'insp-0000042' }, sort: newest, limit: 25, withCount: true }),
    ],
  ];
  const measured: Record<string, { firstMs: number; medianMs: number; p95Ms: number }> = {};
  for (const [name, read] of reads) {
    const t = performance.now();
    await read();
    const firstMs = performance.now() - t;
    const times: number[] = [];
    for (let i = 0; i < 20; i++) {
      const s = performance.now();
      await read();
      times.push(performance.now() - s);
    }
    times.sort((x, y) => x - y);
    measured[name] = { firstMs, medianMs: times[10]!, p95Ms: times[19]! };
    rows.push({
      measure: `(b) ${name}`,
      result: `median ${times[10]!.toFixed(1)} ms, p95 ${times[19]!.toFixed(1)} ms (first ${firstMs.toFixed(1)} ms)`,
      target: '≤ 50 ms',
    });
  }
  results.ipcReads = measured;
}

// --- (c) delta sync --------------------------------------------------------------------------------
{
  const sync = worker(store, hello.alice);
  await sync.start();
  host.stdin!.write(`delta ${DELTA}\n`);
  await nextReply();
  let updated = 0;
  const off = sync.onEvent((event) => {
    if (event.type === 'modelSynced' && event.data.model === 'Observation') updated += event.data.counts.updated + event.data.counts.new;
  });
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  await sync.syncNow();
  const ms = performance.now() - t0;
  const spent = cpuMs(cpu);
  off();
  await sync.stop();
  results.deltaSync = { changes: DELTA, applied: updated, ms, cpuMs: spent };
  rows.push({
    measure: `(c) delta sync of ${DELTA} changes into the full store`,
    result: `${ms.toFixed(0)} ms (${updated} applied, CPU ${spent.toFixed(0)} ms)`,
    target: '≤ 1 s',
  });
}

// --- (d) offline saves, full store vs empty store --------------------------------------------------
const emptyFile = join(work, 'bob.db');
const empty = openDatastore({ file: emptyFile, schema, key: randomBytes(32) });
{
  const BLOCK = 25;
  const ns = { full: 0, empty: 0 };
  const cpu = { full: 0, empty: 0 };
  const record = (i: number) => ({
    inspectionID: `insp-${String(i % 1000).padStart(7, '0')}`,
    category: 'crack',
    severity: 'HIGH',
    description: `offline observation ${i}`,
    measurements: [i, 1.5],
    resolved: false,
  });
  for (let i = 0; i < 20; i++) {
    await store.save('Observation', record(i));
    await empty.save('Observation', record(i));
  }
  for (let done = 0; done < SAVES; done += BLOCK) {
    const order = (done / BLOCK) % 2 === 0 ? (['full', 'empty'] as const) : (['empty', 'full'] as const);
    for (const side of order) {
      const target = side === 'full' ? store : empty;
      const c = process.cpuUsage();
      const t = process.hrtime.bigint();
      for (let i = done; i < done + BLOCK; i++) await target.save('Observation', record(i));
      ns[side] += Number(process.hrtime.bigint() - t);
      cpu[side] += cpuMs(c);
    }
  }
  const fullRate = SAVES / (ns.full / 1e9);
  const emptyRate = SAVES / (ns.empty / 1e9);
  results.saves = { saves: SAVES, fullPerSecond: fullRate, emptyPerSecond: emptyRate, ratio: emptyRate / fullRate, cpuRatio: cpu.full / cpu.empty };
  rows.push({
    measure: `(d) ${SAVES} offline saves: full store vs empty`,
    result: `${fullRate.toFixed(0)}/s vs ${emptyRate.toFixed(0)}/s: ${(emptyRate / fullRate).toFixed(2)}× slower (CPU ${(cpu.full / cpu.empty).toFixed(2)}×)`,
    target: '≤ 1.5×',
  });
}

// --- (e) outbox drain, full store vs empty store -----------------------------------------------------
{
  const drain = async (target: Datastore, token: string): Promise<{ seconds: number; entries: number }> => {
    const entries = await target.outbox.outboxCount();
    const sync = worker(target, token);
    const t0 = performance.now();
    await sync.start();
    while ((await target.outbox.outboxCount()) > 0) await new Promise((r) => setTimeout(r, 10));
    const seconds = (performance.now() - t0) / 1000;
    await sync.stop();
    return { seconds, entries };
  };
  const full = await drain(store, hello.alice);
  const none = await drain(empty, hello.bob);
  const fullRate = full.entries / full.seconds;
  const emptyRate = none.entries / none.seconds;
  results.drain = { full, empty: none, fullPerSecond: fullRate, emptyPerSecond: emptyRate, ratio: emptyRate / fullRate };
  rows.push({
    measure: `(e) outbox drain of ${full.entries} saves: full store vs empty`,
    result: `${fullRate.toFixed(0)}/s vs ${emptyRate.toFixed(0)}/s: ${(emptyRate / fullRate).toFixed(2)}× slower`,
    target: '≤ 1.5×',
  });
}

// --- (f) file size ---------------------------------------------------------------------------------
{
  const records = RECORDS;
  await store.close();
  await empty.close();
  const bytes = statSync(file).size;
  results.fileSize = { bytes, records, bytesPerRecord: bytes / records };
  rows.push({
    measure: '(f) database file (encrypted, search index included)',
    result: `${(bytes / MB).toFixed(0)} MB = ${(bytes / records).toFixed(0)} bytes/record`,
    target: 'report',
  });
}

console.table(rows);
const out = join(root, 'bench-results');
mkdirSync(out, { recursive: true });
writeFileSync(
  join(out, 'device-scale.json'),
  `${JSON.stringify({ benchmark: 'device-scale', at: new Date().toISOString(), node: process.version, records: RECORDS, results }, null, 2)}\n`,
);
host.stdin!.end();
await new Promise((resolve) => host.once('exit', resolve));
rmSync(work, { recursive: true, force: true });
