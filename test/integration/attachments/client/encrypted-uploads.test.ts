// Uploads and downloads from a profile whose files are encrypted with its key, against the real
// attachment routes over the disk blob store on 127.0.0.1: the server gets the plaintext (its
// sha-256 matches) also when an upload is cut and resumed, or resumed by a new runner after a
// restart; a download into another encrypted profile is kept encrypted and reads back whole; no
// file under either profile's attachments folder holds any of the plaintext; a file altered on
// disk is never sent and fails with a reason naming it.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mkdtemp } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import { openAttachment } from '../../../../main/attachments/attachment-download.js';
import { loadEntry, markUploading } from '../../../../main/attachments/attachment-tables.js';
import { UploadRunner, type UploadRunnerOptions } from '../../../../main/attachments/upload-runner.js';
import { FILE_DAMAGED_REASON } from '../../../../main/attachments/upload-queue-core.js';
import { encryptedSize, HEADER_BYTES } from '../../../../main/crypto/file-cipher.js';
import { RETRY_POLICIES, tuned } from '../../../../main/sync/core/retry-policy.js';
import type { BlobStore } from '../../../../server/attachments/blob-store.js';
import { openDiskBlobStore } from '../../../../server/attachments/disk-blob-store.js';
import { startHarness, type Harness, type Rights } from '../attachment-harness.js';
import { attach, openProfile, sha256, startFront, stateReached, type FrontServer, type Profile } from './client-harness.js';

const KiB = 1024;
const MiB = 1024 * KiB;
const MARKER = Buffer.from('OUTPOST-PLAINTEXT-MARKER-7f3a');
const rights: Rights = {
  'rec-cut': { alice: 'write', bob: 'read' },
  'rec-restart': { alice: 'write' },
  'rec-tampered': { alice: 'write' },
};
const fastBackoff = tuned(RETRY_POLICIES.mutation, { baseMs: 5, jitterMs: 0 });

/** A PNG (the server checks the type) of `size` bytes that is MARKER and a counter over and over. */
function markedPng(size: number, seed: number): Buffer {
  const bytes = Buffer.alloc(size);
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(bytes);
  for (let at = 8, n = seed; at < size; n++) at += Buffer.from(`${MARKER.toString()}${n};`).copy(bytes, at);
  return bytes;
}

/** Every file below `dir`, recursively. */
async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(path)));
    else out.push(path);
  }
  return out;
}

/** Fails naming the file when any file of the profile's attachment folders holds MARKER. */
async function assertNoPlaintext(profile: Profile): Promise<number> {
  let checked = 0;
  for (const dir of ['attachments', 'attachment-staging']) {
    for (const path of await filesUnder(join(profile.dir, dir)).catch(() => [] as string[])) {
      assert.equal((await readFile(path)).includes(MARKER), false, `${path} holds plaintext`);
      checked++;
    }
  }
  return checked;
}

describe('uploads and downloads from an encrypted file store', () => {
  let serverDir: string;
  let store: BlobStore;
  let harness: Harness;
  let front: FrontServer;
  let profile: Profile;
  let viewer: Profile;
  const key = randomBytes(32);
  const runners: UploadRunner[] = [];
  const runner = (over: Partial<UploadRunnerOptions> = {}): UploadRunner => {
    const created = new UploadRunner({
      db: profile.db,
      files: profile.files,
      endpoint: front.endpoint,
      headers: () => ({ Authorization: 'Bearer alice' }),
      isRecordAccepted: () => true,
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
    harness = await startHarness(store, rights, { maxFileBytes: 8 * MiB, maxUserBytes: 64 * MiB });
    front = await startFront(harness.url);
    profile = await openProfile({ key });
    viewer = await openProfile({ key: randomBytes(32) });
  });
  after(async () => {
    for (const created of runners) await created.stop();
    await front.close();
    await harness.close();
    await store.close();
    for (const p of [profile, viewer]) {
      p.db.close();
      await rm(p.dir, { recursive: true, force: true });
    }
    await rm(serverDir, { recursive: true, force: true });
  });
  const serverBytes = async (blobKey: string): Promise<Buffer> =>
    Buffer.from(await (await fetch(`${harness.url}/attachments/${blobKey}`, { headers: { Authorization: 'Bearer alice' } })).arrayBuffer());

  test('a 3 MB file cut mid-upload resumes; the server gets the plaintext; a download into another profile stays encrypted', async () => {
    const photo = markedPng(3 * MiB, 1);
    const ref = await attach(profile, 'rec-cut', photo);
    assert.equal(ref.size, photo.length, 'the size is the plaintext size');
    assert.equal(ref.sha256, sha256(photo), 'the address is the plaintext sha-256');
    assert.equal((await stat(profile.files.pathOf(ref.sha256))).size, encryptedSize(photo.length));
    assert.equal(await profile.files.sizeOf(ref.sha256), photo.length);
    assert.equal(await profile.files.totalBytes(), photo.length);
    const storedBefore = harness.storedBytes();
    let cut = false;
    harness.onStore = (total, cutNow) => {
      if (!cut && total - storedBefore >= 1.3 * MiB) {
        cut = true;
        cutNow();
      }
    };
    const queue = runner();
    const retried = stateReached(queue, profile, ref.key, 'queued');
    const done = stateReached(queue, profile, ref.key, 'done');
    try {
      queue.start();
      const afterCut = await retried;
      assert.ok(afterCut.bytesAcked >= MiB && afterCut.bytesAcked < photo.length, `acknowledged ${afterCut.bytesAcked} before the cut`);
      await done;
    } finally {
      harness.onStore = null;
    }
    assert.ok(cut);
    assert.equal(harness.storedBytes() - storedBefore, photo.length, 'every plaintext byte reached the server once');
    assert.equal(sha256(await serverBytes(ref.key)), ref.sha256);
    await queue.stop();

    const context = { db: viewer.db, files: viewer.files, endpoint: harness.url + '/attachments', headers: () => ({ Authorization: 'Bearer bob' }) };
    await openAttachment(context, ref, { model: 'Observation', recordId: 'rec-cut', field: 'photos' });
    assert.equal(await viewer.files.verify(ref.sha256), true);
    const back: Buffer[] = [];
    for await (const chunk of viewer.files.read(ref.sha256, { start: 100_000, end: 2_500_000 })) back.push(chunk as Buffer);
    assert.deepEqual(Buffer.concat(back), photo.subarray(100_000, 2_500_001));
    assert.ok((await assertNoPlaintext(profile)) >= 1);
    assert.ok((await assertNoPlaintext(viewer)) >= 1);
  });

  test('a new runner after a restart resumes from the server offset, reading and sending only the missing plaintext', async () => {
    const photo = markedPng(3 * MiB, 2);
    const first = runner();
    const ref = await attach(profile, 'rec-restart', photo);
    const halfway = new Promise<void>((resolve) => {
      first.onFileState((event) => {
        if (event.key === ref.key && (loadEntry(profile.db, ref.key)?.bytesAcked ?? 0) >= MiB) resolve();
      });
    });
    first.start();
    await halfway;
    await first.stop();
    markUploading(profile.db, ref.key);
    const storedBefore = harness.storedBytes();
    const offset = loadEntry(profile.db, ref.key)?.bytesAcked ?? 0;
    // The first segment, already on the server, is made unreadable: the resumed upload reads from
    // the segment holding its offset on, so it never meets it (decrypting from byte 0 would fail).
    const path = profile.files.pathOf(ref.sha256);
    const sealed = await readFile(path);
    const firstSegment = Buffer.from(sealed.subarray(HEADER_BYTES, HEADER_BYTES + 100));
    sealed[HEADER_BYTES + 50] ^= 0x01;
    await writeFile(path, sealed);
    const second = runner();
    const done = stateReached(second, profile, ref.key, 'done');
    second.start();
    await done;
    const sent = harness.storedBytes() - storedBefore;
    assert.ok(sent <= photo.length - offset, `sent ${sent}, ${photo.length - offset} were missing`);
    assert.equal(sha256(await serverBytes(ref.key)), ref.sha256);
    await second.stop();
    firstSegment.copy(sealed, HEADER_BYTES);
    await writeFile(path, sealed);
    assert.equal(await profile.files.verify(ref.sha256), true);
    await assertNoPlaintext(profile);
  });

  test('a file altered on disk is not sent: the upload fails naming it', async () => {
    const photo = markedPng(400 * KiB, 3);
    const ref = await attach(profile, 'rec-tampered', photo);
    const path = profile.files.pathOf(ref.sha256);
    const sealed = await readFile(path);
    sealed[200_000] ^= 0x40;
    await writeFile(path, sealed);
    const queue = runner();
    const failed = stateReached(queue, profile, ref.key, 'failed');
    queue.start();
    const entry = await failed;
    assert.ok(entry.failureReason?.startsWith(FILE_DAMAGED_REASON), entry.failureReason ?? '');
    assert.ok(entry.failureReason?.includes(path), 'the reason names the file');
    assert.equal(
      (await fetch(`${harness.url}/attachments/${ref.key}`, { headers: { Authorization: 'Bearer alice' } })).status,
      404,
      'nothing whole reached the server',
    );
    await queue.stop();
  });
});
