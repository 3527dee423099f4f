// Sync-server throughput over real HTTP on 127.0.0.1, SQLite and PostgreSQL side by side (issue 3):
// (1) mutations/s with 1, 8 and 64 concurrent clients. Each client loops, bounded in count and
//     time: createInspection, then 3 × updateInspection of that record with the `_version` the
//     previous answer returned (mix: 25 % creates, 75 % updates, never a conflict), as a signed-in
//     user (JWT, owner rules) over its own keep-alive connection; latency p50/p99 and the server
//     process's CPU time per mutation. Then the same at 8 clients with every update stale (always
//     `_version` 1, each with a client mutation id): the FIELD_MERGE path — the replay check and the
//     base look-up, one indexed read each, plus the merge.
// (2) sync-page throughput: 50 000 Inspections seeded through the storage layer (row + change-log
//     entry each, "synced 2 h ago"), 10 000 of them changed again "1 min ago"; one client pages
//     through syncInspections with limit 1000 — base sync (lastSync null: all 50 000) and delta sync
//     (lastSync = 1 min ago: the 10 000 changes) — reported as records/s served, first-page and
//     median page time, and the server process's CPU time per 1000 records.
// Each server runs in its own process (server-bench-host.ts); the two are measured alternately
// step by step so load from elsewhere on this shared machine hits both alike. PostgreSQL: its own
// database `outpost_bench_<random>`, created and dropped; skipped with the reason when it does not
// answer. Prints one table and writes bench-results/server.json. Numbers only; nothing passes or fails.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Agent } from 'node:http';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import pg from 'pg';
import { gql, signIn, startHost, type BenchHost } from './server-bench-client.js';
import { fileURLToPath } from 'node:url';

const SEED_RECORDS = 50_000;
const SEED_CHANGED = 10_000;
const PAGE = 1000;
const SYNC_RUNS = 2;
const CONCURRENCY = [1, 8, 64] as const;
const LEVEL_SECONDS = 6;
const LEVEL_MAX_MUTATIONS = 6000;
const UPDATES_PER_CREATE = 3;
const WARMUP_MUTATIONS = 200;
const PG_ADMIN = process.env.OUTPOST_BENCH_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

const FIELDS = 'id siteID title status score notes inspectedAt createdAt updatedAt owner _version _lastChangedAt _deleted';
const CREATE = `mutation CreateInspection($input: CreateInspectionInput!) { createInspection(input: $input) { ${FIELDS} } }`;
const UPDATE = `mutation UpdateInspection($input: UpdateInspectionInput!) { updateInspection(input: $input) { ${FIELDS} } }`;
const SYNC = `query SyncInspections($limit: Int, $nextToken: String, $lastSync: AWSTimestamp) {
  syncInspections(limit: $limit, nextToken: $nextToken, lastSync: $lastSync) { items { ${FIELDS} } nextToken startedAt }
}`;
const STATUSES = ['DRAFT', 'IN_PROGRESS', 'SUBMITTED', 'APPROVED'];

type Dialect = 'sqlite' | 'postgres';

interface Side {
  readonly dialect: Dialect;
  readonly host: BenchHost;
  readonly token: string;
  readonly deltaSince: number;
  readonly seedSeconds: number;
  readonly plans: { base: string[]; delta: string[] };
}

interface LevelResult {
  readonly clients: number;
  readonly mutations: number;
  readonly seconds: number;
  readonly perSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly serverCpuMsPerMutation: number;
}

interface SyncRun {
  readonly records: number;
  readonly pages: number;
  readonly seconds: number;
  readonly recordsPerSecond: number;
  readonly firstPageMs: number;
  readonly medianPageMs: number;
  readonly serverCpuMsPer1000: number;
}

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
}

async function serverCpuMs(host: BenchHost): Promise<number> {
  const { userUs, systemUs } = await host.command<{ userUs: number; systemUs: number }>({ cmd: 'cpu' });
  return (userUs + systemUs) / 1000;
}

/**
 * `clients` loops of create + 3 updates, until LEVEL_SECONDS pass or `maxMutations` were sent.
 * `stale`: every update sends `_version` 1 and a mutation id, so each one after the first conflicts.
 */
async function mutationLevel(side: Side, clients: number, seconds: number, maxMutations: number, stale = false): Promise<LevelResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: clients });
  const latencies: number[] = [];
  let claimed = 0;
  const cpuBefore = await serverCpuMs(side.host);
  const started = performance.now();
  const deadline = started + seconds * 1000;
  try {
    await Promise.all(
      Array.from({ length: clients }, async () => {
        let current: { id: string; version: number; updates: number } | undefined;
        while (claimed < maxMutations && performance.now() < deadline) {
          claimed++;
          const sent = performance.now();
          if (current === undefined || current.updates === UPDATES_PER_CREATE) {
            const data = await gql(agent, side.host.info.url, side.token, CREATE, {
              input: {
                id: randomUUID(),
                siteID: `site-${claimed % 100}`,
                title: `bench ${claimed}`,
                status: 'DRAFT',
                score: 0,
                notes: null,
                inspectedAt: new Date().toISOString(),
              },
            });
            const item = data.createInspection as { id: string; _version: number };
            current = { id: item.id, version: item._version, updates: 0 };
          } else {
            const n = current.updates + 1;
            const sentVersion = stale ? 1 : current.version;
            const data = await gql(
              agent,
              side.host.info.url,
              side.token,
              UPDATE,
              { input: { id: current.id, _version: sentVersion, status: STATUSES[n % 4], score: n * 10, notes: `edit ${n}` } },
              stale ? { outpostMutationIds: { updateInspection: randomUUID() } } : undefined,
            );
            const item = data.updateInspection as { _version: number };
            // Anything else would mean the benchmark's own bookkeeping is wrong: each update writes one version.
            if (item._version !== current.version + 1) throw new Error(`update of ${current.id} at _version ${sentVersion} came back as ${item._version}`);
            current = { ...current, version: item._version, updates: n };
          }
          latencies.push(performance.now() - sent);
        }
      }),
    );
  } finally {
    agent.destroy();
  }
  const elapsed = (performance.now() - started) / 1000;
  const cpuAfter = await serverCpuMs(side.host);
  latencies.sort((a, b) => a - b);
  return {
    clients,
    mutations: latencies.length,
    seconds: elapsed,
    perSecond: latencies.length / elapsed,
    p50Ms: quantile(latencies, 0.5),
    p99Ms: quantile(latencies, 0.99),
    serverCpuMsPerMutation: (cpuAfter - cpuBefore) / latencies.length,
  };
}

/** Pages through syncInspections (base when `lastSync` is null) and checks the record count. */
async function syncChain(side: Side, lastSync: number | null, expected: number): Promise<SyncRun> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const pageMs: number[] = [];
  let records = 0;
  let nextToken: string | null = null;
  const cpuBefore = await serverCpuMs(side.host);
  const started = performance.now();
  try {
    // Bounded: twice the pages the expected records need.
    for (let page = 0; page < (2 * expected) / PAGE + 2; page++) {
      const sent = performance.now();
      const data = await gql(agent, side.host.info.url, side.token, SYNC, { limit: PAGE, nextToken, lastSync });
      pageMs.push(performance.now() - sent);
      const connection = data.syncInspections as { items: unknown[]; nextToken: string | null };
      records += connection.items.length;
      nextToken = connection.nextToken;
      if (nextToken === null) break;
    }
  } finally {
    agent.destroy();
  }
  const seconds = (performance.now() - started) / 1000;
  const cpuMs = (await serverCpuMs(side.host)) - cpuBefore;
  if (nextToken !== null || records !== expected) {
    throw new Error(
      `${side.dialect} ${lastSync === null ? 'base' : 'delta'} sync served ${records} records${nextToken !== null ? ' and did not finish' : ''}, expected ${expected}`,
    );
  }
  const sorted = [...pageMs].sort((a, b) => a - b);
  return {
    records,
    pages: pageMs.length,
    seconds,
    recordsPerSecond: records / seconds,
    firstPageMs: pageMs[0] ?? Number.NaN,
    medianPageMs: quantile(sorted, 0.5),
    serverCpuMsPer1000: (cpuMs / records) * 1000,
  };
}

async function postgresUnavailable(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: PG_ADMIN, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
    return undefined;
  } catch (error) {
    return `PostgreSQL at ${new URL(PG_ADMIN).host} does not answer (${error instanceof Error ? error.message : String(error)})`;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function adminQuery(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: PG_ADMIN });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

async function openSide(dialect: Dialect, database: string): Promise<Side> {
  const host = await startHost(database);
  try {
    const token = await signIn(host.info);
    const seeded = await host.command<{ seconds: number; deltaSince: number }>({ cmd: 'seed', count: SEED_RECORDS, updated: SEED_CHANGED });
    const plans = await host.command<{ base: string[]; delta: string[] }>({ cmd: 'plans' });
    return { dialect, host, token, deltaSince: seeded.deltaSince, seedSeconds: seeded.seconds, plans };
  } catch (error) {
    await host.stop();
    throw error;
  }
}

// --- run ----------------------------------------------------------------------------------------

const loadAtStart = loadavg();
const benchStarted = performance.now();
const work = mkdtempSync(join(tmpdir(), 'outpost-server-bench-'));
const pgSkip = await postgresUnavailable();
const pgDatabase = pgSkip === undefined ? `outpost_bench_${randomBytes(6).toString('hex')}` : undefined;
const sides: Side[] = [];
const levels: Record<Dialect, LevelResult[]> = { sqlite: [], postgres: [] };
const staleLevels: Record<Dialect, LevelResult[]> = { sqlite: [], postgres: [] };
const STALE_CLIENTS = 8;
const syncs: Record<Dialect, { base: SyncRun[]; delta: SyncRun[] }> = { sqlite: { base: [], delta: [] }, postgres: { base: [], delta: [] } };

try {
  sides.push(await openSide('sqlite', `sqlite:${join(work, 'server.db')}`));
  if (pgDatabase !== undefined) {
    await adminQuery(`create database ${pgDatabase}`);
    const url = new URL(PG_ADMIN);
    url.pathname = `/${pgDatabase}`;
    sides.push(await openSide('postgres', url.toString()));
  } else {
    console.log(`PostgreSQL skipped: ${pgSkip}`);
  }

  // Sync first, while the table holds exactly the seeded records.
  for (let run = 0; run < SYNC_RUNS; run++) {
    for (const side of sides) syncs[side.dialect].base.push(await syncChain(side, null, SEED_RECORDS));
    for (const side of sides) syncs[side.dialect].delta.push(await syncChain(side, side.deltaSince, SEED_CHANGED));
  }
  for (const side of sides) await mutationLevel(side, 8, 30, WARMUP_MUTATIONS);
  for (const clients of CONCURRENCY) {
    for (const side of sides) levels[side.dialect].push(await mutationLevel(side, clients, LEVEL_SECONDS, LEVEL_MAX_MUTATIONS));
  }
  for (const side of sides) staleLevels[side.dialect].push(await mutationLevel(side, STALE_CLIENTS, LEVEL_SECONDS, LEVEL_MAX_MUTATIONS, true));
} finally {
  for (const side of sides) await side.host.stop();
  if (pgDatabase !== undefined)
    await adminQuery(`drop database if exists ${pgDatabase} with (force)`).catch((e: unknown) => console.error(`could not drop ${pgDatabase}:`, e));
  rmSync(work, { recursive: true, force: true });
}
const loadAtEnd = loadavg();

// --- report -------------------------------------------------------------------------------------

const best = (runs: SyncRun[]): SyncRun | undefined => [...runs].sort((a, b) => b.recordsPerSecond - a.recordsPerSecond)[0];
const n0 = (x: number) => Math.round(x).toLocaleString('en-US');
const ms = (x: number) => (x < 10 ? x.toFixed(1) : x.toFixed(0));
const cell = (dialect: Dialect, f: (side: Side) => string): string => {
  const side = sides.find((s) => s.dialect === dialect);
  return side === undefined ? (dialect === 'postgres' ? 'skipped' : '—') : f(side);
};
const rows: Array<[string, string, string]> = [];
const row = (label: string, f: (side: Side) => string) => rows.push([label, cell('sqlite', f), cell('postgres', f)]);

row(`seed ${n0(SEED_RECORDS)} records + ${n0(SEED_CHANGED)} changes`, (s) => `${s.seedSeconds.toFixed(1)} s`);
for (const [i, clients] of CONCURRENCY.entries()) {
  const level = (s: Side) => levels[s.dialect][i] as LevelResult;
  row(
    `mutations/s, ${clients} client${clients > 1 ? 's' : ''}`,
    (s) => `${n0(level(s).perSecond)}/s (${level(s).mutations} in ${level(s).seconds.toFixed(1)} s)`,
  );
  row(`  latency p50 / p99`, (s) => `${ms(level(s).p50Ms)} / ${ms(level(s).p99Ms)} ms`);
  row(`  server CPU per mutation`, (s) => `${level(s).serverCpuMsPerMutation.toFixed(2)} ms`);
}
{
  const level = (s: Side) => staleLevels[s.dialect][0] as LevelResult;
  row(
    `stale updates (FIELD_MERGE), ${STALE_CLIENTS} clients`,
    (s) => `${n0(level(s).perSecond)}/s (${level(s).mutations} in ${level(s).seconds.toFixed(1)} s)`,
  );
  row(`  latency p50 / p99`, (s) => `${ms(level(s).p50Ms)} / ${ms(level(s).p99Ms)} ms`);
  row(`  server CPU per mutation`, (s) => `${level(s).serverCpuMsPerMutation.toFixed(2)} ms`);
}
for (const kind of ['base', 'delta'] as const) {
  const count = kind === 'base' ? SEED_RECORDS : SEED_CHANGED;
  const r = (s: Side) => best(syncs[s.dialect][kind]) as SyncRun;
  row(`${kind} sync: records/s (${n0(count)} records, limit ${PAGE})`, (s) => `${n0(r(s).recordsPerSecond)}/s (${r(s).seconds.toFixed(2)} s)`);
  row(`  first page / median page`, (s) => `${ms(r(s).firstPageMs)} / ${ms(r(s).medianPageMs)} ms`);
  row(`  server CPU per 1000 records`, (s) => `${ms(r(s).serverCpuMsPer1000)} ms`);
}

const header: [string, string, string] = ['server benchmark', 'SQLite', 'PostgreSQL'];
const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]?.length ?? 0)));
const line = (cells: readonly string[]) => `| ${cells.map((text, c) => text.padEnd(widths[c] ?? 0)).join(' | ')} |`;
console.log(line(header));
console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
for (const r of rows) console.log(line(r));
console.log(
  `mix: 1 createInspection then ${UPDATES_PER_CREATE} updateInspection with the returned _version, per client; JWT user, owner rules; ${LEVEL_SECONDS} s or ${LEVEL_MAX_MUTATIONS} mutations per level`,
);
console.log(`sync: best of ${SYNC_RUNS} runs, one client; server CPU is the Node server process only (PostgreSQL's own processes not included)`);
for (const side of sides) console.log(`${side.dialect} base-page plan: ${side.plans.base.join(' | ')}`);
const fmtLoad = (l: number[]) => l.map((x) => x.toFixed(2)).join(' / ');
console.log(
  `load average (1/5/15 min): ${fmtLoad(loadAtStart)} at start, ${fmtLoad(loadAtEnd)} at end, on ${availableParallelism()} cores; took ${((performance.now() - benchStarted) / 1000).toFixed(0)} s`,
);

const root = fileURLToPath(new URL('../../', import.meta.url));
const out = join(root, 'bench-results');
mkdirSync(out, { recursive: true });
const results: Record<string, unknown> = {};
for (const dialect of ['sqlite', 'postgres'] as const) {
  const side = sides.find((s) => s.dialect === dialect);
  results[dialect] =
    side === undefined
      ? { skipped: pgSkip ?? 'not run' }
      : {
          seedSeconds: side.seedSeconds,
          mutations: levels[dialect],
          staleUpdates: staleLevels[dialect],
          baseSync: syncs[dialect].base,
          deltaSync: syncs[dialect].delta,
          plans: side.plans,
        };
}
const json = {
  benchmark: 'server',
  at: new Date().toISOString(),
  node: process.version,
  cores: availableParallelism(),
  loadAverage: { start: loadAtStart, end: loadAtEnd },
  config: {
    seedRecords: SEED_RECORDS,
    seedChanged: SEED_CHANGED,
    pageSize: PAGE,
    syncRuns: SYNC_RUNS,
    concurrency: CONCURRENCY,
    levelSeconds: LEVEL_SECONDS,
    levelMaxMutations: LEVEL_MAX_MUTATIONS,
    mix: `per client: createInspection, then ${UPDATES_PER_CREATE} x updateInspection with the returned _version`,
  },
  results,
};
writeFileSync(join(out, 'server.json'), `${JSON.stringify(json, null, 2)}\n`);
console.log(`wrote ${join(out, 'server.json')}`);
