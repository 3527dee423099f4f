// The write path under load (issue 16): mutations/s, latency and server CPU per mutation over real
// HTTP on 127.0.0.1, with servers (load-host.ts) and load generators (load-client.ts) each in their
// own processes. Mix per client: create + 3 updates with the returned `_version`, public
// Post/Comment schema, API key. Levels: SQLite 1 process 8 clients; PostgreSQL 1 process 8 and 64
// clients; PostgreSQL 2 processes on one database 64 clients; PostgreSQL 1,024 clients (p50/p99 of
// admitted requests, refused, timeouts). Then `pgbench -i` + `pgbench -N -c 8 -T 10` on a scratch
// database, for the ratio (reported as not measured when pgbench is absent). Every PostgreSQL
// database is created and dropped here. Prints a table and writes bench-results/load.json. Numbers
// only; nothing passes or fails.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { LoadPlan, LoadResult } from './load-schema.js';

const PG_ADMIN = process.env.OUTPOST_BENCH_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const LEVEL_SECONDS = Number(process.env.LOAD_BENCH_SECONDS ?? 6);
const WARMUP_SECONDS = 2;
const MAX_MUTATIONS = 40_000;
const CLIENT_TIMEOUT_MS = 15_000;
const PGBENCH_SECONDS = 10;
const here = fileURLToPath(new URL('.', import.meta.url));

interface Host {
  readonly url: string;
  readonly apiKey: string;
  cpuMs(): Promise<number>;
  /** Server-side latencies of answered requests since the last call, ms. */
  latencies(): Promise<number[]>;
  stop(): Promise<void>;
}

/** Starts load-host.ts over `database` with extra server options; `apiKey` when another process made it. */
async function startHost(database: string, options: Record<string, unknown>, apiKey?: string): Promise<Host> {
  const args = ['--import', 'tsx', join(here, 'load-host.ts'), database, JSON.stringify(options), ...(apiKey ? [apiKey] : [])];
  const child: ChildProcess = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'inherit'] });
  const waiting: Array<{ resolve: (line: string) => void; reject: (error: Error) => void }> = [];
  createInterface({ input: child.stdout! }).on('line', (line) => waiting.shift()?.resolve(line));
  child.on('exit', (code) => {
    for (const w of waiting.splice(0)) w.reject(new Error(`load host exited (${code})`));
  });
  const nextLine = () => new Promise<string>((resolve, reject) => waiting.push({ resolve, reject }));
  const ready = JSON.parse(await nextLine()) as { url: string; apiKey: string };
  return {
    ...ready,
    async cpuMs() {
      const reply = nextLine();
      child.stdin!.write('{"cmd":"cpu"}\n');
      const { userUs, systemUs } = JSON.parse(await reply) as { userUs: number; systemUs: number };
      return (userUs + systemUs) / 1000;
    },
    async latencies() {
      const reply = nextLine();
      child.stdin!.write('{"cmd":"latency"}\n');
      return (JSON.parse(await reply) as { latenciesMs: number[] }).latenciesMs;
    },
    async stop() {
      if (child.exitCode !== null) return;
      const gone = new Promise((r) => child.once('exit', r));
      child.stdin!.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await gone;
      clearTimeout(timer);
    },
  };
}

/** Runs load-client.ts processes (at most 512 clients each) and merges their results. */
async function runClients(plan: LoadPlan): Promise<LoadResult> {
  const processes = Math.ceil(plan.clients / 512);
  const results = await Promise.all(
    Array.from({ length: processes }, (_, p) => {
      const share: LoadPlan = {
        ...plan,
        clients: Math.floor(plan.clients / processes) + (p < plan.clients % processes ? 1 : 0),
        maxMutations: Math.ceil(plan.maxMutations / processes),
      };
      return new Promise<LoadResult>((resolve, reject) => {
        const child = spawn(process.execPath, ['--import', 'tsx', join(here, 'load-client.ts'), JSON.stringify(share)], {
          stdio: ['ignore', 'pipe', 'inherit'],
        });
        let out = '';
        child.stdout.on('data', (d: Buffer) => (out += d.toString()));
        child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as LoadResult) : reject(new Error(`load client exited ${code}`))));
      });
    }),
  );
  return {
    mutations: results.reduce((s, r) => s + r.mutations, 0),
    seconds: Math.max(...results.map((r) => r.seconds)),
    latenciesMs: results.flatMap((r) => r.latenciesMs),
    refused: results.reduce((s, r) => s + r.refused, 0),
    timeouts: results.reduce((s, r) => s + r.timeouts, 0),
    errors: results.reduce((s, r) => s + r.errors, 0),
    firstError: results.find((r) => r.firstError !== null)?.firstError ?? null,
  };
}

interface Level {
  readonly label: string;
  readonly processes: number;
  readonly clients: number;
  readonly mutations: number;
  readonly perSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** The same, timed inside the server processes (request arrival to answer end). */
  readonly serverP50Ms: number;
  readonly serverP99Ms: number;
  readonly refused: number;
  readonly timeouts: number;
  readonly errors: number;
  readonly firstError: string | null;
  readonly serverCpuMsPerMutation: number;
}

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
}

async function level(label: string, hosts: readonly Host[], clients: number, seconds = LEVEL_SECONDS): Promise<Level> {
  const cpuBefore = await Promise.all(hosts.map((h) => h.cpuMs()));
  await Promise.all(hosts.map((h) => h.latencies()));
  const result = await runClients({
    urls: hosts.map((h) => h.url),
    apiKey: hosts[0]?.apiKey ?? '',
    clients,
    seconds,
    maxMutations: MAX_MUTATIONS,
    timeoutMs: CLIENT_TIMEOUT_MS,
  });
  const cpuAfter = await Promise.all(hosts.map((h) => h.cpuMs()));
  const serverSorted = (await Promise.all(hosts.map((h) => h.latencies()))).flat().sort((a, b) => a - b);
  const cpu = cpuAfter.reduce((s, c, i) => s + c - (cpuBefore[i] ?? 0), 0);
  const sorted = [...result.latenciesMs].sort((a, b) => a - b);
  return {
    label,
    processes: hosts.length,
    clients,
    mutations: result.mutations,
    perSecond: result.mutations / result.seconds,
    p50Ms: quantile(sorted, 0.5),
    p99Ms: quantile(sorted, 0.99),
    serverP50Ms: quantile(serverSorted, 0.5),
    serverP99Ms: quantile(serverSorted, 0.99),
    refused: result.refused,
    timeouts: result.timeouts,
    errors: result.errors,
    firstError: result.firstError,
    serverCpuMsPerMutation: result.mutations > 0 ? cpu / result.mutations : Number.NaN,
  };
}

async function admin(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: PG_ADMIN, connectionTimeoutMillis: 3000 });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

function databaseUrl(name: string): string {
  const url = new URL(PG_ADMIN);
  url.pathname = `/${name}`;
  return url.toString();
}

/** `pgbench -N -c 8 -T 10` tps on a scratch database, or the reason it was not measured. */
async function pgbenchTps(): Promise<number | string> {
  if (spawnSync('pgbench', ['--version']).status !== 0) return 'not measured (pgbench not found)';
  const name = `outpost_pgbench_${randomBytes(5).toString('hex')}`;
  const url = new URL(PG_ADMIN);
  const base = ['-h', url.hostname, '-p', url.port || '5432', '-U', decodeURIComponent(url.username || 'postgres')];
  await admin(`create database ${name}`);
  try {
    const init = spawnSync('pgbench', [...base, '-i', '-q', name], { encoding: 'utf8' });
    if (init.status !== 0) return `not measured (pgbench -i: ${init.stderr.trim().split('\n').pop() ?? ''})`;
    const run = spawnSync('pgbench', [...base, '-N', '-c', '8', '-j', '2', '-T', String(PGBENCH_SECONDS), name], { encoding: 'utf8' });
    const tps = /tps = ([\d.]+)/.exec(run.stdout)?.[1];
    return tps === undefined ? `not measured (${run.stderr.trim().split('\n').pop() ?? 'no tps line'})` : Number(tps);
  } finally {
    await admin(`drop database if exists ${name} with (force)`).catch((e: unknown) => console.error(`could not drop ${name}:`, e));
  }
}

// --- run ----------------------------------------------------------------------------------------

const loadAtStart = loadavg();
const benchStarted = performance.now();
const work = mkdtempSync(join(tmpdir(), 'outpost-load-bench-'));
const levels: Level[] = [];
let pgSkip: string | undefined;
let tps: number | string = 'not measured';
const pgDatabase = `outpost_load_${randomBytes(5).toString('hex')}`;
let pgCreated = false;
const hosts: Host[] = [];
try {
  const sqlite = await startHost(`sqlite:${join(work, 'server.db')}`, {});
  hosts.push(sqlite);
  await level('warm-up', [sqlite], 8, WARMUP_SECONDS);
  levels.push(await level('SQLite, 1 process, 8 clients', [sqlite], 8));
  await sqlite.stop();

  try {
    await admin(`create database ${pgDatabase}`);
    pgCreated = true;
  } catch (error) {
    pgSkip = `PostgreSQL skipped: ${error instanceof Error ? error.message : String(error)}`;
  }
  if (pgCreated) {
    const first = await startHost(databaseUrl(pgDatabase), {});
    hosts.push(first);
    await level('warm-up', [first], 8, WARMUP_SECONDS);
    levels.push(await level('PostgreSQL, 1 process, 8 clients', [first], 8));
    levels.push(await level('PostgreSQL, 1 process, 64 clients', [first], 64));
    const second = await startHost(databaseUrl(pgDatabase), {}, first.apiKey);
    hosts.push(second);
    await level('warm-up', [second], 8, WARMUP_SECONDS);
    levels.push(await level('PostgreSQL, 2 processes, 64 clients', [first, second], 64));
    await second.stop();
    levels.push(await level('PostgreSQL, 1 process, 1,024 clients', [first], 1024, LEVEL_SECONDS + 2));
    await first.stop();
    tps = await pgbenchTps();
  }
} finally {
  for (const host of hosts) await host.stop().catch(() => undefined);
  if (pgCreated) await admin(`drop database if exists ${pgDatabase} with (force)`).catch((e: unknown) => console.error(`could not drop ${pgDatabase}:`, e));
  rmSync(work, { recursive: true, force: true });
}
const loadAtEnd = loadavg();

// --- report -------------------------------------------------------------------------------------

const n0 = (x: number) => (Number.isFinite(x) ? Math.round(x).toLocaleString('en-US') : '—');
const ms = (x: number) => (!Number.isFinite(x) ? '—' : x < 10 ? x.toFixed(1) : x.toFixed(0));
const header = [
  'load benchmark',
  'mutations/s',
  'vs pgbench -N',
  'p50 / p99 (admitted)',
  'in the server',
  'server CPU / mutation',
  'refused / timeouts / errors',
];
const rows = levels.map((l) => [
  l.label,
  n0(l.perSecond),
  typeof tps === 'number' && l.label.startsWith('PostgreSQL') ? `${((l.perSecond / tps) * 100).toFixed(0)} %` : '',
  `${ms(l.p50Ms)} / ${ms(l.p99Ms)} ms`,
  `${ms(l.serverP50Ms)} / ${ms(l.serverP99Ms)} ms`,
  `${l.serverCpuMsPerMutation.toFixed(2)} ms`,
  `${l.refused} / ${l.timeouts} / ${l.errors}`,
]);
rows.push(['pgbench -N -c 8 -T 10 (scratch database)', typeof tps === 'number' ? `${n0(tps)} tps` : tps, '100 %', '', '', '', '']);
const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]?.length ?? 0)));
const line = (cells: readonly string[]) => `| ${cells.map((text, c) => text.padEnd(widths[c] ?? 0)).join(' | ')} |`;
console.log(line(header));
console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
for (const r of rows) console.log(line(r));
if (pgSkip) console.log(pgSkip);
for (const l of levels) if (l.firstError !== null) console.log(`${l.label}: first error: ${l.firstError}`);
const p64 = levels.find((l) => l.label.includes('1 process, 64'));
const p1024 = levels.find((l) => l.label.includes('1,024'));
if (p64 && p1024) {
  console.log(
    `p99 at 1,024 clients / p99 at 64 clients (admitted requests): ${(p1024.p99Ms / p64.p99Ms).toFixed(2)}× at the clients, ${(p1024.serverP99Ms / p64.serverP99Ms).toFixed(2)}× in the server`,
  );
}
console.log(
  `mix: per client create + 3 updates with the returned _version (Posts on even clients, Comments on odd), API key; ${LEVEL_SECONDS} s per level; server CPU is the Node server processes' own (process.cpuUsage), PostgreSQL's not included`,
);
const fmtLoad = (l: number[]) => l.map((x) => x.toFixed(2)).join(' / ');
console.log(
  `load average (1/5/15 min): ${fmtLoad(loadAtStart)} at start, ${fmtLoad(loadAtEnd)} at end, on ${availableParallelism()} cores; took ${((performance.now() - benchStarted) / 1000).toFixed(0)} s`,
);
const out = join(here, '../../bench-results');
mkdirSync(out, { recursive: true });
writeFileSync(
  join(out, 'load.json'),
  `${JSON.stringify({ benchmark: 'load', at: new Date().toISOString(), node: process.version, cores: availableParallelism(), loadAverage: { start: loadAtStart, end: loadAtEnd }, pgbenchTps: tps, levels }, null, 2)}\n`,
);
console.log(`wrote ${join(out, 'load.json')}`);
