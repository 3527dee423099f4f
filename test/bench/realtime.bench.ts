// Real-time fan-out at scale (issue 16's table): a real Outpost server (SQLite, example schema)
// alone in a child process; subscribers in a few child processes, each connection holding the
// nine DataStore subscriptions (3 models × onCreate/onUpdate/onDelete, owner argument); this
// process writes 30 events/s over HTTP (create, update, delete in turn across the models) and
// probes `GET /health` meanwhile. Reported per subscriber count: events/s sustained, event request →
// delivery p50/p99, /health p99, server CPU per delivery (server cpuUsage over the window ÷
// deliveries; the window also holds the 30 mutations/s and the probes), server RSS. Then idle
// connections (nine subscriptions each, no traffic) for RSS per connection, as many as the
// open-file limit lets one server process hold, extrapolated to 50,000. Then, with PostgreSQL,
// two server processes on one database (subscribers split over both, events written to one).
// Prints tables and writes bench-results/realtime.json. Numbers only; nothing passes or fails.
// REALTIME_BENCH_SUBSCRIBERS=1000,10000 / REALTIME_BENCH_IDLE=N / REALTIME_BENCH_SECONDS=S change the sizes;
// REALTIME_BENCH_POSTGRES=0 leaves out the PostgreSQL runs, REALTIME_BENCH_POSTGRES_SUBSCRIBERS=N sizes them (default 2000).
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { createTestDatabase } from '../integration/realtime/test-database.js';
import { LATENCY_BUCKET_MS, MODELS, createInput, updateInput, type ParentMessage, type SubscriberMessage } from './realtime-bench-protocol.js';

const EVENTS_PER_SECOND = 30;
const WRITE_SECONDS = Number(process.env.REALTIME_BENCH_SECONDS ?? 10);
const SUBSCRIBER_COUNTS = (process.env.REALTIME_BENCH_SUBSCRIBERS ?? '1000,10000').split(',').map(Number);
const SUBSCRIBER_PROCESSES = 4;
/** Deliveries still missing this long after the last write count as not delivered. */
const DRAIN_LIMIT_MS = 15_000;
const MIB = 1024 * 1024;

interface HostInfo {
  readonly url: string;
  readonly realtimeUrl: string;
  readonly healthUrl: string;
  readonly token: string;
  readonly owner: string;
}

interface HostStats {
  readonly userUs: number;
  readonly systemUs: number;
  readonly rssBytes: number;
  readonly heapUsedBytes: number;
  readonly externalBytes: number;
}

/** A server child process answering `stats` over its stdin/stdout. */
class ServerHost {
  private readonly waiting: Array<(line: string) => void> = [];

  private constructor(
    private readonly child: ChildProcess,
    readonly info: HostInfo,
    lines: AsyncIterator<string>,
  ) {
    void (async () => {
      for (let line = await lines.next(); !line.done; line = await lines.next()) this.waiting.shift()?.(line.value);
    })();
  }

  static async start(database: string, env: Record<string, string> = {}): Promise<ServerHost> {
    // REALTIME_BENCH_PROFILE=<dir> writes the server's CPU profile there (node --cpu-prof).
    const profile = process.env.REALTIME_BENCH_PROFILE;
    // REALTIME_BENCH_NODE_FLAGS adds flags to the server's node (e.g. --no-turbo-inlining to read a profile).
    const extra = (process.env.REALTIME_BENCH_NODE_FLAGS ?? '').split(' ').filter((flag) => flag !== '');
    const flags = ['--expose-gc', ...extra, ...(profile ? ['--cpu-prof', '--cpu-prof-dir', profile] : [])];
    const child = spawn(process.execPath, [...flags, '--import', 'tsx', new URL('./realtime-server-host.ts', import.meta.url).pathname, database], {
      stdio: ['pipe', 'pipe', 'inherit'],
      env: { ...process.env, ...env },
    });
    const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
    const first = await lines.next();
    if (first.done) throw new Error('realtime server host exited before starting');
    return new ServerHost(child, JSON.parse(first.value) as HostInfo, lines);
  }

  /** The server's CPU time and RSS; `gc` runs a full collection first. */
  stats(gc = false): Promise<HostStats> {
    return new Promise((resolve) => {
      this.waiting.push((line) => resolve(JSON.parse(line) as HostStats));
      this.child.stdin!.write(`${JSON.stringify({ cmd: 'stats', gc })}\n`);
    });
  }

  async stop(): Promise<void> {
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.stdin!.end();
    await exited;
  }
}

let nextLocalAddress = 10;

/** A forked subscriber process holding `count` connections. */
class SubscriberGroup {
  private readonly reports: Array<(m: Extract<SubscriberMessage, { type: 'report' }>) => void> = [];

  private constructor(
    private readonly child: ChildProcess,
    readonly connections: number,
  ) {
    child.on('message', (message: SubscriberMessage) => {
      if (message.type === 'report') this.reports.shift()?.(message);
    });
  }

  static async open(url: string, host: HostInfo, count: number, subscriptions: number): Promise<SubscriberGroup> {
    // Every group its own source address: one address's ephemeral ports (28k) would run out.
    const localAddress = `127.0.0.${nextLocalAddress++}`;
    const child = fork(new URL('./realtime-subscriber.ts', import.meta.url).pathname, [url, host.token, String(count), String(subscriptions), localAddress], {
      execArgv: ['--import', 'tsx'],
      env: { ...process.env, REALTIME_BENCH_OWNER: host.owner },
    });
    const ready = await new Promise<Extract<SubscriberMessage, { type: 'ready' }>>((resolve, reject) => {
      child.on('message', (message: SubscriberMessage) => {
        if (message.type === 'ready') resolve(message);
      });
      child.once('exit', (code) => reject(new Error(`subscriber process exited (${code}) before it was ready`)));
    });
    if (ready.failed > 0) console.error(`  ${ready.failed} of ${count} connections from ${localAddress} failed to subscribe`);
    return new SubscriberGroup(child, ready.connections);
  }

  tell(message: ParentMessage): void {
    this.child.send(message);
  }

  report(): Promise<Extract<SubscriberMessage, { type: 'report' }>> {
    return new Promise((resolve) => {
      this.reports.push(resolve);
      this.child.send({ type: 'report' } satisfies ParentMessage);
    });
  }

  async close(): Promise<void> {
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.disconnect();
    await exited;
  }
}

async function openGroups(urls: readonly string[], host: HostInfo, total: number, subscriptions: number): Promise<SubscriberGroup[]> {
  const processes = Math.min(SUBSCRIBER_PROCESSES, Math.max(1, Math.ceil(total / 250)));
  const sizes = Array.from({ length: processes }, (_, i) => Math.floor(total / processes) + (i < total % processes ? 1 : 0));
  return Promise.all(sizes.map((size, i) => SubscriberGroup.open(urls[i % urls.length]!, host, size, subscriptions)));
}

function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
}

function histogramQuantiles(histogram: Map<number, number>, total: number, qs: readonly number[]): number[] {
  const buckets = [...histogram.entries()].sort((a, b) => a[0] - b[0]);
  return qs.map((q) => {
    const wanted = Math.ceil(q * total);
    let seen = 0;
    for (const [bucket, n] of buckets) {
      seen += n;
      if (seen >= wanted) return (bucket + 1) * LATENCY_BUCKET_MS;
    }
    return NaN;
  });
}

async function graphql(host: HostInfo, query: string, variables: Record<string, unknown>): Promise<boolean> {
  try {
    const response = await fetch(host.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: host.token },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as { errors?: unknown[] };
    if (body.errors) console.error(`  mutation failed: ${JSON.stringify(body.errors).slice(0, 300)}`);
    return response.ok && !body.errors;
  } catch (error) {
    // A stalled server drops idle keep-alive connections: that event is counted as not sustained.
    console.error(`  mutation request failed: ${String(error)}`);
    return false;
  }
}

/** Probes `GET /health` one request at a time until stopped; returns the latencies, ms. */
function probeHealth(healthUrl: string): { stop(): Promise<number[]> } {
  const latencies: number[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const started = performance.now();
      try {
        const response = await fetch(healthUrl);
        await response.arrayBuffer();
      } catch {
        // Counted with the time it took to fail.
      }
      latencies.push(performance.now() - started);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return latencies;
    },
  };
}

let runCounter = 0;

/**
 * Writes EVENTS_PER_SECOND for WRITE_SECONDS (open loop; a record's update and delete wait for its
 * create) and tells every group when each mutation was requested. Returns the events answered OK.
 */
async function writeEvents(writeHost: HostInfo, groups: readonly SubscriberGroup[]): Promise<number> {
  const run = ++runCounter;
  const total = EVENTS_PER_SECOND * WRITE_SECONDS;
  const chains = new Map<string, Promise<unknown>>();
  const all: Promise<boolean>[] = [];
  const started = performance.now();
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / EVENTS_PER_SECOND;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const model = MODELS[i % 3]!;
    const phase = Math.floor(i / 3) % 3;
    const n = Math.floor(i / 9);
    const id = `r${run}-${model}-${n}`;
    const previous = chains.get(id) ?? Promise.resolve();
    const request = previous.then(() => {
      const key = `${'cud'.charAt(phase)}:${id}`;
      const message: ParentMessage = { type: 'sent', key, at: performance.timeOrigin + performance.now() };
      for (const group of groups) group.tell(message);
      if (phase === 0)
        return graphql(writeHost, `mutation ($input: Create${model}Input!) { create${model}(input: $input) { id _version } }`, {
          input: createInput(model, id, n),
        });
      if (phase === 1)
        return graphql(writeHost, `mutation ($input: Update${model}Input!) { update${model}(input: $input) { id _version } }`, {
          input: updateInput(model, id, n),
        });
      return graphql(writeHost, `mutation ($input: Delete${model}Input!) { delete${model}(input: $input) { id _version } }`, { input: { id, _version: 2 } });
    });
    chains.set(id, request);
    all.push(request);
  }
  const answers = await Promise.all(all);
  return answers.filter(Boolean).length;
}

interface FanoutRow {
  processes: number;
  subscribers: number;
  subscriptions: number;
  setupSeconds: number;
  eventsPerSecond: number;
  deliveries: number;
  missing: number;
  p50Ms: number;
  p99Ms: number;
  healthP99Ms: number;
  cpuUsPerDelivery: number;
  clientCpuUsPerDelivery: number;
  rssMiB: number;
}

/** One fan-out run: `subscribers` connections spread over `hosts`, events written to the first. */
async function fanout(hosts: readonly ServerHost[], subscribers: number): Promise<FanoutRow> {
  const setupStarted = performance.now();
  const groups = await openGroups(
    hosts.map((h) => h.info.realtimeUrl),
    hosts[0]!.info,
    subscribers,
    9,
  );
  const setupSeconds = (performance.now() - setupStarted) / 1000;
  const connected = groups.reduce((sum, g) => sum + g.connections, 0);
  const before = await Promise.all(hosts.map((h) => h.stats()));
  const clientCpuBefore = (await Promise.all(groups.map((g) => g.report()))).reduce((sum, r) => sum + r.cpuUs, 0);
  const health = probeHealth(hosts[0]!.info.healthUrl);
  const writeStarted = performance.now();
  const events = await writeEvents(hosts[0]!.info, groups);
  const writeSeconds = (performance.now() - writeStarted) / 1000;
  // Each event reaches one of each connection's nine subscriptions.
  const expected = events * connected;
  let reports = await Promise.all(groups.map((g) => g.report()));
  const drainUntil = performance.now() + DRAIN_LIMIT_MS;
  while (reports.reduce((sum, r) => sum + r.deliveries, 0) < expected && performance.now() < drainUntil) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    reports = await Promise.all(groups.map((g) => g.report()));
  }
  const healthLatencies = (await health.stop()).sort((a, b) => a - b);
  const after = await Promise.all(hosts.map((h) => h.stats()));
  const deliveries = reports.reduce((sum, r) => sum + r.deliveries, 0);
  const histogram = new Map<number, number>();
  for (const report of reports) for (const [bucket, n] of report.histogram) histogram.set(bucket, (histogram.get(bucket) ?? 0) + n);
  const [p50, p99] = histogramQuantiles(histogram, deliveries, [0.5, 0.99]);
  const cpuUs = after.reduce((sum, a, i) => sum + a.userUs + a.systemUs - before[i]!.userUs - before[i]!.systemUs, 0);
  const clientCpuUs = reports.reduce((sum, r) => sum + r.cpuUs, 0) - clientCpuBefore;
  const closes = reports.reduce((sum, r) => sum + r.closes, 0);
  if (closes > 0) console.error(`  ${closes} subscriber connections were closed by the server during the run`);
  await Promise.all(groups.map((g) => g.close()));
  // Let the server notice the closed sockets before the next run counts connections.
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  return {
    processes: hosts.length,
    subscribers: connected,
    subscriptions: connected * 9,
    setupSeconds: Number(setupSeconds.toFixed(1)),
    eventsPerSecond: Number((events / writeSeconds).toFixed(1)),
    deliveries,
    missing: expected - deliveries,
    p50Ms: Number(p50!.toFixed(1)),
    p99Ms: Number(p99!.toFixed(1)),
    healthP99Ms: Number(quantile(healthLatencies, 0.99).toFixed(1)),
    cpuUsPerDelivery: Number((cpuUs / Math.max(1, deliveries)).toFixed(2)),
    clientCpuUsPerDelivery: Number((clientCpuUs / Math.max(1, deliveries)).toFixed(2)),
    rssMiB: Math.round(Math.max(...after.map((a) => a.rssBytes)) / MIB),
  };
}

interface IdleRow {
  connections: number;
  subscriptions: number;
  setupSeconds: number;
  rssBeforeMiB: number;
  rssAfterMiB: number;
  kibPerConnection: number;
  heapKibPerConnection: number;
  externalKibPerConnection: number;
  rssAt50kMiB: number;
}

async function idle(host: ServerHost, connections: number): Promise<IdleRow> {
  const before = await host.stats(true);
  const started = performance.now();
  const groups = await openGroups([host.info.realtimeUrl], host.info, connections, 9);
  const setupSeconds = (performance.now() - started) / 1000;
  const connected = groups.reduce((sum, g) => sum + g.connections, 0);
  const after = await host.stats(true);
  await Promise.all(groups.map((g) => g.close()));
  const perConnection = (after.rssBytes - before.rssBytes) / Math.max(1, connected);
  return {
    connections: connected,
    subscriptions: connected * 9,
    setupSeconds: Number(setupSeconds.toFixed(1)),
    rssBeforeMiB: Math.round(before.rssBytes / MIB),
    rssAfterMiB: Math.round(after.rssBytes / MIB),
    kibPerConnection: Number((perConnection / 1024).toFixed(1)),
    heapKibPerConnection: Number(((after.heapUsedBytes - before.heapUsedBytes) / Math.max(1, connected) / 1024).toFixed(1)),
    externalKibPerConnection: Number(((after.externalBytes - before.externalBytes) / Math.max(1, connected) / 1024).toFixed(1)),
    rssAt50kMiB: Math.round((before.rssBytes + 50_000 * perConnection) / MIB),
  };
}

/** Open files one process may hold (`ulimit -n`), read from the kernel's view of this process. */
async function openFileLimit(): Promise<number> {
  const { readFile } = await import('node:fs/promises');
  const limits = await readFile('/proc/self/limits', 'utf8').catch(() => '');
  const line = limits.split('\n').find((l) => l.startsWith('Max open files'));
  const soft = Number(line?.split(/\s+/)[3]);
  return Number.isFinite(soft) ? soft : 1024;
}

/** Idle connections on a fresh server: RSS per connection, extrapolated to 50,000 when the open-file limit is lower. */
async function idleRun(): Promise<void> {
  const idleHost = await ServerHost.start(`sqlite:${join(dir, 'idle.db')}`, { REALTIME_BENCH_MAX_CONNECTIONS: maxConnections });
  try {
    console.log(
      `idle: ${idleTarget} connections × 9 subscriptions (open-file limit ${fileLimit}${idleTarget < 50_000 ? ', so 50,000 is extrapolated' : ''}) …`,
    );
    const idleRow = await idle(idleHost, idleTarget);
    console.table([idleRow]);
    results.idle = { ...idleRow, openFileLimit: fileLimit };
  } finally {
    await idleHost.stop();
  }
}

const results: Record<string, unknown> = { when: new Date().toISOString() };
const dir = mkdtempSync(join(tmpdir(), 'outpost-realtime-bench-'));
const fileLimit = await openFileLimit();
// The server holds one descriptor per connection plus its own few dozen.
const idleTarget = Math.min(50_000, Number(process.env.REALTIME_BENCH_IDLE ?? fileLimit - 500));
const maxConnections = String(Math.max(idleTarget, ...SUBSCRIBER_COUNTS) + 100);
try {
  const host = await ServerHost.start(`sqlite:${join(dir, 'server.db')}`, { REALTIME_BENCH_MAX_CONNECTIONS: maxConnections });
  const rows: FanoutRow[] = [];
  try {
    for (const subscribers of SUBSCRIBER_COUNTS) {
      console.log(`fan-out: ${subscribers} subscribers × 9 subscriptions, ${EVENTS_PER_SECOND} events/s for ${WRITE_SECONDS} s …`);
      rows.push(await fanout([host], subscribers));
      console.table(rows.slice(-1));
    }
    results.fanout = rows;
  } finally {
    await host.stop();
  }
  // A fresh server: the fan-out runs leave a grown heap that would hide the connections' share.
  if (idleTarget > 0) await idleRun();
  else console.log('idle connections skipped: REALTIME_BENCH_IDLE=0');

  const database = process.env.REALTIME_BENCH_POSTGRES === '0' ? { skip: 'REALTIME_BENCH_POSTGRES=0' } : await createTestDatabase();
  if ('skip' in database) {
    console.log(`two processes on PostgreSQL skipped: ${database.skip}`);
  } else {
    try {
      const subscribers = Number(process.env.REALTIME_BENCH_POSTGRES_SUBSCRIBERS ?? 2000);
      const env = { REALTIME_BENCH_MAX_CONNECTIONS: maxConnections };
      const one = await ServerHost.start(database.url, env);
      const pgRows: FanoutRow[] = [];
      try {
        console.log(`PostgreSQL, 1 process: ${subscribers} subscribers …`);
        pgRows.push(await fanout([one], subscribers));
        console.table(pgRows);
        const two = await ServerHost.start(database.url, env);
        try {
          console.log(`PostgreSQL, 2 processes: ${subscribers} subscribers split over both, events written to the first …`);
          pgRows.push(await fanout([one, two], subscribers));
          console.table(pgRows);
        } finally {
          await two.stop();
        }
      } finally {
        await one.stop();
      }
      results.postgres = pgRows;
    } finally {
      await database.drop();
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
mkdirSync('bench-results', { recursive: true });
writeFileSync('bench-results/realtime.json', `${JSON.stringify(results, null, 2)}\n`);
