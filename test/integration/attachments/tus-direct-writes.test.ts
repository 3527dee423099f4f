// tus 1.0 writes as the attachment routes answer them on Node streams (tus-direct-writes.ts), over
// raw HTTP on 127.0.0.1, against both blob stores: creation with and without its first bytes,
// PATCH answers for every header problem (412, 415, 400, 409, 413) with nothing written, the
// offset and Location headers tus-js-client reads, a 0-byte file, and the per-upload lock shared
// with @tus/server's HEAD: a HEAD asked while a PATCH still streams waits for it, the PATCH is cut
// after the drain delay, and the HEAD reports every byte it brought (flushed before the lock is given up).
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { BlobStore } from '../../../server/attachments/blob-store.js';
import { openDiskBlobStore } from '../../../server/attachments/disk-blob-store.js';
import { openPostgresBlobStore } from '../../../server/attachments/postgres-blob-store.js';
import { LOCK_DRAIN_MS } from '../../../server/attachments/tus-direct-writes.js';
import { createTestDatabase } from '../realtime/test-database.js';
import { metadataFor, pngBytes, request, sha256, startHarness, uploadMetadataHeader, type Harness, type Rights } from './attachment-harness.js';

const MB = 1_000_000;
const limits = { maxFileBytes: 8 * MB, maxUserBytes: 64 * MB };
const rights: Rights = { 'rec-1': { alice: 'write', carol: 'read' } };
const BYTES = { 'Content-Type': 'application/offset+octet-stream' };

const database = await createTestDatabase();
const stores: Array<{ readonly kind: string; readonly skip: string | false; open(): Promise<{ store: BlobStore; cleanUp(): Promise<void> }> }> = [
  {
    kind: 'disk',
    skip: false,
    async open() {
      const directory = await mkdtemp(join(tmpdir(), 'outpost-tus-direct-'));
      const store = await openDiskBlobStore(directory);
      return { store, cleanUp: () => rm(directory, { recursive: true, force: true }) };
    },
  },
  {
    kind: 'postgres',
    skip: 'skip' in database ? database.skip : false,
    async open() {
      if ('skip' in database) throw new Error(database.skip);
      return { store: await openPostgresBlobStore(database.url), cleanUp: () => database.drop() };
    },
  },
];

for (const subject of stores) {
  describe(`tus writes on Node streams over the ${subject.kind} blob store`, { skip: subject.skip }, () => {
    let store: BlobStore;
    let cleanUp: () => Promise<void>;
    let harness: Harness;
    let seed = 100;
    before(async () => {
      ({ store, cleanUp } = await subject.open());
      harness = await startHarness(store, rights, limits);
    });
    after(async () => {
      await harness?.close();
      await store?.close();
      await cleanUp?.();
    });

    /** POSTs a creation of `file` for rec-1, with `body` as its first bytes when given. */
    const create = (file: Buffer, body?: Buffer, headers: Record<string, string> = {}): ReturnType<typeof request> =>
      request(
        `${harness.url}/attachments`,
        'POST',
        'alice',
        {
          'Upload-Length': String(file.length),
          'Upload-Metadata': uploadMetadataHeader(metadataFor(file, { recordId: 'rec-1' })),
          ...(body ? BYTES : {}),
          ...headers,
        },
        body,
      );
    const urlOf = (file: Buffer): string => `${harness.url}/attachments/Observation/rec-1/${sha256(file)}`;

    test('a creation carrying the whole file answers 201 with Location and Upload-Offset, and the blob is complete', async () => {
      const file = pngBytes(300_000, seed++);
      const created = await create(file, file);
      assert.equal(created.status, 201, created.text);
      assert.equal(created.headers.get('location'), `/attachments/Observation/rec-1/${sha256(file)}`);
      assert.equal(created.headers.get('upload-offset'), String(file.length));
      assert.equal(created.headers.get('tus-resumable'), '1.0.0');
      const download = await fetch(urlOf(file), { headers: { Authorization: 'Bearer carol' } });
      assert.deepEqual(Buffer.from(await download.arrayBuffer()), file);
    });

    test('a creation without bytes has no Upload-Offset; PATCHes continue it and every refusal writes nothing', async () => {
      const file = pngBytes(200_000, seed++);
      const created = await create(file);
      assert.equal(created.status, 201, created.text);
      assert.equal(created.headers.get('upload-offset'), null);
      const url = urlOf(file);
      const first = await request(url, 'PATCH', 'alice', { ...BYTES, 'Upload-Offset': '0' }, file.subarray(0, 50_000));
      assert.deepEqual([first.status, first.headers.get('upload-offset')], [204, '50000']);
      const refusals: Array<[Record<string, string>, Buffer, number, RegExp]> = [
        [{ ...BYTES, 'Upload-Offset': '0' }, file.subarray(0, 10), 409, /the upload is at byte 50000, not 0/],
        [{ 'Content-Type': 'application/octet-stream', 'Upload-Offset': '50000' }, file.subarray(50_000, 50_010), 415, /application\/offset\+octet-stream/],
        [{ ...BYTES }, file.subarray(50_000, 50_010), 400, /Upload-Offset is required/],
        [{ ...BYTES, 'Upload-Offset': '5e4' }, file.subarray(50_000, 50_010), 400, /whole number/],
        [{ ...BYTES, 'Upload-Offset': '50000', 'Upload-Length': String(file.length) }, file.subarray(50_000, 50_010), 400, /declared at creation/],
        [{ ...BYTES, 'Upload-Offset': '50000' }, Buffer.alloc(file.length), 413, /run past the upload's declared length/],
      ];
      for (const [headers, body, status, message] of refusals) {
        const refused = await request(url, 'PATCH', 'alice', headers, body);
        assert.equal(refused.status, status, `${JSON.stringify(headers)}: ${refused.text}`);
        assert.match(refused.text, message);
        assert.equal(refused.headers.get('tus-resumable'), '1.0.0');
        assert.equal((await store.info(`Observation/rec-1/${sha256(file)}`))?.offset, 50_000, 'nothing was written');
      }
      const noVersion = await fetch(url, {
        method: 'PATCH',
        headers: { Authorization: 'Bearer alice', ...BYTES, 'Upload-Offset': '50000' },
        body: new Uint8Array(10),
      });
      assert.equal(noVersion.status, 412);
      assert.equal(noVersion.headers.get('tus-version'), '1.0.0');
      const rest = await request(url, 'PATCH', 'alice', { ...BYTES, 'Upload-Offset': '50000' }, file.subarray(50_000));
      assert.deepEqual([rest.status, rest.headers.get('upload-offset')], [204, String(file.length)]);
      const head = await request(url, 'HEAD', 'alice');
      assert.deepEqual([head.headers.get('upload-offset'), head.headers.get('upload-length')], [String(file.length), String(file.length)]);
      const again = await request(url, 'PATCH', 'alice', { ...BYTES, 'Upload-Offset': String(file.length) }, Buffer.alloc(0));
      assert.equal(again.status, 409, again.text);
      assert.match(again.text, /complete/);
    });

    test('a creation whose bytes run past its length is refused before anything is created; a second creation is 409', async () => {
      const file = pngBytes(1000, seed++);
      const tooLong = await create(file, Buffer.concat([file, Buffer.alloc(1)]));
      assert.equal(tooLong.status, 413, tooLong.text);
      assert.equal(await store.info(`Observation/rec-1/${sha256(file)}`), null);
      assert.equal((await create(file, file)).status, 201);
      const twice = await create(file, file);
      assert.equal(twice.status, 409, twice.text);
      assert.match(twice.text, /already exists; resume it with HEAD and PATCH/);
    });

    test('a 0-byte file is complete at its creation', async () => {
      const empty = Buffer.alloc(0);
      const created = await request(`${harness.url}/attachments`, 'POST', 'alice', {
        'Upload-Length': '0',
        'Upload-Metadata': uploadMetadataHeader(metadataFor(empty, { recordId: 'rec-1', contentType: 'text/plain', filename: 'empty.txt' })),
      });
      assert.equal(created.status, 201, created.text);
      assert.equal((await store.info(`Observation/rec-1/${sha256(empty)}`))?.complete, true);
    });

    test(
      'a HEAD while a PATCH streams waits for it; the PATCH is cut after the drain delay and HEAD reports every byte the PATCH brought',
      { timeout: 30_000 },
      async () => {
        const file = pngBytes(400_000, seed++);
        assert.equal((await create(file)).status, 201);
        const url = new URL(urlOf(file));
        // A PATCH announcing the rest of the file that sends 100 kB and then stalls, as a dead client's would.
        const patch = httpRequest({
          host: url.hostname,
          port: url.port,
          path: url.pathname,
          method: 'PATCH',
          headers: { Authorization: 'Bearer alice', 'Tus-Resumable': '1.0.0', ...BYTES, 'Upload-Offset': '0', 'Content-Length': String(file.length) },
        });
        const patchEnded = new Promise<string>((resolve) => {
          patch.on('response', (response) => resolve(`answered ${response.statusCode}`));
          patch.on('error', (error) => resolve(`cut: ${error.message}`));
        });
        const storedBefore = harness.storedBytes();
        patch.write(file.subarray(0, 100_000));
        // Handed to the store's append, which holds them in its write batch until the stream ends.
        while (harness.storedBytes() - storedBefore < 100_000) await new Promise((resolve) => setTimeout(resolve, 20));
        const head = await request(url.toString(), 'HEAD', 'alice');
        assert.equal(head.status, 200);
        assert.equal(head.headers.get('upload-offset'), '100000');
        // Had HEAD not waited for the lock, nothing would have asked the PATCH to give it up: it would still be open.
        const patchState = await Promise.race([patchEnded, new Promise<string>((resolve) => setTimeout(() => resolve('still open'), LOCK_DRAIN_MS))]);
        assert.match(patchState, /^cut: /, 'the PATCH was cut before HEAD answered');
        const rest = await request(url.toString(), 'PATCH', 'alice', { ...BYTES, 'Upload-Offset': '100000' }, file.subarray(100_000));
        assert.equal(rest.status, 204, rest.text);
        const download = await fetch(url, { headers: { Authorization: 'Bearer alice' } });
        assert.deepEqual(Buffer.from(await download.arrayBuffer()), file);
      },
    );
  });
}
