// The client process is SIGKILLed mid-upload: a child (upload-child.ts) runs the attachment queue
// over a real profile with three 8 MiB photos in 1 MiB chunks against the real server (SQLite,
// blobs on disk), through a forwarder that logs every tus request (tus-traffic-log.ts). Once the
// server has acknowledged a seeded number of bytes (read from the profile's table, as the child
// stores each acknowledgement), the child is killed and started again. Then no file is lost (each
// is on the server, hashing to the file), each was uploaded once (one creation and one completion
// per key, one blob per key and no leftover part), and the second run resumed from the stored
// offsets (its body bytes are at most what was not yet acknowledged). Seeded: `SEED=<n>` replays.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { loadEntries } from '../../../main/attachments/attachment-tables.js';
import type { AttachmentRef } from '../../../common/schema/attachment-ref.js';
import { seededRandom } from '../../../main/sync/core/retry-policy.js';
import { pngBytes } from '../../integration/attachments/attachment-harness.js';
import { attach, openProfile, sha256, type Profile } from '../../integration/attachments/client/client-harness.js';
import { startAttachmentServer, type AttachmentServer } from './attachment-server.js';
import { startTusTrafficLog, type TusTrafficLog } from './tus-traffic-log.js';

const MiB = 1024 * 1024;
const FILES = 3;
const FILE_BYTES = 8 * MiB;
const TOTAL = FILES * FILE_BYTES;
const CHUNK_BYTES = MiB;
const CHILD = fileURLToPath(new URL('./upload-child.ts', import.meta.url));

const seed = Number(process.env.SEED ?? Math.floor(Math.random() * 2 ** 31));
const random = seededRandom(seed);
before(() => console.log(`upload-sigkill seed: ${seed} (replay with SEED=${seed})`));

let running: AttachmentServer;
let log: TusTrafficLog;
let profile: Profile;
before(async () => {
  running = await startAttachmentServer('sqlite', { maxFileBytes: 16 * MiB });
  log = await startTusTrafficLog(running.server.port);
  profile = await openProfile();
});
after(async () => {
  await log?.close();
  await running?.close();
  profile?.db.close();
  if (profile) await rm(profile.dir, { recursive: true, force: true });
});

interface Child {
  /** Resolves with the exit code and signal. */
  readonly exited: Promise<{ readonly code: number | null; readonly signal: NodeJS.Signals | null }>;
  readonly output: () => string;
  kill(): void;
}

function startChild(): Child {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD], {
    env: {
      ...process.env,
      OUTPOST_PROFILE: profile.dir,
      OUTPOST_ATTACHMENTS: log.endpoint,
      OUTPOST_AUTHORIZATION: running.authorization,
      OUTPOST_CHUNK: String(CHUNK_BYTES),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return {
    exited: new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal }))),
    output: () => output,
    kill: () => child.kill('SIGKILL'),
  };
}

/** Bytes the server acknowledged, as the profile's table has them. */
const acknowledged = (): number => loadEntries(profile.db).reduce((sum, entry) => sum + entry.bytesAcked, 0);

async function within<T>(what: string, ms: number, work: Promise<T>): Promise<T> {
  // Unref'd: a timer left over after the work won must not keep the test process alive.
  const timeout = sleep(ms, undefined, { ref: false }).then(() => Promise.reject(new Error(`timed out after ${ms} ms waiting for ${what}`)));
  return Promise.race([work, timeout]);
}

test(`SIGKILL of the client mid-upload: no file lost, each uploaded once, the restart resumes (seed ${seed})`, { timeout: 120_000 }, async () => {
  const refs: AttachmentRef[] = [];
  const files: Buffer[] = [];
  for (let i = 0; i < FILES; i++) {
    const recordId = await running.createObservation(`photo ${i}`);
    files.push(pngBytes(FILE_BYTES, seed + i));
    refs.push(await attach(profile, recordId, files[i]));
  }
  // Kill somewhere between the second chunk and two files' worth: some acknowledged, much to go.
  const killAfter = Math.floor(2 * CHUNK_BYTES + random() * (2 * FILE_BYTES - 4 * CHUNK_BYTES));

  const first = startChild();
  const deadline = Date.now() + 60_000;
  while (acknowledged() < killAfter) {
    if (Date.now() > deadline) throw new Error(`the server acknowledged only ${acknowledged()} bytes in 60 s; child said: ${first.output()}`);
    await sleep(2);
  }
  first.kill();
  assert.equal((await within('the killed child to exit', 10_000, first.exited)).signal, 'SIGKILL');
  const ackedAtKill = acknowledged();
  const sentByFirst = log.bodyBytes();
  console.log(`killed after ${ackedAtKill} of ${TOTAL} bytes acknowledged (mark ${killAfter}); ${sentByFirst} body bytes sent by the first run`);
  assert.ok(ackedAtKill < TOTAL, 'killed mid-upload, not after it');
  assert.ok(!first.output().includes('done'));

  const second = startChild();
  const ended = await within('the restarted child to finish the uploads', 90_000, second.exited);
  assert.deepEqual(ended, { code: 0, signal: null }, `the restarted child ended ${JSON.stringify(ended)}; said: ${second.output()}`);
  assert.match(second.output(), /done/);
  const sentBySecond = log.bodyBytes() - sentByFirst;
  console.log(`the second run sent ${sentBySecond} body bytes`);

  for (const [i, ref] of refs.entries()) {
    assert.deepEqual(await running.download(ref.key), { status: 200, sha256: sha256(files[i]), bytes: FILE_BYTES }, `file ${i} is on the server whole`);
    const ofKey = log.requests.filter((request) => request.key === ref.key);
    const created = ofKey.filter((request) => request.method === 'POST' && request.status === 201);
    const completed = ofKey.filter((request) => request.method === 'PATCH' && request.status === 204 && request.uploadOffset === FILE_BYTES);
    assert.equal(created.length, 1, `file ${i} was created once: ${JSON.stringify(ofKey)}`);
    assert.equal(completed.length, 1, `file ${i} was completed once: ${JSON.stringify(ofKey)}`);
  }
  for (const entry of loadEntries(profile.db)) {
    assert.ok(entry.state === 'done' && !entry.localOnly && entry.bytesAcked === entry.size, JSON.stringify(entry));
  }
  const blobFiles = await running.blobFiles();
  assert.equal(blobFiles.filter((name) => name.endsWith('.blob')).length, FILES, `one blob per file: ${blobFiles.join(', ')}`);
  assert.equal(blobFiles.filter((name) => name.endsWith('.json')).length, FILES, 'no other upload was started');
  assert.equal(blobFiles.filter((name) => name.endsWith('.part')).length, 0, 'no unfinished upload is left');

  // The restart resumed from the server's offsets, at least what the table had stored: it sent no
  // acknowledged byte again. Both runs together sent the files plus at most the chunks in flight at the kill.
  assert.ok(sentBySecond <= TOTAL - ackedAtKill, `the second run sent ${sentBySecond} bytes; only ${TOTAL - ackedAtKill} were unacknowledged`);
  assert.ok(sentBySecond < TOTAL);
  assert.ok(sentByFirst + sentBySecond <= TOTAL + 2 * CHUNK_BYTES, `${sentByFirst + sentBySecond} bytes sent for ${TOTAL}`);
});
