// Attachment uploads and downloads over real HTTP on 127.0.0.1 (issue 13). This process is the
// client; the Outpost server (SQLite, blobs on disk) runs in a process of its own
// (attachment-bench-host.ts), as does the baseline.
// (a) Throughput: 200 × 2 MB files through the client's attachment queue (UploadRunner with its
//     default concurrency and chunk size, tus to the real server) against a plain HTTP PUT of the
//     same files, from the same file store, with the same concurrency, to a trivial Node server
//     that writes them to disk (plain-upload-bench-host.ts) — once as such and once flushing each file
//     (fdatasync, as the blob store flushes each PATCH). Rounds alternate; the best of each is kept.
//     Target: queue / plain ≥ 0.7.
// (b) Peak RSS of the client (process.memoryUsage().rss every 50 ms) and of the server process
//     (VmRSS from /proc/<pid>/status every 50 ms, and VmHWM) while one 500 MB file uploads through
//     the queue. Target: the client's rise over its baseline ≤ 64 MB.
// (c) The same for downloading that file into another profile (attachment-download.ts).
// (d) The server alone: the same 200 files as tus creation-with-upload POSTs (what the queue sends
//     for a file of one chunk) from a bare HTTP client, as many at once: the server's CPU per file
//     and rate without the client's work, steadier than (a) on a loaded machine.
// The client's file stores are encrypted with a profile key, as the app's are (issue 15);
// ATTACHMENT_BENCH_PLAIN=1 runs them without one. ATTACHMENT_BENCH_CPU_PROF=<dir> runs the Outpost server
// process with --cpu-prof into that directory (to see where its time goes), ATTACHMENT_BENCH_CLIENT_PROF=<dir>
// profiles the client while each queue round drains
// (and the server too, with ATTACHMENT_BENCH_SERVER_PROF=<dir>: see attachment-bench-host.ts), ATTACHMENT_BENCH_SMALL_ONLY=1 leaves out (b) and (c). Files are made in the OS temp dir and removed after. Prints a table and writes
// bench-results/attachments.json. Numbers only; nothing passes or fails on them.
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { Session } from 'node:inspector';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { attachmentKey, type AttachmentRef } from '../../common/schema/attachment-ref.js';
import { openAttachment } from '../../main/attachments/attachment-download.js';
import { stageUpload } from '../../main/attachments/attachment-tables.js';
import { DEFAULT_CHUNK_BYTES, UploadRunner } from '../../main/attachments/upload-runner.js';
import type { AttachmentRecord } from '../../main/attachments/upload-queue-core.js';
import { openProfile, type Profile } from '../integration/attachments/client/client-harness.js';

const MB = 1_000_000;
const SMALL_FILES = 200;
const SMALL_BYTES = 2 * MB;
const BIG_BYTES = 500 * MB;
const ROUNDS = 2;
// The queue's default maxConcurrent (upload-runner.ts): the baseline uploads as many at once.
const CONCURRENCY = 2;
const SAMPLE_MS = 50;
const RSS_TARGET_MB = 64;
const RATIO_TARGET = 0.7;

interface Child {
  readonly ready: Record<string, unknown> & { readonly pid: number };
  stop(): Promise<void>;
}

/** Starts `script` under tsx with `args`; resolves once it printed its ready line. */
async function startChild(script: string, args: string[], nodeArgs: readonly string[] = []): Promise<Child> {
  const path = fileURLToPath(new URL(script, import.meta.url));
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', path, ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`${script} exited (${code}) before it was ready`)));
  });
  return {
    ready: JSON.parse(line) as Child['ready'],
    async stop() {
      const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.stdin.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await gone;
      clearTimeout(timer);
    },
  };
}

/** One line of /proc/<pid>/status in MB (VmRSS, VmHWM), or NaN where /proc is not there. */
function procMb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? (Number(match[1]) * 1024) / MB : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

interface MemoryReport {
  readonly seconds: number;
  readonly mbPerSecond: number;
  readonly clientBaselineMb: number;
  readonly clientPeakMb: number;
  readonly clientRiseMb: number;
  readonly serverBaselineMb: number;
  readonly serverPeakMb: number;
  readonly serverRiseMb: number;
  /** The server's VmHWM after the phase (reset to its RSS before it where the kernel lets us). */
  readonly serverHwmMb: number;
  /** CPU time (user + system) the client and the server process spent in the phase, ms. */
  readonly clientCpuMs: number;
  readonly serverCpuMs: number;
}

/** User + system CPU time of process `pid` so far, ms (from /proc/<pid>/stat, in clock ticks of 10 ms), or NaN. */
function procCpuMs(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return Number.NaN;
  }
}

/** Runs `work`, sampling both processes' RSS every SAMPLE_MS; `bytes` moved, for the rate. */
async function measured(serverPid: number, bytes: number, work: () => Promise<void>): Promise<MemoryReport> {
  global.gc?.();
  try {
    // "5" resets the peak RSS (VmHWM) to the current RSS (Linux ≥ 4.0).
    writeFileSync(`/proc/${serverPid}/clear_refs`, '5');
  } catch {
    // Not Linux, or not allowed: VmHWM is then the lifetime peak.
  }
  const clientBaseline = process.memoryUsage().rss / MB;
  const serverBaseline = procMb(serverPid, 'VmRSS');
  let clientPeak = clientBaseline;
  let serverPeak = serverBaseline;
  const sampler = setInterval(() => {
    clientPeak = Math.max(clientPeak, process.memoryUsage().rss / MB);
    serverPeak = Math.max(serverPeak, procMb(serverPid, 'VmRSS'));
  }, SAMPLE_MS);
  const clientCpu = process.cpuUsage();
  const serverCpu = procCpuMs(serverPid);
  const started = performance.now();
  try {
    await work();
  } finally {
    clearInterval(sampler);
  }
  const seconds = (performance.now() - started) / 1000;
  const clientCpuUs = process.cpuUsage(clientCpu);
  return {
    seconds,
    mbPerSecond: bytes / MB / seconds,
    clientBaselineMb: clientBaseline,
    clientPeakMb: clientPeak,
    clientRiseMb: clientPeak - clientBaseline,
    serverBaselineMb: serverBaseline,
    serverPeakMb: serverPeak,
    serverRiseMb: serverPeak - serverBaseline,
    serverHwmMb: procMb(serverPid, 'VmHWM'),
    clientCpuMs: (clientCpuUs.user + clientCpuUs.system) / 1000,
    serverCpuMs: procCpuMs(serverPid) - serverCpu,
  };
}

/** Writes `bytes` random bytes behind a PNG signature (so the server's content check passes) to `path`, 1 MiB at a time. */
async function writeRandomPng(path: string, bytes: number): Promise<void> {
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  async function* pieces(): AsyncGenerator<Buffer> {
    yield signature;
    for (let left = bytes - signature.length; left > 0; left -= 1 << 20) yield randomBytes(Math.min(left, 1 << 20));
  }
  await pipeline(Readable.from(pieces()), createWriteStream(path));
}

interface Server {
  readonly graphqlUrl: string;
  readonly endpoint: string;
  readonly authorization: string;
  readonly pid: number;
}

async function createObservation(server: Server, title: string): Promise<string> {
  const response = await fetch(server.graphqlUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: server.authorization },
    body: JSON.stringify({ query: 'mutation ($input: CreateObservationInput!) { createObservation(input: $input) { id } }', variables: { input: { title } } }),
  });
  const body = (await response.json()) as { data?: { createObservation?: { id: string } } };
  const id = body.data?.createObservation?.id;
  if (id === undefined) throw new Error(`createObservation failed (HTTP ${response.status}): ${JSON.stringify(body)}`);
  return id;
}

/** Adds the file at `path` to the profile's store and stages it as a new record's photo; returns the reference and the record. */
async function stage(server: Server, profile: Profile, path: string, title: string): Promise<{ ref: AttachmentRef; record: AttachmentRecord }> {
  const recordId = await createObservation(server, title);
  const stored = await profile.files.add(path);
  const ref: AttachmentRef = {
    key: attachmentKey('Observation', recordId, stored.sha256),
    contentType: 'image/png',
    size: stored.size,
    sha256: stored.sha256,
    name: title,
  };
  const record = { model: 'Observation', recordId, field: 'photos' };
  profile.db.transaction(() => stageUpload(profile.db, ref, record))();
  return { ref, record };
}

/** Failed attempts the queue retried, over the whole run (none expected on loopback). */
let retries = 0;

/** Uploads every staged file through an UploadRunner with its defaults; resolves when all are done. */
async function drainQueue(server: Server, profile: Profile, keys: readonly string[]): Promise<void> {
  const runner = new UploadRunner({
    db: profile.db,
    files: profile.files,
    endpoint: server.endpoint,
    headers: () => ({ Authorization: server.authorization }),
    isRecordAccepted: () => true,
  });
  const waiting = new Set(keys);
  try {
    await new Promise<void>((resolve, reject) => {
      runner.onFileState((event) => {
        if (event.state === 'failed') reject(new Error(`upload of ${event.key} failed: ${event.reason ?? '?'}`));
        if (event.state === 'queued' && event.reason !== undefined) {
          retries++;
          console.error(`upload of ${event.key} will be retried: ${event.reason}`);
        }
        if (event.state === 'done' && waiting.delete(event.key) && waiting.size === 0) resolve();
      });
      runner.start();
    });
  } finally {
    await runner.stop();
  }
}

/** PUTs each file to the plain server, CONCURRENCY at once over keep-alive connections. */
async function plainUploads(url: string, paths: readonly string[], fsync: boolean): Promise<void> {
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  let next = 0;
  const putOne = (path: string, name: string): Promise<void> =>
    new Promise((resolve, reject) => {
      const req = request(`${url}/${name}${fsync ? '?fsync=1' : ''}`, { method: 'PUT', agent }, (res) => {
        res.resume();
        res.on('end', () => (res.statusCode === 201 ? resolve() : reject(new Error(`PUT ${name}: HTTP ${res.statusCode}`))));
      });
      req.on('error', reject);
      createReadStream(path).on('error', reject).pipe(req);
    });
  try {
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < paths.length) {
          const index = next++;
          await putOne(paths[index], `file-${index}`);
        }
      }),
    );
  } finally {
    agent.destroy();
  }
}

/** POSTs each file as a tus creation carrying all its bytes (sha-256 `hashes[i]`) for record `recordIds[i]`, CONCURRENCY at once over keep-alive connections. */
async function directCreations(server: Server, paths: readonly string[], recordIds: readonly string[], hashes: readonly string[]): Promise<void> {
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const metadataValue = (value: string): string => Buffer.from(value).toString('base64');
  let next = 0;
  const postOne = (index: number): Promise<void> =>
    new Promise((resolve, reject) => {
      const metadata = {
        model: 'Observation',
        recordId: recordIds[index],
        field: 'photos',
        sha256: hashes[index],
        contentType: 'image/png',
        filename: 'photo.png',
      };
      const headers = {
        Authorization: server.authorization,
        'Tus-Resumable': '1.0.0',
        'Upload-Length': String(SMALL_BYTES),
        'Upload-Metadata': Object.entries(metadata)
          .map(([key, value]) => `${key} ${metadataValue(value)}`)
          .join(','),
        'Content-Type': 'application/offset+octet-stream',
        'Content-Length': String(SMALL_BYTES),
      };
      const req = request(server.endpoint, { method: 'POST', agent, headers }, (res) => {
        res.resume();
        res.on('end', () => (res.statusCode === 201 ? resolve() : reject(new Error(`POST ${paths[index]}: HTTP ${res.statusCode}`))));
      });
      req.on('error', reject);
      createReadStream(paths[index]).on('error', reject).pipe(req);
    });
  try {
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < paths.length) await postOne(next++);
      }),
    );
  } finally {
    agent.destroy();
  }
}

/** Runs `work` under the inspector's CPU profiler when ATTACHMENT_BENCH_CLIENT_PROF=<dir> is set, writing `<dir>/<name>.cpuprofile`. */
async function profiledClient(name: string, serverPid: number, work: () => Promise<void>): Promise<void> {
  const directory = process.env.ATTACHMENT_BENCH_CLIENT_PROF;
  if (directory === undefined) return work();
  const serverProfiled = process.env.ATTACHMENT_BENCH_SERVER_PROF !== undefined;
  if (serverProfiled) process.kill(serverPid, 'SIGUSR2');
  const session = new Session();
  session.connect();
  const post = (method: string): Promise<unknown> =>
    new Promise((resolve, reject) => session.post(method, (error, result) => (error ? reject(error) : resolve(result))));
  await post('Profiler.enable');
  await post('Profiler.start');
  try {
    await work();
  } finally {
    const { profile } = (await post('Profiler.stop')) as { profile: unknown };
    mkdirSync(directory, { recursive: true });
    writeFileSync(join(directory, `${name}.cpuprofile`), JSON.stringify(profile));
    session.disconnect();
    if (serverProfiled) process.kill(serverPid, 'SIGUSR2');
  }
}

/** A line on stderr saying what the benchmark is doing (it runs for minutes). */
const progress = (what: string): void => {
  process.stderr.write(`attachments bench: ${what}\n`);
};

// --- run ----------------------------------------------------------------------------------------

const loadAtStart = loadavg();
const benchStarted = performance.now();
const work = await mkdtemp(join(tmpdir(), 'outpost-attachments-bench-'));
const profileDir = process.env.ATTACHMENT_BENCH_CPU_PROF;
const outpost = await startChild('./attachment-bench-host.ts', [String(BIG_BYTES + MB)], profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []);
const plainDir = join(work, 'plain');
mkdirSync(plainDir);
const plain = await startChild('./plain-upload-bench-host.ts', [plainDir]);
const server = outpost.ready as unknown as Server;
const plainUrl = String(plain.ready.url);
const profiles: Profile[] = [];
const encryptedFiles = process.env.ATTACHMENT_BENCH_PLAIN !== '1';
const skipBig = process.env.ATTACHMENT_BENCH_SMALL_ONLY === '1';
const newProfile = async (): Promise<Profile> => {
  const profile = await openProfile(encryptedFiles ? { key: randomBytes(32) } : {});
  // The app opens a profile's database with synchronous = FULL (main/datastore/sqlite-connection.ts).
  profile.db.pragma('synchronous = FULL');
  profiles.push(profile);
  return profile;
};

let bigUpload: MemoryReport | undefined;
let direct: MemoryReport;
let bigDownload: MemoryReport | undefined;
const queueReports: MemoryReport[] = [];
const plainReports: MemoryReport[] = [];
const plainFsyncReports: MemoryReport[] = [];
try {
  // (b) and (c) first, while the client's heap holds nothing but the bench.
  if (skipBig) progress('ATTACHMENT_BENCH_SMALL_ONLY=1: no 500 MB phases');
  if (!skipBig) {
    progress(`making a ${BIG_BYTES / MB} MB file`);
    const bigSource = join(work, 'big.png');
    await writeRandomPng(bigSource, BIG_BYTES);
    const uploader = await newProfile();
    const { ref: bigRef, record } = await stage(server, uploader, bigSource, 'big');
    await rm(bigSource);
    progress('uploading it through the queue');
    bigUpload = await measured(server.pid, BIG_BYTES, () => drainQueue(server, uploader, [bigRef.key]));
    const viewer = await newProfile();
    const context = { db: viewer.db, files: viewer.files, endpoint: server.endpoint, headers: () => ({ Authorization: server.authorization }) };
    progress('downloading it into another profile');
    bigDownload = await measured(server.pid, BIG_BYTES, async () => {
      await openAttachment(context, bigRef, record);
    });
    await uploader.files.remove(bigRef.sha256);
    await viewer.files.remove(bigRef.sha256);
  }

  // (a) 200 × 2 MB: the same files for every round; each queue round stages them for new records.
  progress(`making ${SMALL_FILES} files of ${SMALL_BYTES / MB} MB`);
  const sources = join(work, 'small');
  mkdirSync(sources);
  const smallPaths = Array.from({ length: SMALL_FILES }, (_, i) => join(sources, `photo-${i}.png`));
  for (const path of smallPaths) await writeRandomPng(path, SMALL_BYTES);
  const total = SMALL_FILES * SMALL_BYTES;
  for (let round = 0; round < ROUNDS; round++) {
    progress(`round ${round + 1} of ${ROUNDS}: staging, plain PUT, plain PUT + fdatasync, queue`);
    const queueProfile = await newProfile();
    const refs = [];
    for (const [i, path] of smallPaths.entries()) refs.push((await stage(server, queueProfile, path, `round ${round} photo ${i}`)).ref);
    // The baseline reads the very files the queue reads: the profile's store, equally warm in the page cache.
    const storedPaths = refs.map((ref) => queueProfile.files.pathOf(ref.sha256));
    plainReports.push(await measured(plain.ready.pid, total, () => plainUploads(plainUrl, storedPaths, false)));
    plainFsyncReports.push(await measured(plain.ready.pid, total, () => plainUploads(plainUrl, storedPaths, true)));
    const keys = refs.map((ref) => ref.key);
    queueReports.push(
      await measured(server.pid, total, () => profiledClient(`queue-round-${round + 1}`, server.pid, () => drainQueue(server, queueProfile, keys))),
    );
  }
  progress('the server alone: the same files as creation-with-upload POSTs from a bare client');
  const recordIds: string[] = [];
  for (let i = 0; i < SMALL_FILES; i++) recordIds.push(await createObservation(server, `direct photo ${i}`));
  // Hashed before the clock starts (the queue's files were hashed when they were staged).
  const hashes: string[] = [];
  for (const path of smallPaths)
    hashes.push(
      createHash('sha256')
        .update(await readFile(path))
        .digest('hex'),
    );
  direct = await measured(server.pid, total, () => profiledClient('direct', server.pid, () => directCreations(server, smallPaths, recordIds, hashes)));
} finally {
  for (const profile of profiles) {
    profile.db.close();
    await rm(profile.dir, { recursive: true, force: true });
  }
  await outpost.stop();
  await plain.stop();
  await rm(work, { recursive: true, force: true });
}
const loadAtEnd = loadavg();

// --- report -------------------------------------------------------------------------------------

const queueRounds = queueReports.map((report) => report.mbPerSecond);
const plainRounds = plainReports.map((report) => report.mbPerSecond);
const plainFsyncRounds = plainFsyncReports.map((report) => report.mbPerSecond);
const best = (rounds: readonly number[]): number => Math.max(...rounds);
const cpuPerFile = (reports: readonly MemoryReport[], side: 'clientCpuMs' | 'serverCpuMs'): string =>
  (Math.min(...reports.map((report) => report[side])) / SMALL_FILES).toFixed(1);
const ratio = best(queueRounds) / best(plainRounds);
const ratioFsync = best(queueRounds) / best(plainFsyncRounds);
const mb = (x: number): string => `${x.toFixed(1)} MB`;
const rate = (x: number): string => `${x.toFixed(1)} MB/s`;
const rounds = (xs: readonly number[]): string => xs.map((x) => x.toFixed(1)).join(' / ');
const rows: Array<[string, string]> = [
  [`queue: ${SMALL_FILES} × ${SMALL_BYTES / MB} MB, best of ${ROUNDS}`, `${rate(best(queueRounds))} (rounds ${rounds(queueRounds)})`],
  [`plain PUT, same files, ${CONCURRENCY} at once`, `${rate(best(plainRounds))} (rounds ${rounds(plainRounds)})`],
  [`plain PUT + fdatasync per file`, `${rate(best(plainFsyncRounds))} (rounds ${rounds(plainFsyncRounds)})`],
  [`ratio queue / plain (target ≥ ${RATIO_TARGET})`, `${ratio.toFixed(2)}${ratio >= RATIO_TARGET ? '' : '  MISSED'}`],
  [`ratio queue / plain + fdatasync`, ratioFsync.toFixed(2)],
  [
    `CPU per file, client / server (queue; plain)`,
    `${cpuPerFile(queueReports, 'clientCpuMs')} / ${cpuPerFile(queueReports, 'serverCpuMs')} ms; ${cpuPerFile(plainReports, 'clientCpuMs')} / ${cpuPerFile(plainReports, 'serverCpuMs')} ms`,
  ],
];
rows.push([
  `server alone: ${SMALL_FILES} × ${SMALL_BYTES / MB} MB creation-with-upload POSTs, ${CONCURRENCY} at once`,
  `${rate(direct!.mbPerSecond)}; server CPU ${(direct!.serverCpuMs / SMALL_FILES).toFixed(1)} ms per file`,
]);
for (const [label, report] of [
  ['upload', bigUpload],
  ['download', bigDownload],
] as const) {
  if (report === undefined) continue;
  rows.push([`${BIG_BYTES / MB} MB ${label}`, `${rate(report.mbPerSecond)} (${report.seconds.toFixed(1)} s)`]);
  rows.push([
    `  client RSS: baseline → peak (rise, target ≤ ${RSS_TARGET_MB} MB)`,
    `${mb(report.clientBaselineMb)} → ${mb(report.clientPeakMb)} (+${mb(report.clientRiseMb)})${report.clientRiseMb <= RSS_TARGET_MB ? '' : '  MISSED'}`,
  ]);
  rows.push([
    `  server RSS: baseline → peak (rise); VmHWM`,
    `${mb(report.serverBaselineMb)} → ${mb(report.serverPeakMb)} (+${mb(report.serverRiseMb)}); ${mb(report.serverHwmMb)}`,
  ]);
}
const header: [string, string] = ['attachments benchmark', 'result'];
const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
const line = (cells: readonly string[]): string => `| ${cells.map((text, c) => text.padEnd(widths[c])).join(' | ')} |`;
console.log(line(header));
console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
for (const r of rows) console.log(line(r));
console.log(`retried attempts: ${retries}`);
console.log(
  `client: UploadRunner defaults (chunk ${DEFAULT_CHUNK_BYTES / 2 ** 20} MiB, ${CONCURRENCY} at once), tus-js-client, file store ${encryptedFiles ? 'encrypted (AES-256-GCM, profile key)' : 'plain'}; server: Outpost on SQLite, blobs on disk, in its own process`,
);
const fmtLoad = (l: number[]): string => l.map((x) => x.toFixed(2)).join(' / ');
console.log(
  `load average (1/5/15 min): ${fmtLoad(loadAtStart)} at start, ${fmtLoad(loadAtEnd)} at end, on ${availableParallelism()} cores; took ${((performance.now() - benchStarted) / 1000).toFixed(0)} s`,
);

const out = join(fileURLToPath(new URL('../../', import.meta.url)), 'bench-results');
mkdirSync(out, { recursive: true });
const json = {
  benchmark: 'attachments',
  at: new Date().toISOString(),
  node: process.version,
  cores: availableParallelism(),
  loadAverage: { start: loadAtStart, end: loadAtEnd },
  config: {
    encryptedFiles,
    smallFiles: SMALL_FILES,
    smallBytes: SMALL_BYTES,
    bigBytes: BIG_BYTES,
    rounds: ROUNDS,
    concurrency: CONCURRENCY,
    sampleMs: SAMPLE_MS,
  },
  targets: { throughputRatio: RATIO_TARGET, clientRssRiseMb: RSS_TARGET_MB },
  results: {
    throughput: {
      queueMbPerSecond: queueRounds,
      plainMbPerSecond: plainRounds,
      plainFsyncMbPerSecond: plainFsyncRounds,
      queueRounds: queueReports,
      plainRounds: plainReports,
      plainFsyncRounds: plainFsyncReports,
      ratio,
      ratioToPlainWithFsync: ratioFsync,
    },
    serverAlone: direct!,
    bigUpload: bigUpload ?? null,
    bigDownload: bigDownload ?? null,
    retriedAttempts: retries,
  },
};
writeFileSync(join(out, 'attachments.json'), `${JSON.stringify(json, null, 2)}\n`);
console.log(`wrote ${join(out, 'attachments.json')}`);
