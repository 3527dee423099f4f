// The attachment endpoint end to end: tus-js-client uploads in chunks to a real server over the
// disk blob store (one pass over PostgreSQL too), a cut mid-file resumes from the server's offset
// without re-sending acknowledged bytes, access follows the record (404 for a user who may not
// read it), size limits and the sha-256 / content-type checks refuse with a clear message.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import * as tus from 'tus-js-client';
import type { BlobStore } from '../../../server/attachments/blob-store.js';
import { openDiskBlobStore } from '../../../server/attachments/disk-blob-store.js';
import { openPostgresBlobStore } from '../../../server/attachments/postgres-blob-store.js';
import { createTestDatabase } from '../realtime/test-database.js';
import { metadataFor, pngBytes, request, sha256, startHarness, tusUpload, uploadMetadataHeader, type Harness, type Rights } from './attachment-harness.js';

const MB = 1_000_000;
const limits = { maxFileBytes: 8 * MB, maxUserBytes: 12 * MB };
const rights: Rights = {
  'rec-a': { alice: 'write', carol: 'read' },
  'rec-cut': { alice: 'write' },
  'rec-restart': { alice: 'write' },
  'rec-bad': { alice: 'write' },
  'rec-quota': { dave: 'write' },
  'rec-pdf': { alice: 'write' },
  'rec-pg': { alice: 'write', carol: 'read' },
};

describe('attachment routes over the disk blob store', () => {
  let directory: string;
  let store: BlobStore;
  let harness: Harness;
  before(async () => {
    directory = await mkdtemp(join(tmpdir(), 'outpost-attachments-'));
    store = await openDiskBlobStore(directory);
    harness = await startHarness(store, rights, limits);
  });
  after(async () => {
    await harness.close();
    await store.close();
    await rm(directory, { recursive: true, force: true });
  });

  test('an image uploaded in chunks downloads byte for byte, inline, with ranges', async () => {
    const photo = pngBytes(1_300_000, 1);
    const url = await tusUpload(harness, 'alice', photo, { recordId: 'rec-a' });
    assert.equal(new URL(url).pathname, `/attachments/Observation/rec-a/${sha256(photo)}`);
    const response = await fetch(url, { headers: { Authorization: 'Bearer alice' } });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'image/png');
    assert.match(response.headers.get('content-disposition') ?? '', /^inline; filename\*=UTF-8''photo\.png$/);
    assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
    assert.deepEqual(Buffer.from(await response.arrayBuffer()), photo);
    const ranged = await fetch(url, { headers: { Authorization: 'Bearer alice', Range: 'bytes=100-199' } });
    assert.equal(ranged.status, 206);
    assert.equal(ranged.headers.get('content-range'), `bytes 100-199/${photo.length}`);
    assert.deepEqual(Buffer.from(await ranged.arrayBuffer()), photo.subarray(100, 200));
    const again = await request(`${harness.url}/attachments`, 'POST', 'alice', {
      'Upload-Length': String(photo.length),
      'Upload-Metadata': uploadMetadataHeader(metadataFor(photo, { recordId: 'rec-a' })),
    });
    assert.equal(again.status, 409, again.text);
  });

  test('another user gets 404 on download, HEAD and PATCH; a reader may download but not write; no sign-in is 401', async () => {
    const photo = pngBytes(50_000, 2);
    const url = await tusUpload(harness, 'alice', photo, { recordId: 'rec-a' });
    for (const method of ['GET', 'HEAD', 'PATCH']) {
      const headers: Record<string, string> = method === 'PATCH' ? { 'Upload-Offset': '0', 'Content-Type': 'application/offset+octet-stream' } : {};
      const response = await request(url, method, 'bob', headers);
      assert.equal(response.status, 404, `${method} by bob`);
    }
    const missing = await request(`${harness.url}/attachments/Observation/rec-a/${'0'.repeat(64)}`, 'HEAD', 'bob');
    assert.equal(missing.status, 404, 'a missing file looks the same as a hidden one');
    assert.equal((await request(url, 'GET', 'carol')).status, 200);
    const patch = await request(url, 'PATCH', 'carol', { 'Upload-Offset': '0', 'Content-Type': 'application/offset+octet-stream' });
    assert.equal(patch.status, 403, patch.text);
    await assert.rejects(tusUpload(harness, 'carol', pngBytes(10, 3), { recordId: 'rec-a' }), /response code: 403/);
    await assert.rejects(tusUpload(harness, 'bob', pngBytes(10, 3), { recordId: 'rec-a' }), /response code: 404/);
    assert.equal((await request(url, 'GET', null)).status, 401);
  });

  test('a cut mid-file resumes from the server offset without re-sending acknowledged bytes', async () => {
    const photo = pngBytes(6 * 1024 * 1024, 4);
    let offsetAtCut = 0;
    const wireBefore = harness.wireBytes();
    const storedBefore = harness.storedBytes();
    harness.onStore = (total, cut) => {
      if (offsetAtCut === 0 && total - storedBefore >= 3.5 * 1024 * 1024) {
        offsetAtCut = total - storedBefore;
        cut();
      }
    };
    const chunkSize = 1024 * 1024;
    try {
      await tusUpload(harness, 'alice', photo, { recordId: 'rec-cut' }, { chunkSize });
    } finally {
      harness.onStore = null;
    }
    assert.ok(offsetAtCut > 3 * chunkSize, 'the cut came inside the fourth chunk');
    assert.equal(harness.storedBytes() - storedBefore, photo.length, 'every byte reached the store exactly once');
    const wire = harness.wireBytes() - wireBefore;
    // Headers of a dozen requests plus at most what sat in buffers when the socket was cut.
    assert.ok(wire < photo.length + 256 * 1024, `read ${wire - photo.length} bytes more than the file off the wire`);
    const response = await fetch(`${harness.url}/attachments/Observation/rec-cut/${sha256(photo)}`, { headers: { Authorization: 'Bearer alice' } });
    assert.deepEqual(Buffer.from(await response.arrayBuffer()), photo);
  });

  test('an aborted upload resumes in a new client (as after a restart) from the offset HEAD reports', async () => {
    const photo = pngBytes(3 * 1024 * 1024, 5);
    const endpoint = `${harness.url}/attachments`;
    let first: tus.Upload | null = null;
    await new Promise<void>((resolve, reject) => {
      first = new tus.Upload(photo, {
        endpoint,
        metadata: metadataFor(photo, { recordId: 'rec-restart' }),
        headers: { Authorization: 'Bearer alice' },
        chunkSize: 512 * 1024,
        storeFingerprintForResuming: false,
        onChunkComplete: (_size, accepted) => {
          if (accepted >= 1024 * 1024) void first?.abort().then(resolve, reject);
        },
        onError: reject,
      });
      first.start();
    });
    const url = (first as tus.Upload | null)?.url ?? '';
    const head = await request(url, 'HEAD', 'alice');
    const offset = Number(head.headers.get('upload-offset'));
    assert.ok(offset >= 1024 * 1024 && offset < photo.length, `offset ${offset}`);
    const wireBefore = harness.wireBytes();
    await tusUpload(harness, 'alice', photo, { recordId: 'rec-restart' }, { uploadUrl: url });
    const wire = harness.wireBytes() - wireBefore;
    assert.ok(wire < photo.length - offset + 64 * 1024, `resumed upload read ${wire} bytes for ${photo.length - offset} missing`);
    assert.equal((await store.info(url.split('/attachments/')[1]))?.complete, true);
  });

  test('a writer may cancel an upload in progress but not delete a finished one; others get 404', async () => {
    const photo = pngBytes(100_000, 13);
    const created = await request(`${harness.url}/attachments`, 'POST', 'alice', {
      'Upload-Length': String(photo.length),
      'Upload-Metadata': uploadMetadataHeader(metadataFor(photo, { recordId: 'rec-restart' })),
    });
    assert.equal(created.status, 201, created.text);
    const url = new URL(created.headers.get('location') ?? '', harness.url).toString();
    assert.equal((await request(url, 'DELETE', 'bob')).status, 404);
    assert.equal((await request(url, 'DELETE', 'alice')).status, 204);
    assert.equal((await request(url, 'HEAD', 'alice')).status, 404);
    const finished = await tusUpload(harness, 'alice', photo, { recordId: 'rec-restart' });
    assert.equal((await request(finished, 'DELETE', 'alice')).status, 400);
    assert.equal((await request(finished, 'GET', 'alice')).status, 200);
  });

  test('size limits answer 413 naming the limit, per file and per user', async () => {
    const tooBig = await request(`${harness.url}/attachments`, 'POST', 'alice', {
      'Upload-Length': String(9 * MB),
      'Upload-Metadata': uploadMetadataHeader(metadataFor(Buffer.alloc(1), { recordId: 'rec-a' })),
    });
    assert.equal(tooBig.status, 413);
    assert.equal(tooBig.text, 'file is 9000000 bytes (9.0 MB); the limit per file is 8000000 bytes (8.0 MB)\n');
    await tusUpload(harness, 'dave', pngBytes(5 * MB, 6), { recordId: 'rec-quota' });
    await tusUpload(harness, 'dave', pngBytes(5 * MB, 7), { recordId: 'rec-quota' });
    const third = tusUpload(harness, 'dave', pngBytes(3 * MB, 8), { recordId: 'rec-quota' });
    await assert.rejects(
      third,
      /response code: 413, response text: file is 3000000 bytes \(3\.0 MB\), but only 2000000 bytes \(2\.0 MB\) of your 12000000 bytes \(12\.0 MB\) limit per user is left/,
    );
  });

  test('bytes that do not hash to the declared sha-256 are refused and removed', async () => {
    const photo = pngBytes(700_000, 9);
    const declared = { recordId: 'rec-bad', sha256: sha256(pngBytes(700_000, 10)) };
    await assert.rejects(
      tusUpload(harness, 'alice', photo, declared),
      /response code: 422, response text: Upload refused: the bytes received have sha-256 [0-9a-f]{64}, not the declared/,
    );
    const head = await request(`${harness.url}/attachments/Observation/rec-bad/${declared.sha256}`, 'HEAD', 'alice');
    assert.equal(head.status, 404);
    assert.equal(await store.info(`Observation/rec-bad/${declared.sha256}`), null);
  });

  test('an image type the bytes do not match is refused; a non-image type is taken as declared and served as a download', async () => {
    const photo = pngBytes(40_000, 11);
    await assert.rejects(
      tusUpload(harness, 'alice', photo, { recordId: 'rec-bad', contentType: 'image/jpeg' }),
      /response code: 422, response text: Upload refused: declared content type image\/jpeg, but the bytes are image\/png/,
    );
    assert.equal(await store.info(`Observation/rec-bad/${sha256(photo)}`), null);
    const text = Buffer.from('<html><script>alert(1)</script></html>');
    const url = await tusUpload(harness, 'alice', text, { recordId: 'rec-pdf', contentType: 'text/html', filename: 'notes é.html' });
    const response = await fetch(url, { headers: { Authorization: 'Bearer alice' } });
    assert.equal(response.headers.get('content-disposition'), "attachment; filename*=UTF-8''notes%20%C3%A9.html");
    assert.match(response.headers.get('content-security-policy') ?? '', /sandbox/);
    assert.equal(await response.text(), text.toString());
  });

  test('malformed creations are refused with the reason', async () => {
    const post = (metadata: string, length = '10'): ReturnType<typeof request> =>
      request(`${harness.url}/attachments`, 'POST', 'alice', { 'Upload-Length': length, 'Upload-Metadata': metadata });
    const fields = metadataFor(Buffer.alloc(10), { recordId: 'rec-a' });
    assert.deepEqual(await post(uploadMetadataHeader({ ...fields, sha256: 'xyz' })).then((r) => [r.status, r.text]), [
      400,
      'sha256 must be 64 lower-case hex digits\n',
    ]);
    assert.deepEqual(await post(uploadMetadataHeader({ model: 'Observation' })).then((r) => [r.status, r.text]), [
      400,
      'Upload-Metadata lacks recordId, field, sha256, contentType, filename\n',
    ]);
    assert.equal((await post(uploadMetadataHeader(fields), '-1')).status, 400);
    assert.deepEqual(await post(uploadMetadataHeader({ ...fields, field: 'notes' })).then((r) => [r.status, r.text]), [
      400,
      'Observation.notes is not an attachment field\n',
    ]);
  });
});

const database = await createTestDatabase();
describe('attachment routes over the PostgreSQL blob store', { skip: 'skip' in database ? database.skip : false }, () => {
  test('upload in chunks, download, and 404 for another user', async () => {
    if ('skip' in database) return;
    const store = await openPostgresBlobStore(database.url);
    const harness = await startHarness(store, rights, limits);
    try {
      const photo = pngBytes(2_500_000, 12);
      const url = await tusUpload(harness, 'alice', photo, { recordId: 'rec-pg' }, { chunkSize: 600_000 });
      const response = await fetch(url, { headers: { Authorization: 'Bearer carol' } });
      assert.deepEqual(Buffer.from(await response.arrayBuffer()), photo);
      assert.equal((await request(url, 'HEAD', 'bob')).status, 404);
    } finally {
      await harness.close();
      await store.close();
      await database.drop();
    }
  });
});
