// One suite, two BlobStores: the directory store and the PostgreSQL store must behave alike
// (resume at an offset, refuse a stale offset, ranges, completion check, retention listing) and
// stream a 20 MB blob in and out without holding it in memory.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { BlobNotFound, LengthExceeded, OffsetMismatch, UploadExists, type BlobStore } from '../../../server/attachments/blob-store.js';
import { openDiskBlobStore } from '../../../server/attachments/disk-blob-store.js';
import { openPostgresBlobStore } from '../../../server/attachments/postgres-blob-store.js';
import { createTestDatabase, type TestDatabase } from '../realtime/test-database.js';

interface StoreFactory {
  open(): Promise<BlobStore>;
  cleanUp(): Promise<void>;
}

const database = await createTestDatabase();
const pgSkip = 'skip' in database ? database.skip : false;

function diskFactory(): StoreFactory {
  let directory = '';
  return {
    async open() {
      directory ||= await mkdtemp(join(tmpdir(), 'outpost-blobs-'));
      return openDiskBlobStore(directory);
    },
    cleanUp: () => rm(directory, { recursive: true, force: true }),
  };
}

function postgresFactory(): StoreFactory {
  return {
    open: () => openPostgresBlobStore((database as TestDatabase).url),
    cleanUp: async () => {
      if (!('skip' in database)) await database.drop();
    },
  };
}

async function* chunksOf(...parts: Uint8Array[]): AsyncGenerator<Uint8Array> {
  for (const part of parts) yield part;
}

async function readAll(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(part as Buffer);
  return Buffer.concat(parts);
}

/** `total` deterministic bytes in 64 KiB pieces, hashed as they go (nothing kept). */
async function* generated(total: number, hash: ReturnType<typeof createHash>): AsyncGenerator<Uint8Array> {
  const piece = Buffer.alloc(64 * 1024);
  for (let sent = 0; sent < total; sent += piece.length) {
    for (let i = 0; i < piece.length; i += 4) piece.writeUInt32LE(((sent + i) * 2654435761) >>> 0, i);
    const out = Buffer.from(piece.subarray(0, Math.min(piece.length, total - sent)));
    hash.update(out);
    yield out;
  }
}

const bytes = (text: string): Buffer => Buffer.from(text, 'utf8');
const meta = { contentType: 'text/plain' };

for (const [kind, factory, skip] of [
  ['disk', diskFactory(), false],
  ['postgres', postgresFactory(), pgSkip],
] as const) {
  describe(`BlobStore conformance: ${kind}`, { skip }, () => {
    let store: BlobStore;
    let n = 0;
    const nextId = (): string => `Observation/rec-${++n}/${'ab'.repeat(32)}`;
    before(async () => {
      store = await factory.open();
    });
    after(async () => {
      await store?.close();
      await factory.cleanUp();
    });

    test('create, then info reports offset 0, incomplete, with owner and metadata', async () => {
      const id = nextId();
      await store.create({ id, length: 10, owner: 'alice', metadata: meta });
      const info = await store.info(id);
      assert.deepEqual({ ...info, createdAt: undefined }, { id, length: 10, offset: 0, owner: 'alice', metadata: meta, complete: false, createdAt: undefined });
      await assert.rejects(store.create({ id, length: 10, owner: 'alice', metadata: meta }), UploadExists);
      assert.equal(await store.info('missing/x/y'), null);
    });

    test('append resumes at the offset reached and completes with the last byte', async () => {
      const id = nextId();
      await store.create({ id, length: 11, owner: 'alice', metadata: meta });
      assert.equal(await store.append(id, 0, chunksOf(bytes('hello'))), 5);
      assert.equal((await store.info(id))?.offset, 5);
      await assert.rejects(store.read(id), BlobNotFound, 'an incomplete upload is not readable');
      assert.equal(await store.append(id, 5, chunksOf(bytes(' wo'), bytes('rld'))), 11);
      assert.equal((await store.info(id))?.complete, true);
      assert.equal((await readAll(await store.read(id))).toString(), 'hello world');
    });

    test('an append at the wrong offset is refused and writes nothing; so is one past the length', async () => {
      const id = nextId();
      await store.create({ id, length: 6, owner: 'alice', metadata: meta });
      await store.append(id, 0, chunksOf(bytes('abc')));
      await assert.rejects(store.append(id, 0, chunksOf(bytes('abc'))), OffsetMismatch);
      await assert.rejects(store.append(id, 4, chunksOf(bytes('d'))), OffsetMismatch);
      assert.equal((await store.info(id))?.offset, 3);
      await assert.rejects(store.append(id, 3, chunksOf(bytes('defg'))), LengthExceeded);
      assert.equal((await store.info(id))?.offset, 3);
    });

    test('bytes that arrived before the stream failed are kept, so the client resumes after them', async () => {
      const id = nextId();
      await store.create({ id, length: 8, owner: 'alice', metadata: meta });
      async function* cut(): AsyncGenerator<Uint8Array> {
        yield bytes('abcd');
        throw new Error('connection cut');
      }
      await assert.rejects(store.append(id, 0, cut()), /connection cut/);
      assert.equal((await store.info(id))?.offset, 4);
      assert.equal(await store.append(id, 4, chunksOf(bytes('efgh'))), 8);
      assert.equal((await readAll(await store.read(id))).toString(), 'abcdefgh');
    });

    test('range reads return the inclusive byte range, across chunk boundaries', async () => {
      const id = nextId();
      const total = 2.5 * 1024 * 1024;
      const whole = Buffer.alloc(total);
      for (let i = 0; i < total; i++) whole[i] = (i * 7) & 0xff;
      await store.create({ id, length: total, owner: 'alice', metadata: meta });
      await store.append(id, 0, chunksOf(whole.subarray(0, 1_500_000), whole.subarray(1_500_000)));
      for (const [start, end] of [
        [0, 0],
        [10, 20],
        [1024 * 1024 - 5, 1024 * 1024 + 5],
        [total - 3, total - 1],
        [0, total - 1],
      ]) {
        assert.deepEqual(await readAll(await store.read(id, { start, end })), whole.subarray(start, end + 1), `${start}-${end}`);
      }
      await assert.rejects(store.read(id, { start: 5, end: total }), RangeError);
    });

    test('a completion check sees every byte; when it throws the upload is removed', async () => {
      const accepted = nextId();
      await store.create({ id: accepted, length: 3, owner: 'alice', metadata: meta });
      let seen = '';
      await store.append(accepted, 0, chunksOf(bytes('ok!')), async (stream) => {
        seen = (await readAll(stream)).toString();
      });
      assert.equal(seen, 'ok!');
      const refused = nextId();
      await store.create({ id: refused, length: 3, owner: 'alice', metadata: meta });
      await assert.rejects(
        store.append(refused, 0, chunksOf(bytes('bad')), () => Promise.reject(new Error('sha-256 mismatch'))),
        /sha-256 mismatch/,
      );
      assert.equal(await store.info(refused), null);
    });

    test('a 0-byte upload completes on its first (empty) append', async () => {
      const id = nextId();
      await store.create({ id, length: 0, owner: 'alice', metadata: meta });
      assert.equal(await store.append(id, 0, chunksOf()), 0);
      assert.equal((await readAll(await store.read(id))).length, 0);
    });

    test('two appenders at the same offset: one wins, the other gets OffsetMismatch', async () => {
      const id = nextId();
      const size = 3 * 1024 * 1024;
      await store.create({ id, length: size * 2, owner: 'alice', metadata: meta });
      const second = kind === 'postgres' ? await factory.open() : store; // another "process" on the same database
      const results = await Promise.allSettled([store.append(id, 0, chunksOf(Buffer.alloc(size, 1))), second.append(id, 0, chunksOf(Buffer.alloc(size, 2)))]);
      if (second !== store) await second.close();
      assert.deepEqual(results.map((r) => r.status).sort(), ['fulfilled', 'rejected']);
      const rejected = results.find((r) => r.status === 'rejected');
      assert.ok(rejected?.reason instanceof OffsetMismatch, String(rejected?.reason));
      assert.equal((await store.info(id))?.offset, size);
    });

    test('20 MB streams in and out with RSS growing by less than 64 MB', async () => {
      const id = nextId();
      const total = 20 * 1024 * 1024;
      global.gc?.();
      const baseline = process.memoryUsage().rss;
      let peak = baseline;
      const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
      try {
        await store.create({ id, length: total, owner: 'bob', metadata: meta });
        const sent = createHash('sha256');
        assert.equal(await store.append(id, 0, generated(total, sent)), total);
        const received = createHash('sha256');
        let length = 0;
        for await (const part of await store.read(id)) {
          received.update(part as Buffer);
          length += (part as Buffer).length;
        }
        assert.equal(length, total);
        assert.equal(received.digest('hex'), sent.digest('hex'));
      } finally {
        clearInterval(sampler);
      }
      const grown = (peak - baseline) / 1024 / 1024;
      assert.ok(grown < 64, `RSS grew by ${grown.toFixed(1)} MB`);
    });

    test('delete removes complete and incomplete uploads; deleting a missing one is a no-op', async () => {
      const complete = nextId();
      const partial = nextId();
      await store.create({ id: complete, length: 1, owner: 'carol', metadata: meta });
      await store.append(complete, 0, chunksOf(bytes('x')));
      await store.create({ id: partial, length: 2, owner: 'carol', metadata: meta });
      await store.append(partial, 0, chunksOf(bytes('x')));
      await store.delete(complete);
      await store.delete(partial);
      await store.delete('never/was/there');
      assert.equal(await store.info(complete), null);
      assert.equal(await store.info(partial), null);
      await assert.rejects(store.read(complete), BlobNotFound);
    });

    test('listOlderThan lists uploads created before the time; bytesOwnedBy sums declared lengths', async () => {
      const before = nextId();
      await store.create({ id: before, length: 4, owner: 'dave', metadata: meta });
      await new Promise((resolve) => setTimeout(resolve, 20));
      const cutOff = new Date();
      await new Promise((resolve) => setTimeout(resolve, 20));
      const laterId = nextId();
      await store.create({ id: laterId, length: 6, owner: 'dave', metadata: meta });
      const old = (await store.listOlderThan(cutOff)).map((info) => info.id);
      assert.ok(old.includes(before));
      assert.ok(!old.includes(laterId));
      assert.equal(await store.bytesOwnedBy('dave'), 10);
      assert.equal(await store.bytesOwnedBy('nobody'), 0);
    });

    test('a reopened store sees the uploads and offsets of the previous one', async () => {
      const id = nextId();
      await store.create({ id, length: 4, owner: 'erin', metadata: meta });
      await store.append(id, 0, chunksOf(bytes('ab')));
      const reopened = await factory.open();
      try {
        assert.equal((await reopened.info(id))?.offset, 2);
        assert.equal(await reopened.append(id, 2, chunksOf(bytes('cd'))), 4);
        assert.equal((await readAll(await reopened.read(id))).toString(), 'abcd');
      } finally {
        await reopened.close();
      }
    });
  });
}
