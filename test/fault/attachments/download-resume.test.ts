// A download of a file another device uploaded, through the TCP fault proxy to the real server
// (SQLite, blobs on disk). Cut mid-file at a seeded byte count, the next try — by a file store
// opened afresh over the same profile, as after a restart — continues from the bytes on disk with
// `Range: bytes=N-` and gets 206: the proxy's count of bytes sent down shows the first part was
// not sent again, and the kept file hashes right. A partial copy that is not the start of this
// file (damaged), and one the server no longer matches (If-Range fails, as for a file changed
// under it), start over from the first byte and still end with the right file.
// Seeded: the seed is printed; `SEED=<n>` replays a run.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { AttachmentFiles } from '../../../main/attachments/attachment-files.js';
import { AttachmentUnreachable, downloadFile, type DownloadRequest } from '../../../main/attachments/attachment-download.js';
import { UploadRunner } from '../../../main/attachments/upload-runner.js';
import { seededRandom } from '../../../main/sync/core/retry-policy.js';
import { pngBytes } from '../../integration/attachments/attachment-harness.js';
import { attach, openProfile, stateReached, type Profile } from '../../integration/attachments/client/client-harness.js';
import { startFaultProxy, type FaultProxy } from '../proxy/fault-proxy.js';
import { startAttachmentServer, type AttachmentServer } from './attachment-server.js';

const MiB = 1024 * 1024;
const FILE_BYTES = 8 * MiB;
// Response headers of each GET, well under 2 KiB each: a generous bound.
const PROTOCOL_OVERHEAD_BYTES = 16 * 1024;

const seed = Number(process.env.SEED ?? Math.floor(Math.random() * 2 ** 31));
const random = seededRandom(seed);
before(() => console.log(`download-resume seed: ${seed} (replay with SEED=${seed})`));

const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

/** A GET as the client made it and as the server answered. */
interface Exchange {
  readonly range: string | null;
  readonly ifRange: string | null;
  readonly status: number;
}

describe('attachment download cut mid-file', () => {
  let running: AttachmentServer;
  let proxy: FaultProxy;
  let uploader: Profile;
  let viewer: Profile;
  let file: Buffer;
  let key: string;

  before(async () => {
    running = await startAttachmentServer('sqlite', { maxFileBytes: 32 * MiB });
    proxy = await startFaultProxy(running.server.port);
    uploader = await openProfile();
    viewer = await openProfile();
    file = pngBytes(FILE_BYTES, seed);
    const ref = await attach(uploader, await running.createObservation('downloaded by another device'), file);
    key = ref.key;
    const runner = new UploadRunner({
      db: uploader.db,
      files: uploader.files,
      endpoint: running.endpoint,
      headers: () => ({ Authorization: running.authorization }),
      isRecordAccepted: () => true,
    });
    const done = stateReached(runner, uploader, key, 'done');
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

  /** A download request through the proxy whose GETs are noted in `exchanges`; `rewrite` may change a request's headers. */
  function requestFor(exchanges: Exchange[], rewrite: (headers: Headers) => void = () => undefined): DownloadRequest {
    const observed: typeof fetch = async (input, init) => {
      const headers = new Headers(init?.headers);
      rewrite(headers);
      const response = await fetch(input, { ...init, headers });
      exchanges.push({ range: headers.get('range'), ifRange: headers.get('if-range'), status: response.status });
      return response;
    };
    return {
      endpoint: proxy.url('/attachments'),
      key,
      sha256: sha256(file),
      size: FILE_BYTES,
      headers: { Authorization: running.authorization },
      fetch: observed,
    };
  }

  test(`cut once, then resumed after a restart with Range: only the missing bytes come down (seed ${seed})`, { timeout: 60_000 }, async () => {
    const cutAt = Math.floor(MiB + random() * (FILE_BYTES - 3 * MiB));
    const exchanges: Exchange[] = [];
    const downBefore = proxy.bytes.down;
    let cut = 0;
    // Checked every millisecond, the cut lands within a few hundred KiB of its mark, inside the file.
    const watcher = setInterval(() => {
      if (cut === 0 && proxy.bytes.down - downBefore >= cutAt) cut = proxy.cutAll();
    }, 1);
    try {
      await assert.rejects(downloadFile(viewer.files, requestFor(exchanges)), (error: unknown) => error instanceof AttachmentUnreachable && error.midFile);
    } finally {
      clearInterval(watcher);
    }
    assert.ok(cut >= 1, 'the cut closed the open connection');
    const kept = await viewer.files.partialSize(sha256(file));
    const downAtCut = proxy.bytes.down - downBefore;
    console.log(`cut after ${downAtCut} bytes sent down (mark ${cutAt}); ${kept} bytes kept on disk`);
    assert.ok(kept > 0 && kept < FILE_BYTES, `a partial copy of ${kept} bytes is kept`);
    assert.equal(await viewer.files.exists(sha256(file)), false, 'no file is kept before all of it hashed right');

    const reopened = await AttachmentFiles.open(viewer.dir);
    const resumedFrom = proxy.bytes.down;
    const downloaded = await downloadFile(reopened, requestFor(exchanges));
    const second = proxy.bytes.down - resumedFrom;
    console.log(`the resumed download sent ${second} bytes down for the ${FILE_BYTES - kept} missing`);
    assert.deepEqual(exchanges, [
      { range: null, ifRange: null, status: 200 },
      { range: `bytes=${kept}-`, ifRange: `"${sha256(file)}"`, status: 206 },
    ]);
    assert.ok(second >= FILE_BYTES - kept && second <= FILE_BYTES - kept + PROTOCOL_OVERHEAD_BYTES, `${second} bytes came down the second time`);
    assert.deepEqual(downloaded.stored, { sha256: sha256(file), size: FILE_BYTES });
    assert.equal(sha256(await readFile(reopened.pathOf(sha256(file)))), sha256(file), 'the kept file is the uploaded one');
    assert.equal(await reopened.partialSize(sha256(file)), 0, 'the partial copy became the file');
    await reopened.remove(sha256(file));
  });

  test('a partial copy that is not the start of this file is dropped and the file fetched from its first byte', async () => {
    const files = viewer.files;
    const partial = files.partialPathOf(sha256(file));
    await mkdir(dirname(partial), { recursive: true });
    const damaged = Buffer.from(file.subarray(0, 3 * MiB));
    damaged[MiB] ^= 0xff;
    await writeFile(partial, damaged);
    const exchanges: Exchange[] = [];
    const downloaded = await downloadFile(files, requestFor(exchanges));
    assert.deepEqual(exchanges, [
      { range: `bytes=${3 * MiB}-`, ifRange: `"${sha256(file)}"`, status: 206 },
      { range: null, ifRange: null, status: 200 },
    ]);
    assert.deepEqual(downloaded.stored, { sha256: sha256(file), size: FILE_BYTES });
    assert.equal(sha256(await readFile(files.pathOf(sha256(file)))), sha256(file));
    await files.remove(sha256(file));
  });

  test('when the server’s file no longer matches the partial copy (If-Range fails) it sends all of it and the copy starts over', async () => {
    const files = viewer.files;
    const partial = files.partialPathOf(sha256(file));
    await mkdir(dirname(partial), { recursive: true });
    // Bytes of some other file: only the server's whole answer can make the right one.
    await writeFile(partial, pngBytes(2 * MiB, seed + 1));
    const exchanges: Exchange[] = [];
    // The copy is of another version of the file, as the server sees it.
    const request = requestFor(exchanges, (headers) => {
      if (headers.has('if-range')) headers.set('if-range', '"an-earlier-version"');
    });
    const downBefore = proxy.bytes.down;
    const downloaded = await downloadFile(files, request);
    assert.deepEqual(exchanges, [{ range: `bytes=${2 * MiB}-`, ifRange: '"an-earlier-version"', status: 200 }]);
    assert.ok(proxy.bytes.down - downBefore >= FILE_BYTES, 'the whole file came down');
    assert.deepEqual(downloaded.stored, { sha256: sha256(file), size: FILE_BYTES });
    assert.equal(sha256(await readFile(files.pathOf(sha256(file)))), sha256(file));
    assert.equal(await files.partialSize(sha256(file)), 0);
  });
});
