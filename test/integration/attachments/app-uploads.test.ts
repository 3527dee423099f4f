// Attachments through the real app core (createAppCore, the renderer's API over the in-process
// bridge, real SQLite, the real sync worker) against a real Outpost server with attachments on
// 127.0.0.1: a photo staged in chunks and saved with sync stopped stays queued and is not on the
// server; once sync runs, the record's mutation is accepted first and then the file uploads, byte
// for byte, readable by its owner and not by another user; paused uploads stay queued while records
// keep syncing and sign-out asks about the file; a file over the server's per-file limit becomes a
// review item naming it, "keep mine" puts it back in the queue and "keep theirs" leaves it local;
// clear() removes the files; a file queued when the app quits uploads after it starts again, and
// "sync first" at sign-out waits for it; an offline profile keeps its files on the device.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { AttachmentState, StagedFile } from '../../../common/ipc/attachment-contract.js';
import { ATTACHMENT_CHUNK_BYTES } from '../../../common/ipc/attachment-contract.js';
import type { ReviewItem } from '../../../common/ipc/contract.js';
import { parseSchema } from '../../../common/schema/parse-schema.js';
import { createAppCore, type AppCore } from '../../../main/app-core.js';
import { memoryCredentialStore, type CredentialStore } from '../../../main/auth/credential-store.js';
import { profileDirectory } from '../../../main/auth/profiles.js';
import { createInProcessBridge } from '../../../main/ipc/in-process-bridge.js';
import { syncWorkerPortFactory } from '../../../main/sync-worker-binding.js';
import { createApi, type OutpostApi } from '../../../preload/create-api.js';
import { startServer, type RunningServer } from '../../../server/index.js';
import { pngBytes } from './attachment-harness.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const sdl = readFileSync(join(root, 'schema/schema.graphql'), 'utf8');
const schema = parseSchema(sdl, 'schema/schema.graphql');
const MAX_FILE_BYTES = 200_000;
const TUNING = { backoff: { baseMs: 50, jitterMs: 20, maxDelayMs: 1000 } } as const;

let dir: string;
let server: RunningServer;
let base: string;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'outpost-app-uploads-'));
  server = await startServer({
    schema: sdl,
    database: `sqlite:${join(dir, 'server.db')}`,
    port: 0,
    host: '127.0.0.1',
    attachments: { maxFileBytes: MAX_FILE_BYTES },
    reportError: (error) => console.error('server:', error),
  });
  base = `http://127.0.0.1:${server.port}`;
  await server.authStore.addUser({ username: 'ana', password: 'ana password 123' });
  await server.authStore.addUser({ username: 'bob', password: 'bob password 123' });
});
/** Every core opened, closed at the end even when a test failed half-way (close is idempotent). */
const opened: AppCore[] = [];
after(async () => {
  for (const core of opened) await core.close().catch(() => undefined);
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Device {
  readonly core: AppCore;
  readonly api: OutpostApi;
  readonly userData: string;
  /** Every pushed event, in order. */
  readonly events: Array<{ readonly wire: string; readonly payload: unknown }>;
  /** Resolves with the first event (from `from` on) on `wire` that `match` accepts. */
  next<T>(wire: string, match: (payload: T) => boolean, from?: number): Promise<T>;
}

function device(userData = mkdtempSync(join(dir, 'device-')), credentials = memoryCredentialStore()): Device & { readonly credentials: CredentialStore } {
  const core = createAppCore({
    userData,
    schema,
    credentials,
    durability: 'NORMAL',
    createSync: syncWorkerPortFactory(TUNING),
    syncFirstTimeoutMs: 5_000,
    attachmentUploads: { chunkSize: 32 * 1024 },
  });
  opened.push(core);
  const bridge = createInProcessBridge();
  core.attach(bridge.host);
  const events: Device['events'] = [];
  const waiters = new Set<() => void>();
  const api = createApi(
    bridge.connect((wire, payload) => {
      events.push({ wire, payload });
      for (const waiter of [...waiters]) waiter();
    }).transport,
  );
  const next = <T>(wire: string, match: (payload: T) => boolean, from = 0): Promise<T> =>
    new Promise((resolve) => {
      const look = (): boolean => {
        const found = events.slice(from).find((e) => e.wire === `outpost:${wire}` && match(e.payload as T));
        if (found === undefined) return false;
        waiters.delete(check);
        resolve(found.payload as T);
        return true;
      };
      const check = (): void => void look();
      if (!look()) waiters.add(check);
    });
  return { core, api, userData, events, next, credentials };
}

async function tokenOf(username: string): Promise<string> {
  const res = await fetch(`${base}/auth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: `${username} password 123` }),
  });
  return ((await res.json()) as { accessToken: string }).accessToken;
}

const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

/** Adds `bytes` as the renderer does: begin, 1 MiB base64 chunks, end. */
async function stage(api: OutpostApi, bytes: Buffer, name: string): Promise<StagedFile> {
  const { stageId } = await api.attachmentStageBegin({ name, contentType: 'image/png' });
  for (let offset = 0; offset < bytes.byteLength; offset += ATTACHMENT_CHUNK_BYTES) {
    await api.attachmentStageChunk({ stageId, data: bytes.subarray(offset, offset + ATTACHMENT_CHUNK_BYTES).toString('base64') });
  }
  return api.attachmentStageEnd({ stageId });
}

async function parents(api: OutpostApi): Promise<string> {
  const site = await api.save({ model: 'Site', record: { name: 'Quarry' } });
  const inspection = await api.save({
    model: 'Inspection',
    record: { siteID: site.id, title: 'Walk', status: 'DRAFT', inspectedAt: '2026-12-01T10:00:00.000Z' },
  });
  return String(inspection.id);
}

/** Resolves once `condition` holds, asked every 50 ms (fails the test after 60 s: something never happened). */
async function until(condition: () => Promise<boolean>, what: string): Promise<void> {
  const giveUp = Date.now() + 60_000;
  while (!(await condition())) {
    if (Date.now() > giveUp) assert.fail(`never happened: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Waits until the open profile's outbox is empty (the worker's `outboxStatus`), from event index `from`. */
function outboxDrained(dev: Device, from: number): Promise<unknown> {
  return dev.next<{ isEmpty: boolean }>('outboxStatus', (s) => s.isEmpty, from);
}

async function download(key: string, token: string): Promise<{ status: number; bytes: Buffer }> {
  const res = await fetch(`${base}/attachments/${key}`, { headers: { authorization: token } });
  return { status: res.status, bytes: Buffer.from(await res.arrayBuffer()) };
}

test('a photo saved offline uploads after its record, only its owner can read it, pause holds it and sign-out asks', async () => {
  const ana = device();
  await ana.api.signIn({ mode: 'password', server: base, username: 'ana', password: 'ana password 123' });
  const inspectionID = await parents(ana.api);
  await until(
    async () => (await ana.api.syncStatus({})).unsynced === 0 && (await ana.api.attachmentStates({})).queue.uploadsAvailable,
    'the parents synced and the server announced its attachment endpoint',
  );
  // Now the link goes: sync stops.
  await ana.api.stopSync();
  const bytes = pngBytes(150_000, 7);
  const staged = await stage(ana.api, bytes, 'site.png');
  assert.deepEqual(staged, { key: '', sha256: sha256(bytes), size: bytes.byteLength, contentType: 'image/png', name: 'site.png' });
  const mark = ana.events.length;
  const saved = await ana.api.save({ model: 'Observation', record: { inspectionID, category: 'crack', severity: 'LOW', photos: [staged] } });
  const key = `Observation/${String(saved.id)}/${staged.sha256}`;
  assert.deepEqual(
    (saved.photos as Array<{ key: string }>).map((p) => p.key),
    [key],
  );

  const queued = await ana.api.attachmentStates({});
  assert.deepEqual(
    queued.files.map((f) => [f.key, f.state, f.bytesSent, f.bytesTotal, f.field]),
    [[key, 'queued', 0, bytes.byteLength, 'photos']],
  );
  assert.deepEqual(queued.queue, { bytesWaiting: bytes.byteLength, waiting: 1, failed: 0, paused: false, uploadsAvailable: true });
  const anaToken = await tokenOf('ana');
  assert.equal((await download(key, anaToken)).status, 404, 'nothing on the server while offline');

  // Online again: the record's mutation is accepted first, then the file goes.
  const online = ana.events.length;
  await ana.api.startSync();
  await ana.next<AttachmentState>('attachmentState', (s) => s.key === key && s.state === 'done', online);
  const processed = ana.events.findIndex(
    (e, i) => i >= online && e.wire === 'outpost:syncEvent' && (e.payload as { event: string }).event === 'outboxMutationProcessed',
  );
  const uploading = ana.events.findIndex((e, i) => i >= online && e.wire === 'outpost:attachmentState' && (e.payload as AttachmentState).state === 'uploading');
  assert.ok(processed >= 0 && uploading > processed, `the record was accepted (event ${processed}) before the upload began (event ${uploading})`);
  assert.ok(
    ana.events.slice(mark).some((e) => e.wire === 'outpost:attachmentState' && (e.payload as AttachmentState).state === 'queued'),
    'queued was pushed',
  );
  const got = await download(key, anaToken);
  assert.equal(got.status, 200);
  assert.equal(sha256(got.bytes), staged.sha256, 'the server has the same bytes');
  const bob = await download(key, await tokenOf('bob'));
  assert.ok(bob.status === 404 || bob.status === 403, `another user gets ${bob.status}`);
  const done = await ana.api.attachmentStates({});
  assert.deepEqual(
    done.files.map((f) => [f.key, f.state, f.bytesSent]),
    [[key, 'done', bytes.byteLength]],
  );
  assert.equal(done.queue.waiting, 0);

  // Paused: the record syncs, its photo waits.
  await ana.api.setAttachmentSettings({ uploadsPaused: true, prefetch: false, cacheLimitMiB: 1024 });
  const second = await stage(ana.api, pngBytes(40_000, 8), 'second.png');
  const beforeSecond = ana.events.length;
  const record = await ana.api.save({ model: 'Observation', record: { inspectionID, category: 'rust', severity: 'MEDIUM', photos: [second] } });
  await outboxDrained(ana, beforeSecond);
  const secondKey = `Observation/${String(record.id)}/${second.sha256}`;
  const paused = await ana.api.attachmentStates({});
  assert.deepEqual(paused.queue, { bytesWaiting: 40_000, waiting: 1, failed: 0, paused: true, uploadsAvailable: true });
  assert.equal((await download(secondKey, anaToken)).status, 404, 'not uploaded while paused');
  assert.deepEqual(await ana.api.signOut({ unsynced: 'ask' }), { needsConfirmation: true, unsynced: 0, reviewWaiting: 0, unuploadedFiles: 1 });

  const resumed = ana.events.length;
  await ana.api.setAttachmentSettings({ uploadsPaused: false, prefetch: false, cacheLimitMiB: 1024 });
  await ana.next<AttachmentState>('attachmentState', (s) => s.key === secondKey && s.state === 'done', resumed);
  assert.equal((await download(secondKey, anaToken)).status, 200);

  // Nothing left to upload: sign-out goes without asking, and the profile's files go with it.
  const profileDir = profileDirectory(ana.userData, (await ana.api.currentUser({}))!.profileId);
  assert.deepEqual(await ana.api.signOut({ unsynced: 'ask' }), { signedOut: true, discarded: 0 });
  assert.throws(() => readdirSync(profileDir), /ENOENT/);
  await ana.core.close();
});

test('a file the server refuses becomes a review item; keep mine re-queues it, keep theirs leaves it local; clear removes the files', async () => {
  const ana = device();
  await ana.api.signIn({ mode: 'password', server: base, username: 'ana', password: 'ana password 123' });
  const inspectionID = await parents(ana.api);
  const big = await stage(ana.api, pngBytes(MAX_FILE_BYTES + 10_000, 9), 'big.png');
  const mark = ana.events.length;
  const saved = await ana.api.save({ model: 'Observation', record: { inspectionID, category: 'wide', severity: 'HIGH', photos: [big] } });
  const key = `Observation/${String(saved.id)}/${big.sha256}`;
  const item = await ana.next<ReviewItem>('review', (r) => r.state === 'open' && r.model === 'Observation', mark);
  assert.equal(item.kind, 'rejected');
  assert.equal(item.recordId, String(saved.id));
  assert.deepEqual(item.fields, ['photos']);
  assert.match(item.reason, /^photo big\.png was not uploaded: the server refused it \(file is .+; the limit per file is .+\)$/);
  const failed = await ana.api.attachmentStates({});
  assert.deepEqual(
    failed.files.map((f) => [f.key, f.state]),
    [[key, 'failed']],
  );
  assert.equal(failed.queue.failed, 1);
  assert.equal((await ana.api.syncStatus({})).reviewWaiting, 1);

  // Keep mine: back in the queue; the server refuses it again, which is a new item.
  const again = ana.events.length;
  const kept = await ana.api.reviewResolve({ id: item.id, choice: 'keepMine' });
  assert.equal(kept.state, 'keptMine');
  await ana.next<AttachmentState>('attachmentState', (s) => s.key === key && s.state === 'uploading', again);
  const second = await ana.next<ReviewItem>('review', (r) => r.state === 'open' && r.id !== item.id, again);
  assert.match(second.reason, /big\.png was not uploaded/);

  // Keep theirs: closed; the file stays on this device only, counted by the guard.
  const closed = await ana.api.reviewResolve({ id: second.id, choice: 'keepTheirs' });
  assert.equal(closed.state, 'keptTheirs');
  const after = await ana.api.attachmentStates({});
  assert.deepEqual(
    after.files.map((f) => [f.key, f.state]),
    [[key, 'failed']],
  );
  assert.deepEqual(await ana.api.clear({ unsynced: 'ask' }), { needsConfirmation: true, unsynced: 0, reviewWaiting: 0, unuploadedFiles: 1 });
  const profileDir = profileDirectory(ana.userData, (await ana.api.currentUser({}))!.profileId);
  const filesIn = (): string[] => readdirSync(join(profileDir, 'attachments')).filter((name) => /^[0-9a-f]{2}$/.test(name));
  assert.equal(filesIn().length, 1);
  assert.deepEqual(await ana.api.clear({ unsynced: 'discard' }), { cleared: true, discarded: 0 });
  assert.deepEqual(filesIn(), [], 'the files went with the data');
  assert.deepEqual((await ana.api.attachmentStates({})).files, []);
  await ana.core.close();
});

test('a file queued when the app quits uploads after a restart; sign-out "sync first" waits for the next one', async () => {
  const first = device();
  await first.api.signIn({ mode: 'password', server: base, username: 'ana', password: 'ana password 123' });
  const inspectionID = await parents(first.api);
  await until(
    async () => (await first.api.syncStatus({})).unsynced === 0 && (await first.api.attachmentStates({})).queue.uploadsAvailable,
    'the parents synced and the endpoint was announced',
  );
  await first.api.stopSync();
  const photo = await stage(first.api, pngBytes(60_000, 11), 'before-quit.png');
  const saved = await first.api.save({ model: 'Observation', record: { inspectionID, category: 'quit', severity: 'LOW', photos: [photo] } });
  const key = `Observation/${String(saved.id)}/${photo.sha256}`;
  await first.core.close();

  const again = device(first.userData, first.credentials);
  await again.core.restore();
  // Asked, not awaited as an event: this window is seen by the new core only from its first request.
  await until(
    async () => (await again.api.attachmentStates({})).files.some((f) => f.key === key && f.state === 'done'),
    'the queued file uploaded after the restart',
  );
  const token = await tokenOf('ana');
  assert.equal(sha256((await download(key, token)).bytes), photo.sha256);

  await again.api.stopSync();
  const next = await stage(again.api, pngBytes(30_000, 12), 'at-sign-out.png');
  const record = await again.api.save({ model: 'Observation', record: { inspectionID, category: 'last', severity: 'LOW', photos: [next] } });
  assert.deepEqual(await again.api.signOut({ unsynced: 'syncFirst' }), { signedOut: true, discarded: 0 });
  assert.equal((await download(`Observation/${String(record.id)}/${next.sha256}`, token)).status, 200, 'uploaded before signing out');
  await again.core.close();
});

test('an offline profile keeps its files on this device, and sign-out counts them', async () => {
  const dev = device();
  await dev.api.signIn({ mode: 'offline', username: 'field' });
  assert.equal((await dev.api.attachmentStates({})).queue.uploadsAvailable, false);
  const inspectionID = await parents(dev.api);
  const photo = await stage(dev.api, pngBytes(10_000, 13), 'local.png');
  await dev.api.save({ model: 'Observation', record: { inspectionID, category: 'local', severity: 'LOW', photos: [photo] } });
  const { files, queue } = await dev.api.attachmentStates({});
  assert.deepEqual(
    files.map((f) => f.state),
    ['queued'],
  );
  assert.deepEqual(queue, { bytesWaiting: 10_000, waiting: 1, failed: 0, paused: false, uploadsAvailable: false });
  const answer = await dev.api.signOut({ unsynced: 'ask' });
  assert.ok('needsConfirmation' in answer && answer.unuploadedFiles === 1, JSON.stringify(answer));
  await dev.core.close();
});

test('a second device of the same user opens the photo and keeps its thumbnail; another user cannot open it', async () => {
  const phone = device();
  await phone.api.signIn({ mode: 'password', server: base, username: 'ana', password: 'ana password 123' });
  const inspectionID = await parents(phone.api);
  const bytes = pngBytes(80_000, 21);
  const photo = await stage(phone.api, bytes, 'seen-elsewhere.png');
  const saved = await phone.api.save({ model: 'Observation', record: { inspectionID, category: 'shared', severity: 'LOW', photos: [photo] } });
  const key = `Observation/${String(saved.id)}/${photo.sha256}`;
  await until(async () => (await phone.api.attachmentStates({})).files.some((f) => f.key === key && f.state === 'done'), 'the photo uploaded');

  const laptop = device();
  await laptop.api.signIn({ mode: 'password', server: base, username: 'ana', password: 'ana password 123' });
  await until(async () => (await laptop.api.get({ model: 'Observation', id: String(saved.id) })) !== null, 'the record synced to the laptop');
  assert.deepEqual(await laptop.api.attachmentFetch({ key, sha256: photo.sha256 }), { size: bytes.byteLength, hasThumbnail: false });
  const read = await laptop.api.attachmentRead({ sha256: photo.sha256 });
  assert.equal(read.size, bytes.byteLength);
  assert.equal(sha256(Buffer.from(read.data, 'base64')), photo.sha256, 'the same bytes');
  const thumbnail = pngBytes(500, 22).toString('base64');
  assert.deepEqual(await laptop.api.attachmentThumbnailPut({ sha256: photo.sha256, contentType: 'image/png', data: thumbnail }), { stored: true });
  assert.equal((await laptop.api.attachmentFetch({ key, sha256: photo.sha256 })).hasThumbnail, true);
  assert.equal((await laptop.api.attachmentRead({ sha256: photo.sha256, thumbnail: true })).data, thumbnail);
  assert.deepEqual((await laptop.api.attachmentStates({})).files, [], 'someone else’s upload is not in this device’s queue');

  const other = device();
  await other.api.signIn({ mode: 'password', server: base, username: 'bob', password: 'bob password 123' });
  await until(async () => (await other.api.attachmentStates({})).queue.uploadsAvailable, 'bob’s device learnt the endpoint');
  await assert.rejects(
    other.api.attachmentFetch({ key, sha256: photo.sha256 }),
    (error: unknown) => (error as { code?: string }).code === 'AttachmentNotReadable',
  );
  for (const dev of [phone, laptop, other]) await dev.core.close();
});
