// The attachment upload queue against the real attachment routes over the disk blob store on
// 127.0.0.1, with a real SQLite table and file store: uploads wait for their record, resume after
// a cut and after a restart without re-sending acknowledged bytes, pause and resume, end as
// failed with the server's reason when refused for good and back off on 503; downloads verify
// the hash; eviction never touches an un-uploaded file.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { attachmentKey } from '../../../../common/schema/attachment-ref.js';
import { evictToLimit } from '../../../../main/attachments/attachment-cache.js';
import { AttachmentDownloadRefused, openAttachment } from '../../../../main/attachments/attachment-download.js';
import { AttachmentHashMismatch } from '../../../../main/attachments/attachment-files.js';
import { loadEntry, markUploading, noteRemoteAttachment, touchFile, unuploadedFiles } from '../../../../main/attachments/attachment-tables.js';
import { UploadRunner, type UploadRunnerOptions } from '../../../../main/attachments/upload-runner.js';
import type { AttachmentRecord } from '../../../../main/attachments/upload-queue-core.js';
import { RETRY_POLICIES, tuned } from '../../../../main/sync/core/retry-policy.js';
import type { BlobStore } from '../../../../server/attachments/blob-store.js';
import { openDiskBlobStore } from '../../../../server/attachments/disk-blob-store.js';
import { pngBytes, request, startHarness, type Harness, type Rights } from '../attachment-harness.js';
import { attach, openProfile, sha256, startFront, stateReached, type FrontServer, type Profile } from './client-harness.js';

const KiB = 1024;
const MiB = 1024 * KiB;
const rights: Rights = {
  'rec-wait': { alice: 'write' },
  'rec-cut': { alice: 'write' },
  'rec-restart': { alice: 'write' },
  'rec-pause': { alice: 'write' },
  'rec-busy': { alice: 'write' },
  'rec-refused': { alice: 'write' },
  'rec-hidden': { carol: 'write' },
  'rec-view': { alice: 'write', bob: 'read' },
  'rec-cache': { alice: 'write', bob: 'read' },
};
const fastBackoff = tuned(RETRY_POLICIES.mutation, { baseMs: 5, jitterMs: 0 });
const everyRecord = (): boolean => true;

describe('attachment upload runner against the real attachment routes', () => {
  let serverDir: string;
  let store: BlobStore;
  let harness: Harness;
  let front: FrontServer;
  let profile: Profile;
  const runners: UploadRunner[] = [];
  const runner = (over: Partial<UploadRunnerOptions> = {}): UploadRunner => {
    const created = new UploadRunner({
      db: profile.db,
      files: profile.files,
      endpoint: front.endpoint,
      headers: () => ({ Authorization: 'Bearer alice' }),
      isRecordAccepted: everyRecord,
      chunkSize: 256 * KiB,
      policy: fastBackoff,
      ...over,
    });
    runners.push(created);
    return created;
  };
  before(async () => {
    serverDir = await mkdtemp(join(tmpdir(), 'outpost-attachment-server-'));
    store = await openDiskBlobStore(serverDir);
    harness = await startHarness(store, rights, { maxFileBytes: 4 * MiB, maxUserBytes: 64 * MiB });
    front = await startFront(harness.url);
    profile = await openProfile();
  });
  after(async () => {
    for (const created of runners) await created.stop();
    await front.close();
    await harness.close();
    await store.close();
    profile.db.close();
    await rm(serverDir, { recursive: true, force: true });
    await rm(profile.dir, { recursive: true, force: true });
  });
  const serverBytes = async (key: string, user = 'alice'): Promise<Buffer> =>
    Buffer.from(await (await fetch(`${harness.url}/attachments/${key}`, { headers: { Authorization: `Bearer ${user}` } })).arrayBuffer());

  test('an upload waits until its record is accepted, then uploads in chunks', async () => {
    const accepted = new Set<string>();
    const queue = runner({ isRecordAccepted: (record: AttachmentRecord) => accepted.has(record.recordId) });
    const photo = pngBytes(700 * KiB, 1);
    const ref = await attach(profile, 'rec-wait', photo);
    const waiting: number[] = [];
    queue.onBytesWaiting((bytes) => waiting.push(bytes));
    queue.start();
    await sleep(150);
    assert.equal(loadEntry(profile.db, ref.key)?.state, 'queued');
    assert.equal((await request(`${harness.url}/attachments/${ref.key}`, 'HEAD', 'alice')).status, 404, 'nothing sent before the record is accepted');
    assert.ok(waiting.includes(photo.length), 'bytes waiting counts the queued file');
    const done = stateReached(queue, profile, ref.key, 'done');
    accepted.add('rec-wait');
    queue.wake();
    const entry = await done;
    assert.equal(entry.localOnly, false);
    assert.equal(entry.bytesAcked, photo.length);
    assert.deepEqual(await serverBytes(ref.key), photo);
    assert.equal(queue.bytesWaiting(), 0);
    await queue.stop();
  });

  test('an upload cut mid-file resumes from the server offset without re-sending acknowledged chunks', async () => {
    const photo = pngBytes(3 * MiB, 2);
    const storedBefore = harness.storedBytes();
    let cutAt = 0;
    harness.onStore = (total, cut) => {
      if (cutAt === 0 && total - storedBefore >= 1.3 * MiB) {
        cutAt = total - storedBefore;
        cut();
      }
    };
    const queue = runner();
    const ref = await attach(profile, 'rec-cut', photo);
    const retried = stateReached(queue, profile, ref.key, 'queued');
    const done = stateReached(queue, profile, ref.key, 'done');
    try {
      queue.start();
      const afterCut = await retried;
      assert.ok(afterCut.attempts === 1 && afterCut.uploadUrl !== null, 'the cut is one failed attempt with the URL kept');
      assert.ok(afterCut.bytesAcked >= MiB, `acknowledged ${afterCut.bytesAcked} before the cut`);
      await done;
    } finally {
      harness.onStore = null;
    }
    assert.ok(cutAt > MiB);
    assert.equal(harness.storedBytes() - storedBefore, photo.length, 'every byte reached the server store exactly once');
    assert.deepEqual(await serverBytes(ref.key), photo);
    await queue.stop();
  });

  test('a runner stopped mid-upload and a new one over the same table resume from the stored URL', async () => {
    const photo = pngBytes(3 * MiB, 3);
    const first = runner({ chunkSize: 256 * KiB });
    const ref = await attach(profile, 'rec-restart', photo);
    const halfway = new Promise<void>((resolve) => {
      first.onFileState((event) => {
        if (event.key === ref.key && (loadEntry(profile.db, ref.key)?.bytesAcked ?? 0) >= MiB) resolve();
      });
    });
    first.start();
    await halfway;
    await first.stop();
    markUploading(profile.db, ref.key); // as a crash would leave it
    const stored = loadEntry(profile.db, ref.key);
    assert.ok(stored?.uploadUrl?.endsWith(`/attachments/${ref.key}`), `stored URL ${stored?.uploadUrl}`);
    const head = await request(`${harness.url}/attachments/${ref.key}`, 'HEAD', 'alice');
    const offset = Number(head.headers.get('upload-offset'));
    assert.ok(offset >= MiB && offset < photo.length, `server offset ${offset}`);
    const storedBefore = harness.storedBytes();
    const second = runner({ chunkSize: 256 * KiB });
    const done = stateReached(second, profile, ref.key, 'done');
    second.start();
    await done;
    assert.equal(harness.storedBytes() - storedBefore, photo.length - offset, 'only the missing bytes were sent');
    assert.deepEqual(await serverBytes(ref.key), photo);
    await second.stop();
  });

  test('pause aborts the running upload and starts nothing; resume continues from the acknowledged offset', async () => {
    const photo = pngBytes(2 * MiB, 4);
    const queue = runner({ chunkSize: 128 * KiB });
    const ref = await attach(profile, 'rec-pause', photo);
    const started = new Promise<void>((resolve) => {
      queue.onFileState((event) => {
        if (event.key === ref.key && (loadEntry(profile.db, ref.key)?.bytesAcked ?? 0) >= 512 * KiB) resolve();
      });
    });
    queue.start();
    await started;
    await queue.setPaused(true);
    const paused = loadEntry(profile.db, ref.key);
    assert.equal(paused?.state, 'queued');
    assert.equal(paused?.attempts, 0, 'a pause is not a failed attempt');
    await sleep(100); // bytes already in socket buffers when the request was aborted still arrive
    const storedAtPause = harness.storedBytes();
    queue.wake();
    await sleep(200);
    assert.equal(harness.storedBytes(), storedAtPause, 'nothing sent while paused');
    assert.ok(queue.bytesWaiting() > 0 && queue.bytesWaiting() <= photo.length - 512 * KiB);
    const done = stateReached(queue, profile, ref.key, 'done');
    await queue.setPaused(false);
    await done;
    assert.deepEqual(await serverBytes(ref.key), photo);
    await queue.stop();
  });

  test('503 answers are retried with backoff until the upload goes through', async () => {
    const photo = pngBytes(300 * KiB, 5);
    const queue = runner();
    const ref = await attach(profile, 'rec-busy', photo);
    front.refuseNext(3);
    const reasons: string[] = [];
    queue.onFileState((event) => {
      if (event.key === ref.key && event.reason !== undefined) reasons.push(event.reason);
    });
    const done = stateReached(queue, profile, ref.key, 'done');
    queue.start();
    const entry = await done;
    assert.equal(front.refused(), 3);
    // tus-js-client answers a 503 to its resuming HEAD by creating (POST) in the same attempt, so
    // three refusals may be fewer failed attempts; each failed attempt carries the server's reason.
    assert.ok(entry.attempts >= 1 && entry.attempts <= 3, `attempts ${entry.attempts}`);
    assert.deepEqual(reasons, Array<string>(entry.attempts).fill('server answered 503: server busy, try again'));
    assert.deepEqual(await serverBytes(ref.key), photo);
    await queue.stop();
  });

  test('404, 413 and 422 end the upload as failed with the server reason, and the file stays counted as un-uploaded', async () => {
    const queue = runner();
    const hidden = await attach(profile, 'rec-hidden', pngBytes(10 * KiB, 6));
    const tooBig = await attach(profile, 'rec-refused', pngBytes(4 * MiB + 1, 7));
    const wrongType = await attach(profile, 'rec-refused', pngBytes(20 * KiB, 8), { contentType: 'image/jpeg' });
    const failed = [hidden, tooBig, wrongType].map((ref) => stateReached(queue, profile, ref.key, 'failed'));
    queue.start();
    const [a, b, c] = await Promise.all(failed);
    assert.equal(a.failureReason, 'no such attachment', 'the server says the same as for a missing file');
    assert.match(b.failureReason ?? '', /the limit per file is 4194304 bytes/);
    assert.match(c.failureReason ?? '', /^Upload refused: declared content type image\/jpeg, but the bytes are image\/png/);
    for (const entry of [a, b, c]) assert.equal(entry.attempts, 0, `${entry.key} was not retried`);
    assert.ok(unuploadedFiles(profile.db).count >= 3);
    await queue.stop();
  });

  test('a download on first view lands in another profile verified; wrong bytes and a stranger are refused', async () => {
    const photo = pngBytes(400 * KiB, 9);
    const queue = runner();
    const ref = await attach(profile, 'rec-view', photo);
    const done = stateReached(queue, profile, ref.key, 'done');
    queue.start();
    await done;
    await queue.stop();
    const viewer = await openProfile();
    try {
      const record = { model: 'Observation', recordId: 'rec-view', field: 'photos' };
      const context = { db: viewer.db, files: viewer.files, endpoint: front.endpoint, headers: () => ({ Authorization: 'Bearer bob' }) };
      const path = await openAttachment(context, ref, record);
      assert.deepEqual(await readFile(path), photo);
      const entry = loadEntry(viewer.db, ref.key);
      assert.ok(entry?.present === true && entry.localOnly === false && entry.state === 'done');
      const lying = { ...ref, sha256: sha256(Buffer.from('something else')) };
      await assert.rejects(openAttachment(context, lying, record), AttachmentHashMismatch);
      assert.equal(await viewer.files.exists(lying.sha256), false);
      const stranger = { ...context, headers: () => ({ Authorization: 'Bearer mallory' }) };
      const other = await openProfile();
      try {
        await assert.rejects(
          openAttachment({ ...stranger, db: other.db, files: other.files }, ref, record),
          (error: unknown) => error instanceof AttachmentDownloadRefused && error.status === 404,
        );
      } finally {
        other.db.close();
        await rm(other.dir, { recursive: true, force: true });
      }
    } finally {
      viewer.db.close();
      await rm(viewer.dir, { recursive: true, force: true });
    }
  });

  test('eviction removes synced files least recently used and never an un-uploaded one', async () => {
    const cache = await openProfile();
    try {
      const record = { model: 'Observation', recordId: 'rec-cache', field: 'photos' };
      const unuploaded = await attach(cache, 'rec-cache', pngBytes(100 * KiB, 20));
      touchFile(cache.db, unuploaded.sha256, 1); // the oldest of all
      const synced = [];
      for (const [i, seed] of [21, 22, 23].entries()) {
        const stored = await cache.files.add(Readable.from([pngBytes(100 * KiB, seed)]));
        const ref = {
          key: attachmentKey('Observation', 'rec-cache', stored.sha256),
          contentType: 'image/png',
          size: stored.size,
          sha256: stored.sha256,
          name: null,
        };
        noteRemoteAttachment(cache.db, ref, record, true, 10 + [3, 1, 2][i]);
        synced.push(ref);
      }
      const evicted = await evictToLimit(cache.db, cache.files, 250 * KiB);
      assert.deepEqual(evicted, [synced[1].sha256, synced[2].sha256], 'the two least recently used synced files');
      assert.equal(await cache.files.exists(unuploaded.sha256), true);
      assert.equal(await cache.files.exists(synced[0].sha256), true);
      assert.equal(loadEntry(cache.db, synced[1].key)?.present, false);
      assert.deepEqual(await evictToLimit(cache.db, cache.files, 0), [synced[0].sha256], 'even at a limit of 0 the un-uploaded file stays');
      assert.equal(await cache.files.totalBytes(), 100 * KiB);
    } finally {
      cache.db.close();
      await rm(cache.dir, { recursive: true, force: true });
    }
  });
});
