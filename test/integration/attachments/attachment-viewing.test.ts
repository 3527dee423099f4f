// Viewing attachments against a real Outpost server on 127.0.0.1 (SQLite, blobs on disk) with two
// users signed up through its accounts: alice's photo, uploaded by her first device, is fetched by
// her second device and read back in chunks byte for byte; bob gets "may not open" and learns
// nothing (the same answer as for a file that does not exist, nothing kept); offline and absent,
// and a server without an attachment endpoint, say so plainly; two views at once download once
// (counted at the proxy); bytes that do not hash to the reference are refused and not kept;
// thumbnails are kept for present files only and only when their bytes are the declared image.
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { OutpostError } from '../../../common/errors.js';
import { ATTACHMENT_CHUNK_BYTES, MAX_THUMBNAIL_BYTES } from '../../../common/ipc/attachment-contract.js';
import { attachmentKey } from '../../../common/schema/attachment-ref.js';
import { loadEntry, stageUpload } from '../../../main/attachments/attachment-tables.js';
import { fetchAttachment, putThumbnail, readAttachment, VIEWING_ERRORS } from '../../../main/attachments/attachment-viewing.js';
import { pngBytes, sha256 } from './attachment-harness.js';
import {
  openDevice,
  startCountingProxy,
  startOutpostServer,
  unreachableEndpoint,
  type CountingProxy,
  type Device,
  type OutpostServer,
  type User,
} from './attachment-viewing-harness.js';

const KiB = 1024;
const MiB = 1024 * KiB;

/** Rejects with an OutpostError of `code` and exactly `message` (a RegExp: matching it). */
function outpostError(code: string, message: string | RegExp): (error: unknown) => boolean {
  return (error: unknown) => {
    assert.ok(error instanceof OutpostError, `not an OutpostError: ${String(error)}`);
    assert.equal(error.code, code, error.message);
    if (typeof message === 'string') assert.equal(error.message, message);
    else assert.match(error.message, message);
    return true;
  };
}

/** The file read back with attachmentRead in chunks of `length` (default the contract's most). */
async function readWhole(device: Device, user: User, endpoint: string, hash: string, length?: number): Promise<{ bytes: Buffer; chunks: number[] }> {
  const parts: Buffer[] = [];
  const chunks: number[] = [];
  let offset = 0;
  for (;;) {
    const { data, size } = await readAttachment(device.deps(user, endpoint), hash, { offset, ...(length === undefined ? {} : { length }) });
    const part = Buffer.from(data, 'base64');
    if (part.length === 0) break;
    parts.push(part);
    chunks.push(part.length);
    offset += part.length;
    if (offset === size) break;
  }
  return { bytes: Buffer.concat(parts), chunks };
}

describe('viewing attachments against a real Outpost server', () => {
  let outpost: OutpostServer;
  let proxy: CountingProxy;
  let alice: User;
  let bob: User;
  const devices: Device[] = [];
  const device = async (): Promise<Device> => {
    const opened = await openDevice();
    devices.push(opened);
    return opened;
  };
  before(async () => {
    outpost = await startOutpostServer();
    proxy = await startCountingProxy(outpost.base);
    alice = await outpost.signUp('alice');
    bob = await outpost.signUp('bob');
  });
  after(async () => {
    for (const opened of devices) await opened.close();
    await proxy.close();
    await outpost.close();
  });

  test("alice's second device fetches her photo on first view and reads it back in chunks byte for byte", async () => {
    const photo = pngBytes(2 * MiB + 123_457, 1);
    const ref = await outpost.photoRecord(alice, photo, 'north wall.png');
    const second = await device();
    const clock = { now: 1_000 };
    const deps = second.deps(alice, proxy.endpoint, clock);
    assert.deepEqual(await fetchAttachment(deps, ref.key, ref.sha256), { size: photo.length, hasThumbnail: false });
    assert.equal(proxy.getsOf(ref.key), 1);
    const entry = loadEntry(second.db, ref.key);
    assert.ok(entry !== null);
    assert.deepEqual(
      { present: entry.present, localOnly: entry.localOnly, state: entry.state, contentType: entry.contentType, name: entry.name, size: entry.size },
      { present: true, localOnly: false, state: 'done', contentType: 'image/png', name: 'north wall.png', size: photo.length },
      'noted from the server answer: synced, present, evictable',
    );
    assert.equal(entry.lastAccessAt, 1_000);

    const whole = await readWhole(second, alice, proxy.endpoint, ref.sha256);
    assert.deepEqual(whole.chunks, [ATTACHMENT_CHUNK_BYTES, ATTACHMENT_CHUNK_BYTES, photo.length - 2 * ATTACHMENT_CHUNK_BYTES]);
    assert.ok(whole.bytes.equals(photo), 'the chunks make the photo');
    const small = await readWhole(second, alice, proxy.endpoint, ref.sha256, 300_001);
    assert.ok(small.bytes.equals(photo) && small.chunks.length === Math.ceil(photo.length / 300_001));
    assert.deepEqual(await readAttachment(deps, ref.sha256, { offset: photo.length }), { data: '', size: photo.length }, 'at the end: nothing more');
    await assert.rejects(
      readAttachment(deps, ref.sha256, { offset: photo.length + 1 }),
      outpostError('ValidationError', `offset ${photo.length + 1} is beyond the end of the file (${photo.length} bytes)`),
    );
    await assert.rejects(readAttachment(deps, ref.sha256, { length: ATTACHMENT_CHUNK_BYTES + 1 }), outpostError('ValidationError', /^length must be/));

    clock.now = 2_000;
    assert.deepEqual(await fetchAttachment(deps, ref.key, ref.sha256), { size: photo.length, hasThumbnail: false });
    assert.equal(proxy.getsOf(ref.key), 1, 'a present file is not downloaded again');
    assert.equal(loadEntry(second.db, ref.key)?.lastAccessAt, 2_000, 'the view is noted for the LRU');
  });

  test('bob may not open it and learns nothing: the same answer as for a file that does not exist, nothing kept', async () => {
    const photo = pngBytes(40 * KiB, 2);
    const ref = await outpost.photoRecord(alice, photo);
    const bobs = await device();
    const deps = bobs.deps(bob, proxy.endpoint);
    const refused = await fetchAttachment(deps, ref.key, ref.sha256).then(
      () => assert.fail('bob fetched alice’s photo'),
      (error: unknown) => error,
    );
    assert.ok(outpostError(VIEWING_ERRORS.notReadable, 'you may not open this file, or it no longer exists')(refused));
    const missingSha = sha256(Buffer.from('never uploaded'));
    const missing = await fetchAttachment(deps, attachmentKey('Observation', 'no-such-record', missingSha), missingSha).then(
      () => assert.fail('fetched a file that does not exist'),
      (error: unknown) => error,
    );
    assert.deepEqual((refused as OutpostError).toJSON(), (missing as OutpostError).toJSON(), 'a hidden file and a missing one look alike');
    assert.equal(await bobs.files.exists(ref.sha256), false);
    assert.equal(loadEntry(bobs.db, ref.key), null);
    await assert.rejects(readAttachment(deps, ref.sha256), outpostError(VIEWING_ERRORS.notPresent, /^this file is not on this device/));
  });

  test('offline and absent says it will download when online; a present file still opens offline; no endpoint says the server keeps no files', async () => {
    const photo = pngBytes(30 * KiB, 3);
    const ref = await outpost.photoRecord(alice, photo);
    const second = await device();
    const offline = second.deps(alice, await unreachableEndpoint());
    await assert.rejects(
      fetchAttachment(offline, ref.key, ref.sha256),
      outpostError(VIEWING_ERRORS.notDownloaded, 'this file has not been downloaded to this device yet; it will be when you are online'),
    );
    assert.equal(loadEntry(second.db, ref.key), null, 'nothing noted');

    const own = pngBytes(20 * KiB, 4);
    const stored = await second.files.add(Readable.from([own]));
    const ownRef = {
      key: attachmentKey('Observation', 'own-record', stored.sha256),
      contentType: 'image/png',
      size: own.length,
      sha256: stored.sha256,
      name: 'own.png',
    };
    stageUpload(second.db, ownRef, { model: 'Observation', recordId: 'own-record', field: 'photos' });
    assert.deepEqual(await fetchAttachment(offline, ownRef.key, ownRef.sha256), { size: own.length, hasThumbnail: false }, 'its own un-uploaded file');

    const appsync = second.deps(alice, null);
    await assert.rejects(fetchAttachment(appsync, ref.key, ref.sha256), outpostError(VIEWING_ERRORS.noEndpoint, /^this server keeps no files: /));
    assert.equal((await fetchAttachment(appsync, ownRef.key, ownRef.sha256)).size, own.length, 'files on the device open without an endpoint');
  });

  test('three views at once download the file once', async () => {
    const photo = pngBytes(3 * MiB, 5);
    const ref = await outpost.photoRecord(alice, photo);
    const second = await device();
    const deps = second.deps(alice, proxy.endpoint);
    const answers = await Promise.all([1, 2, 3].map(() => fetchAttachment(deps, ref.key, ref.sha256)));
    assert.deepEqual(answers, Array(3).fill({ size: photo.length, hasThumbnail: false }));
    assert.equal(proxy.getsOf(ref.key), 1, 'one GET reached the server');
    assert.ok((await readWhole(second, alice, proxy.endpoint, ref.sha256)).bytes.equals(photo));
  });

  test('bytes that do not hash to the reference are refused and not kept; the next view downloads them right', async () => {
    const photo = pngBytes(200 * KiB, 6);
    const ref = await outpost.photoRecord(alice, photo);
    const second = await device();
    const deps = second.deps(alice, proxy.endpoint);
    proxy.corrupt = true;
    try {
      await assert.rejects(
        fetchAttachment(deps, ref.key, ref.sha256),
        outpostError(VIEWING_ERRORS.corrupt, /^the server sent other bytes than this record references .*nothing was kept$/),
      );
    } finally {
      proxy.corrupt = false;
    }
    assert.equal(await second.files.exists(ref.sha256), false);
    assert.equal(loadEntry(second.db, ref.key), null);
    assert.deepEqual(
      (await readdir(second.files.root)).filter((name) => name.endsWith('.part')),
      [],
      'no temp file left',
    );
    assert.equal((await fetchAttachment(deps, ref.key, ref.sha256)).size, photo.length);
  });

  test('a download cut mid-file keeps nothing and says so; a sign-in the server no longer takes says so; the next view downloads', async () => {
    const photo = pngBytes(MiB, 10);
    const ref = await outpost.photoRecord(alice, photo);
    const second = await device();
    const deps = second.deps(alice, proxy.endpoint);
    proxy.cutAfter = 300_000;
    try {
      await assert.rejects(
        fetchAttachment(deps, ref.key, ref.sha256),
        outpostError(VIEWING_ERRORS.notDownloaded, 'the download of this file was interrupted; it will be downloaded when you are online again'),
      );
    } finally {
      proxy.cutAfter = null;
    }
    assert.equal(await second.files.exists(ref.sha256), false);
    assert.deepEqual(
      (await readdir(second.files.root)).filter((name) => name.endsWith('.part')),
      [],
      'no temp file left',
    );
    const expired = { name: 'alice', headers: { authorization: 'Bearer not.a.token' } };
    await assert.rejects(
      fetchAttachment(second.deps(expired, proxy.endpoint), ref.key, ref.sha256),
      outpostError(VIEWING_ERRORS.signedOut, 'the server no longer accepts your sign-in: sign in again to open this file'),
    );
    assert.equal((await fetchAttachment(deps, ref.key, ref.sha256)).size, photo.length);
    assert.ok((await readWhole(second, alice, proxy.endpoint, ref.sha256)).bytes.equals(photo));
  });

  test('malformed keys and hashes are refused naming what is wrong, before any request', async () => {
    const second = await device();
    const deps = second.deps(alice, proxy.endpoint);
    const hash = sha256(Buffer.from('x'));
    const before = proxy.gets.length;
    await assert.rejects(fetchAttachment(deps, `Observation/r/${hash}`, 'ABC'), outpostError('ValidationError', /^not a sha-256: "ABC"/));
    await assert.rejects(fetchAttachment(deps, `Observation/../${hash}`, hash), outpostError('ValidationError', /is not <model>\/<recordId>\/<sha256>$/));
    await assert.rejects(fetchAttachment(deps, `Observation/r/${'0'.repeat(64)}`, hash), outpostError('ValidationError', /does not end in the file's sha-256/));
    assert.equal(proxy.gets.length, before);
  });

  test('thumbnails: kept for a present file when the bytes are the declared image, read back; refused otherwise', async () => {
    const photo = pngBytes(100 * KiB, 7);
    const ref = await outpost.photoRecord(alice, photo);
    const second = await device();
    const deps = second.deps(alice, proxy.endpoint);
    const thumbnail = pngBytes(3_000, 8);
    const base64 = thumbnail.toString('base64');
    assert.deepEqual(await putThumbnail(deps, ref.sha256, 'image/png', base64), { stored: false }, 'not before the file is here');
    await fetchAttachment(deps, ref.key, ref.sha256);
    assert.deepEqual(await putThumbnail(deps, ref.sha256, 'image/png', base64), { stored: true });
    assert.equal((await fetchAttachment(deps, ref.key, ref.sha256)).hasThumbnail, true);
    const read = await readAttachment(deps, ref.sha256, { thumbnail: true });
    assert.equal(read.size, thumbnail.length);
    assert.ok(Buffer.from(read.data, 'base64').equals(thumbnail));
    assert.ok(
      Buffer.from((await readAttachment(deps, ref.sha256, { thumbnail: true, offset: 1000, length: 10 })).data, 'base64').equals(
        thumbnail.subarray(1000, 1010),
      ),
    );

    const text = Buffer.from('<svg onload="alert(1)"></svg>').toString('base64');
    await assert.rejects(
      putThumbnail(deps, ref.sha256, 'image/png', text),
      outpostError('ValidationError', 'the thumbnail is declared image/png, but its bytes are not an image of a known type'),
    );
    await assert.rejects(
      putThumbnail(deps, ref.sha256, 'image/jpeg', base64),
      outpostError('ValidationError', 'the thumbnail is declared image/jpeg, but its bytes are image/png'),
    );
    await assert.rejects(
      putThumbnail(deps, ref.sha256, 'image/gif', base64),
      outpostError('ValidationError', /^a thumbnail must be image\/webp, image\/jpeg, image\/png, not image\/gif$/),
    );
    const big = pngBytes(MAX_THUMBNAIL_BYTES + 1, 9).toString('base64');
    await assert.rejects(putThumbnail(deps, ref.sha256, 'image/png', big), outpostError('ValidationError', /; at most 262144 are kept$/));
    await assert.rejects(putThumbnail(deps, ref.sha256, 'image/png', 'not base64!'), outpostError('ValidationError', 'the thumbnail data must be base64'));
    assert.ok(Buffer.from((await readAttachment(deps, ref.sha256, { thumbnail: true })).data, 'base64').equals(thumbnail), 'a refusal keeps the old thumbnail');
    assert.deepEqual(await readdir(join(second.dir, 'attachments', 'thumbnails')), [ref.sha256], 'one thumbnail file, no temp file');
    const other = sha256(Buffer.from('no thumbnail'));
    await assert.rejects(
      readAttachment(deps, other, { thumbnail: true }),
      outpostError(VIEWING_ERRORS.notPresent, 'there is no thumbnail of this file on this device'),
    );
  });
});
