// Viewing from a profile whose files are encrypted with its key, against a real Outpost server on
// 127.0.0.1: alice's 3 MB photo is fetched on first view, kept encrypted, and read back in chunks
// byte for byte; its thumbnail too; the export's file source gives the plaintext. No file under
// the attachments folder holds any of the plaintext. A file altered on disk is never read: one the
// server has is removed and downloaded again, one only this device has is an error naming it.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { after, before, describe, test } from 'node:test';
import { OutpostError } from '../../../common/errors.js';
import { attachmentKey } from '../../../common/schema/attachment-ref.js';
import { AttachmentFileDamaged } from '../../../main/attachments/attachment-files.js';
import { stageUpload } from '../../../main/attachments/attachment-tables.js';
import { fetchAttachment, putThumbnail, readAttachment, VIEWING_ERRORS } from '../../../main/attachments/attachment-viewing.js';
import { storeFileSource } from '../../../main/export/store-file-source.js';
import { sha256 } from './attachment-harness.js';
import {
  openDevice,
  startCountingProxy,
  startOutpostServer,
  type CountingProxy,
  type Device,
  type OutpostServer,
  type User,
} from './attachment-viewing-harness.js';

const MiB = 1024 * 1024;
const MARKER = 'OUTPOST-VIEWING-PLAINTEXT-5d1e';
// A 1×1 PNG: the thumbnail check sniffs the type.
const PNG_1X1 = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

function markedPng(size: number, seed: number): Buffer {
  const bytes = Buffer.alloc(size);
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(bytes);
  for (let at = 8, n = seed; at < size; n++) at += Buffer.from(`${MARKER}${n};`).copy(bytes, at);
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

async function readWhole(device: Device, user: User, endpoint: string, hash: string): Promise<Buffer> {
  const parts: Buffer[] = [];
  for (let offset = 0; ;) {
    const { data, size } = await readAttachment(device.deps(user, endpoint), hash, { offset });
    const part = Buffer.from(data, 'base64');
    parts.push(part);
    offset += part.length;
    if (offset >= size || part.length === 0) break;
  }
  return Buffer.concat(parts);
}

async function flipByte(path: string, at: number): Promise<void> {
  const bytes = await readFile(path);
  bytes[at] ^= 0x01;
  await writeFile(path, bytes);
}

describe('viewing from an encrypted profile against a real Outpost server', () => {
  let outpost: OutpostServer;
  let proxy: CountingProxy;
  let alice: User;
  let device: Device;
  before(async () => {
    outpost = await startOutpostServer();
    proxy = await startCountingProxy(outpost.base);
    alice = await outpost.signUp('alice');
    device = await openDevice({ key: randomBytes(32) });
  });
  after(async () => {
    await device.close();
    await proxy.close();
    await outpost.close();
  });

  test('a photo fetched on first view is kept encrypted and reads back byte for byte, its thumbnail and the export too', async () => {
    const photo = markedPng(3 * MiB, 1);
    const ref = await outpost.photoRecord(alice, photo, 'north wall.png');
    const deps = device.deps(alice, proxy.endpoint);
    assert.deepEqual(await fetchAttachment(deps, ref.key, ref.sha256), { size: photo.length, hasThumbnail: false });
    assert.ok((await readWhole(device, alice, proxy.endpoint, ref.sha256)).equals(photo));
    assert.deepEqual(await putThumbnail(deps, ref.sha256, 'image/png', PNG_1X1.toString('base64')), { stored: true });
    const thumb = await readAttachment(deps, ref.sha256, { thumbnail: true });
    assert.deepEqual(Buffer.from(thumb.data, 'base64'), PNG_1X1);
    const exported = await storeFileSource(device.files)(ref);
    assert.ok(exported !== null && (await buffer(exported)).equals(photo), 'the export reads the plaintext');
    const onDisk = await filesUnder(join(device.dir, 'attachments'));
    assert.ok(onDisk.length >= 2, onDisk.join(', '));
    for (const path of onDisk) {
      const raw = await readFile(path);
      assert.equal(raw.includes(MARKER), false, `${path} holds plaintext`);
      assert.equal(raw.includes(PNG_1X1.subarray(8)), false, `${path} holds the thumbnail's plaintext`);
    }
  });

  test('a synced file altered on disk is removed and downloaded again, never read; the export refuses it naming the file', async () => {
    const photo = markedPng(MiB, 2);
    const ref = await outpost.photoRecord(alice, photo, 'south wall.png');
    const deps = device.deps(alice, proxy.endpoint);
    await fetchAttachment(deps, ref.key, ref.sha256);
    assert.equal(proxy.getsOf(ref.key), 1);
    const path = device.files.pathOf(ref.sha256);
    await flipByte(path, 300_000);
    const exported = await storeFileSource(device.files)(ref);
    await assert.rejects(
      exported === null ? Promise.resolve() : buffer(exported),
      (error: unknown) => error instanceof AttachmentFileDamaged && error.message.includes(path),
    );
    assert.ok((await readWhole(device, alice, proxy.endpoint, ref.sha256)).equals(photo), 'the bytes read are the photo');
    assert.equal(proxy.getsOf(ref.key), 2, 'downloaded again');
    assert.equal(await device.files.verify(ref.sha256), true);
  });

  test('a file only this device has, altered on disk, is an error naming it', async () => {
    const photo = markedPng(200_000, 3);
    const stored = await device.files.add(Readable.from([photo]));
    const ref = {
      key: attachmentKey('Observation', 'local-only', stored.sha256),
      contentType: 'image/png',
      size: photo.length,
      sha256: stored.sha256,
      name: 'x.png',
    };
    device.db.transaction(() => stageUpload(device.db, ref, { model: 'Observation', recordId: 'local-only', field: 'photos' }))();
    const path = device.files.pathOf(stored.sha256);
    await flipByte(path, 100);
    await assert.rejects(readAttachment(device.deps(alice, proxy.endpoint), stored.sha256), (error: unknown) => {
      assert.ok(error instanceof OutpostError, String(error));
      assert.equal(error.code, VIEWING_ERRORS.damaged);
      assert.ok(error.message.includes(path), error.message);
      return true;
    });
    assert.equal(sha256(photo), stored.sha256);
  });
});
