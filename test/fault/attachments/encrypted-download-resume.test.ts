// A download into a profile whose files are encrypted with its key, through the TCP fault proxy to
// the real server (SQLite, blobs on disk), cut mid-file at a seeded byte count: what arrived is
// kept encrypted as whole segments only (its length says how many plaintext bytes are safe), a
// file store opened afresh with the key continues with `Range: bytes=N-` from exactly those bytes,
// and the kept file's plaintext hashes right. No file under the attachments folder holds
// plaintext at any point. A kept copy that fails its check is dropped and the file fetched from its
// first byte; a plain partial copy left from before encryption is dropped when the store opens.
// Seeded: the seed is printed; `SEED=<n>` replays a run.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { AttachmentFiles } from '../../../main/attachments/attachment-files.js';
import { AttachmentUnreachable, downloadFile, type DownloadRequest } from '../../../main/attachments/attachment-download.js';
import { UploadRunner } from '../../../main/attachments/upload-runner.js';
import { HEADER_BYTES, SEALED_SEGMENT_BYTES, SEGMENT_BYTES } from '../../../main/crypto/file-cipher.js';
import { seededRandom } from '../../../main/sync/core/retry-policy.js';
import { attach, openProfile, stateReached, type Profile } from '../../integration/attachments/client/client-harness.js';
import { startFaultProxy, type FaultProxy } from '../proxy/fault-proxy.js';
import { startAttachmentServer, type AttachmentServer } from './attachment-server.js';

const MiB = 1024 * 1024;
const FILE_BYTES = 8 * MiB;
const MARKER = 'OUTPOST-DOWNLOAD-PLAINTEXT-91c2';
const PROTOCOL_OVERHEAD_BYTES = 16 * 1024;

const seed = Number(process.env.SEED ?? Math.floor(Math.random() * 2 ** 31));
const random = seededRandom(seed);
before(() => console.log(`encrypted-download-resume seed: ${seed} (replay with SEED=${seed})`));

const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

/** A PNG of `size` bytes that is MARKER and a counter over and over. */
function markedPng(size: number): Buffer {
  const bytes = Buffer.alloc(size);
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(bytes);
  for (let at = 8, n = 0; at < size; n++) at += Buffer.from(`${MARKER}${n};`).copy(bytes, at);
  return bytes;
}

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    out.push(...(entry.isDirectory() ? await filesUnder(path) : [path]));
  }
  return out;
}

async function assertNoPlaintext(dir: string): Promise<void> {
  for (const path of await filesUnder(join(dir, 'attachments'))) {
    assert.equal((await readFile(path)).includes(MARKER), false, `${path} holds plaintext`);
  }
}

interface Exchange {
  readonly range: string | null;
  readonly status: number;
}

describe('encrypted attachment download cut mid-file', () => {
  let running: AttachmentServer;
  let proxy: FaultProxy;
  let uploader: Profile;
  let viewer: Profile;
  const viewerKey = randomBytes(32);
  const file = markedPng(FILE_BYTES);
  let blobKey: string;

  before(async () => {
    running = await startAttachmentServer('sqlite', { maxFileBytes: 32 * MiB });
    proxy = await startFaultProxy(running.server.port);
    uploader = await openProfile({ key: randomBytes(32) });
    viewer = await openProfile({ key: viewerKey });
    blobKey = (await attach(uploader, await running.createObservation('downloaded by another device'), file)).key;
    const runner = new UploadRunner({
      db: uploader.db,
      files: uploader.files,
      endpoint: running.endpoint,
      headers: () => ({ Authorization: running.authorization }),
      isRecordAccepted: () => true,
    });
    const done = stateReached(runner, uploader, blobKey, 'done');
    runner.start();
    await done;
    await runner.stop();
  });
  after(async () => {
    await proxy?.close();
    await running?.close();
    for (const profile of [uploader, viewer]) {
      profile?.db.close();
      if (profile) await rm(profile.dir, { recursive: true, force: true });
    }
  });

  function requestFor(exchanges: Exchange[]): DownloadRequest {
    const observed: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      exchanges.push({ range: new Headers(init?.headers).get('range'), status: response.status });
      return response;
    };
    return {
      endpoint: proxy.url('/attachments'),
      key: blobKey,
      sha256: sha256(file),
      size: FILE_BYTES,
      headers: { Authorization: running.authorization },
      fetch: observed,
    };
  }

  test(
    `cut once, resumed by a store opened afresh with the key: only whole segments kept, only the rest comes down (seed ${seed})`,
    { timeout: 60_000 },
    async () => {
      const cutAt = Math.floor(MiB + random() * (FILE_BYTES - 3 * MiB));
      const exchanges: Exchange[] = [];
      const downBefore = proxy.bytes.down;
      let cut = 0;
      const watcher = setInterval(() => {
        if (cut === 0 && proxy.bytes.down - downBefore >= cutAt) cut = proxy.cutAll();
      }, 1);
      try {
        await assert.rejects(downloadFile(viewer.files, requestFor(exchanges)), (error: unknown) => error instanceof AttachmentUnreachable && error.midFile);
      } finally {
        clearInterval(watcher);
      }
      assert.ok(cut >= 1);
      const kept = await viewer.files.partialSize(sha256(file));
      const partialBytes = (await stat(viewer.files.partialPathOf(sha256(file)))).size;
      console.log(`cut after ${proxy.bytes.down - downBefore} bytes (mark ${cutAt}); ${kept} plaintext bytes kept in ${partialBytes} bytes on disk`);
      assert.ok(kept > 0 && kept < FILE_BYTES && kept % SEGMENT_BYTES === 0, `${kept} bytes kept`);
      assert.ok(partialBytes >= HEADER_BYTES + (kept / SEGMENT_BYTES) * SEALED_SEGMENT_BYTES);
      await assertNoPlaintext(viewer.dir);

      const reopened = await AttachmentFiles.open(viewer.dir, { key: viewerKey });
      const resumedFrom = proxy.bytes.down;
      const downloaded = await downloadFile(reopened, requestFor(exchanges));
      const second = proxy.bytes.down - resumedFrom;
      assert.deepEqual(exchanges, [
        { range: null, status: 200 },
        { range: `bytes=${kept}-`, status: 206 },
      ]);
      assert.ok(second >= FILE_BYTES - kept && second <= FILE_BYTES - kept + PROTOCOL_OVERHEAD_BYTES, `${second} bytes came down the second time`);
      assert.deepEqual(downloaded.stored, { sha256: sha256(file), size: FILE_BYTES });
      assert.equal(await reopened.verify(sha256(file)), true, 'the kept file decrypts to the uploaded one');
      await assertNoPlaintext(viewer.dir);
      await reopened.remove(sha256(file));
    },
  );

  test('a kept copy that fails its check is dropped and the file fetched from its first byte', async () => {
    const files = viewer.files;
    const exchanges: Exchange[] = [];
    // A kept copy of 3 segments, as a cut download leaves it, then one bit flipped in the second.
    const downBefore = proxy.bytes.down;
    const watcher = setInterval(() => {
      if (proxy.bytes.down - downBefore >= 2 * MiB) proxy.cutAll();
    }, 1);
    await downloadFile(files, requestFor(exchanges)).catch(() => undefined);
    clearInterval(watcher);
    const partial = files.partialPathOf(sha256(file));
    const sealed = await readFile(partial);
    assert.ok(sealed.length > HEADER_BYTES + 2 * SEALED_SEGMENT_BYTES);
    sealed[HEADER_BYTES + SEALED_SEGMENT_BYTES + 10] ^= 1;
    await writeFile(partial, sealed);
    exchanges.length = 0;
    const downloaded = await downloadFile(files, requestFor(exchanges));
    assert.equal(exchanges.length, 2);
    assert.equal(exchanges[0]!.status, 206);
    assert.deepEqual(exchanges[1], { range: null, status: 200 });
    assert.deepEqual(downloaded.stored, { sha256: sha256(file), size: FILE_BYTES });
    assert.equal(await files.verify(sha256(file)), true);
    await files.remove(sha256(file));
  });

  test('a plain partial copy from before encryption is dropped when the store opens with the key', async () => {
    const plainProfile = await openProfile();
    const plainDir = plainProfile.dir;
    const plain = await AttachmentFiles.open(plainDir);
    const partial = plain.partialPathOf(sha256(file));
    await mkdir(dirname(partial), { recursive: true });
    await writeFile(partial, file.subarray(0, 3 * MiB));
    const encrypted = await AttachmentFiles.open(plainDir, { key: randomBytes(32) });
    assert.equal(await encrypted.partialSize(sha256(file)), 0);
    const exchanges: Exchange[] = [];
    await downloadFile(encrypted, requestFor(exchanges));
    assert.deepEqual(exchanges, [{ range: null, status: 200 }]);
    assert.equal(await encrypted.verify(sha256(file)), true);
    await assertNoPlaintext(plainDir);
    plainProfile.db.close();
    await rm(plainDir, { recursive: true, force: true });
  });
});
