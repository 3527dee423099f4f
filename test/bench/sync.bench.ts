// Sync worker benchmarks (issue 4), each client against a real server running in a child process:
// (a) base sync of BENCH_SYNC_RECORDS (default 100 000) records to an empty client, records/s from
//     start() to `ready` (target ≥ 20 000/s), with (d) the client process's peak RSS and heap;
// (b) drain of BENCH_SYNC_EDITS (default 10 000) offline creates: the concurrent outbox (the
//     worker's defaults: 64 records in flight, up to 16 mutations per request) vs one at a time
//     (Amplify's way: one mutation, wait for its answer, the next), same run, same server
//     (target ≥ 5× faster);
// (c) propagation latency over BENCH_SYNC_LATENCY_EDITS (default 1 000) edits: save on client A →
//     `observe` event on client B, p50/p99 (target p99 < 100 ms on loopback).
// (e) base sync against the official client: the same server process and data (BENCH_SYNC_OFFICIAL,
//     default 20 000 and 100 000 notes, over HTTPS since the official client always opens wss://),
//     Outpost's worker in this process vs the official Amplify DataStore client in a child process
//     (official-client-sync.ts), records/s of each, with each client's and the server's CPU time
//     (target ≥ 10× the official client).
// BENCH_SYNC_ONLY=official runs (e) alone. Prints a table and writes bench-results/sync.json.
// Reports numbers; never fails on them.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { parseSchema } from '../../common/schema/parse-schema.js';
import { openDatastore, type Datastore } from '../../main/datastore/datastore.js';
import { startFaultProxy } from '../fault/proxy/fault-proxy.js';
import { createSyncWorker, type SyncWorker } from '../../main/sync/sync-worker.js';
import { TEST_SDL } from '../integration/server/server-harness.js';
import { fileURLToPath } from 'node:url';

const RECORDS = Number(process.env.BENCH_SYNC_RECORDS ?? 100_000);
const EDITS = Number(process.env.BENCH_SYNC_EDITS ?? 10_000);
const LATENCY_EDITS = Number(process.env.BENCH_SYNC_LATENCY_EDITS ?? 1_000);
const schema = parseSchema(TEST_SDL);
const work = mkdtempSync(join(tmpdir(), 'outpost-sync-bench-client-'));
const results: Record<string, unknown> = {};
const rows: Array<{ benchmark: string; result: string; target: string }> = [];

const ONLY = process.env.BENCH_SYNC_ONLY;

async function startServerProcess(seedNotes: number, tls = false): Promise<{ url: string; apiKey: string; cert?: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./sync-bench-server.ts', import.meta.url))], {
    env: { ...process.env, BENCH_SEED_NOTES: String(seedNotes), BENCH_TLS: tls ? '1' : '0' },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`bench server exited (${code})`)));
  });
  return { ...(JSON.parse(line) as { url: string; apiKey: string; cert?: string }), child };
}

async function stopServerProcess(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.stdin!.end();
  await exited;
}

let clientCount = 0;
function client(
  url: string,
  apiKey: string,
  options: { maxConcurrentMutations?: number; maxMutationsPerRequest?: number; maxRecordsToSync?: number } = {},
): { datastore: Datastore; worker: SyncWorker } {
  const datastore = openDatastore({ file: join(work, `client-${++clientCount}.db`), schema });
  const worker = createSyncWorker({ datastore, schema, endpoint: url, auth: { type: 'apiKey', apiKey }, models: ['Note'], ...options });
  return { datastore, worker };
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

// --- (a) base sync + (d) peak memory ------------------------------------------------------------
if (ONLY === undefined) {
  const server = await startServerProcess(RECORDS);
  const c = client(server.url, server.apiKey, { maxRecordsToSync: RECORDS + 1 });
  const base = process.memoryUsage();
  let peakRss = base.rss;
  let peakHeap = base.heapUsed;
  const sampler = setInterval(() => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  }, 20);
  const t0 = performance.now();
  await c.worker.start();
  const seconds = (performance.now() - t0) / 1000;
  clearInterval(sampler);
  const stored = (await c.datastore.query('Note', { limit: RECORDS + 10 })).length;
  await c.worker.stop();
  await c.datastore.close();
  await stopServerProcess(server.child);
  const perSecond = Math.round(stored / seconds);
  results.baseSync = {
    records: stored,
    seconds,
    recordsPerSecond: perSecond,
    peakRssMB: peakRss / 2 ** 20,
    peakHeapMB: peakHeap / 2 ** 20,
    rssGrowthMB: (peakRss - base.rss) / 2 ** 20,
  };
  rows.push({ benchmark: `(a) base sync of ${stored} records`, result: `${perSecond} records/s (${seconds.toFixed(1)} s)`, target: '≥ 20000 records/s' });
  rows.push({
    benchmark: '(d) peak memory during (a)',
    result: `RSS ${(peakRss / 2 ** 20).toFixed(0)} MB (+${((peakRss - base.rss) / 2 ** 20).toFixed(0)} MB), heap ${(peakHeap / 2 ** 20).toFixed(0)} MB`,
    target: 'report',
  });
}

// --- (e) base sync against the official client ----------------------------------------------------
/** Runs the official client's base sync in a child process against `server`; its JSON line. */
async function officialBaseSync(
  server: { url: string; apiKey: string; cert?: string },
  records: number,
): Promise<{ records: number; seconds: number; cpuSeconds: number; peakRssMB: number }> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./official-client-sync.ts', import.meta.url))], {
    env: { ...process.env, BENCH_URL: server.url, BENCH_API_KEY: server.apiKey, BENCH_CERT: server.cert ?? '', BENCH_RECORDS: String(records) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`official client exited (${code})`)));
  });
  await new Promise((resolve) => child.once('exit', resolve));
  return JSON.parse(line) as { records: number; seconds: number; cpuSeconds: number; peakRssMB: number };
}

/** The server process's CPU time so far (ms), read from /proc (Linux); null elsewhere. */
function processCpuMs(pid: number | undefined): number | null {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime + stime in clock ticks (USER_HZ 100)
  } catch {
    return null;
  }
}

if (ONLY === undefined || ONLY === 'official') {
  // The official client needs TLS; so does this process's worker against the same server.
  process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
  const sizes = (process.env.BENCH_SYNC_OFFICIAL ?? '20000,100000')
    .split(',')
    .map(Number)
    .filter((n) => n > 0);
  const comparisons: Record<string, unknown>[] = [];
  for (const size of sizes) {
    const server = await startServerProcess(size, true);
    const outpostServerCpu0 = processCpuMs(server.child.pid);
    const c = client(server.url, server.apiKey, { maxRecordsToSync: size + 1000 });
    const cpu = process.cpuUsage();
    const t0 = performance.now();
    await c.worker.start();
    const seconds = (performance.now() - t0) / 1000;
    const used = process.cpuUsage(cpu);
    const outpostServerCpu = (processCpuMs(server.child.pid) ?? 0) - (outpostServerCpu0 ?? 0);
    const stored = (await c.datastore.query('Note', { limit: size + 10 })).length;
    await c.worker.stop();
    await c.datastore.close();
    const officialServerCpu0 = processCpuMs(server.child.pid);
    const official = await officialBaseSync(server, size);
    const officialServerCpu = (processCpuMs(server.child.pid) ?? 0) - (officialServerCpu0 ?? 0);
    await stopServerProcess(server.child);
    const ours = stored / seconds;
    const theirs = official.records / official.seconds;
    comparisons.push({
      records: size,
      outpost: {
        records: stored,
        seconds,
        recordsPerSecond: ours,
        clientCpuSeconds: (used.user + used.system) / 1e6,
        serverCpuSeconds: outpostServerCpu / 1000,
      },
      official: { ...official, recordsPerSecond: theirs, serverCpuSeconds: officialServerCpu / 1000 },
      ratio: ours / theirs,
    });
    rows.push({
      benchmark: `(e) base sync ${size} notes: Outpost vs official DataStore`,
      result: `${ours.toFixed(0)}/s vs ${theirs.toFixed(0)}/s = ${(ours / theirs).toFixed(1)}× (client CPU ${((used.user + used.system) / 1e6).toFixed(1)} vs ${official.cpuSeconds.toFixed(1)} s, server CPU ${(outpostServerCpu / 1000).toFixed(1)} vs ${(officialServerCpu / 1000).toFixed(1)} s)`,
      target: '≥ 10×',
    });
  }
  results.officialClient = comparisons;
}

// --- (b) outbox drain: concurrent vs one at a time ------------------------------------------------
/** Seconds to drain `edits` offline creates; `oneAtATime` = Amplify's way, else the worker's defaults. */
async function drain(mode: 'concurrent' | 'oneAtATime', edits = EDITS, rttMs = 0): Promise<number> {
  const server = await startServerProcess(0);
  // With a round-trip time, the client talks through the fault proxy, which delays every chunk
  // by half of it in each direction: what a field device on a real network pays per request.
  const proxy = rttMs > 0 ? await startFaultProxy(Number(new URL(server.url).port)) : null;
  proxy?.setDelay(rttMs / 2);
  const c = client(
    proxy ? proxy.url('/graphql') : server.url,
    server.apiKey,
    mode === 'oneAtATime' ? { maxConcurrentMutations: 1, maxMutationsPerRequest: 1 } : {},
  );
  for (let i = 0; i < edits; i++) await c.datastore.save('Note', { text: `offline edit ${i}`, count: i });
  const t0 = performance.now();
  await c.worker.start(); // ready = the outbox had its first pass
  while ((await c.datastore.outbox.outboxCount()) > 0) await new Promise((r) => setTimeout(r, 20));
  const seconds = (performance.now() - t0) / 1000;
  await c.worker.stop();
  await c.datastore.close();
  await proxy?.close();
  await stopServerProcess(server.child);
  return seconds;
}
if (ONLY === undefined) {
  const concurrent = await drain('concurrent');
  const serial = await drain('oneAtATime');
  results.outboxDrain = { edits: EDITS, concurrentSeconds: concurrent, oneAtATimeSeconds: serial, speedup: serial / concurrent };
  rows.push({
    benchmark: `(b) drain ${EDITS} offline edits`,
    result: `concurrent ${(EDITS / concurrent).toFixed(0)}/s vs one-at-a-time ${(EDITS / serial).toFixed(0)}/s = ${(serial / concurrent).toFixed(1)}×`,
    target: '≥ 5×',
  });
}
if (ONLY === undefined) {
  // The same drain over a simulated network (BENCH_SYNC_RTT_MS round trip, default 20 ms): on one
  // machine concurrency can only overlap client and server CPU; on a network it overlaps waiting.
  const rtt = Number(process.env.BENCH_SYNC_RTT_MS ?? 20);
  const edits = Number(process.env.BENCH_SYNC_RTT_EDITS ?? 1_000);
  const concurrent = await drain('concurrent', edits, rtt);
  const serial = await drain('oneAtATime', edits, rtt);
  results.outboxDrainWithRtt = { edits, rttMs: rtt, concurrentSeconds: concurrent, oneAtATimeSeconds: serial, speedup: serial / concurrent };
  rows.push({
    benchmark: `(b) drain ${edits} offline edits, ${rtt} ms round trip`,
    result: `concurrent ${(edits / concurrent).toFixed(0)}/s vs one-at-a-time ${(edits / serial).toFixed(0)}/s = ${(serial / concurrent).toFixed(1)}×`,
    target: '≥ 5×',
  });
}

// --- (c) propagation latency ------------------------------------------------------------------
if (ONLY === undefined) {
  const server = await startServerProcess(0);
  const a = client(server.url, server.apiKey);
  const b = client(server.url, server.apiKey);
  await Promise.all([a.worker.start(), b.worker.start()]);
  const seen = new Map<string, () => void>();
  const unsubscribe = b.datastore.observe('Note').subscribe((event) => {
    const id = String(event.element.id);
    seen.get(id)?.();
  });
  const latencies: number[] = [];
  for (let i = 0; i < LATENCY_EDITS; i++) {
    const id = crypto.randomUUID();
    const arrived = new Promise<void>((resolve) => seen.set(id, resolve));
    const t0 = performance.now();
    await a.datastore.save('Note', { id, text: `latency ${i}` });
    await arrived;
    latencies.push(performance.now() - t0);
    seen.delete(id);
  }
  unsubscribe();
  for (const c of [a, b]) {
    await c.worker.stop();
    await c.datastore.close();
  }
  await stopServerProcess(server.child);
  latencies.sort((x, y) => x - y);
  const p50 = percentile(latencies, 50);
  const p99 = percentile(latencies, 99);
  results.propagation = { edits: LATENCY_EDITS, p50Ms: p50, p99Ms: p99, maxMs: latencies.at(-1) };
  rows.push({
    benchmark: `(c) save on A → observe on B, ${LATENCY_EDITS} edits`,
    result: `p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms`,
    target: 'p99 < 100 ms',
  });
}

console.table(rows);
const out = fileURLToPath(new URL('../../bench-results/', import.meta.url));
mkdirSync(out, { recursive: true });
writeFileSync(join(out, ONLY === undefined ? 'sync.json' : `sync-${ONLY}.json`), JSON.stringify({ at: new Date().toISOString(), results }, null, 2));
rmSync(work, { recursive: true, force: true });
