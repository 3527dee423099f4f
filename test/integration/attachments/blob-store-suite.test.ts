// One suite, two BlobStores (as Kysely runs one suite over every dialect): the directory store and
// the PostgreSQL store must behave alike — write in pieces and read back (whole and in ranges),
// resume at an offset and refuse a stale one, keep what arrived before a cut, the completion check,
// delete, retention listing, concurrent writers, a 64 MiB blob streamed in and out piece by piece,
// bad ids and lengths refused with a clear error. PostgreSQL runs in a database the suite creates
// and drops; two stores over it stand for two server processes and see each other's blobs.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { DIGEST_HEAD_BYTES, type BlobDigest } from '../../../server/attachments/blob-digest.js';
import {
  BlobNotFound,
  InvalidBlobId,
  LengthExceeded,
  MAX_BLOB_ID_LENGTH,
  OffsetMismatch,
  UploadExists,
  type BlobStore,
} from '../../../server/attachments/blob-store.js';
import { openDiskBlobStore } from '../../../server/attachments/disk-blob-store.js';
import { CHUNK_BYTES, openPostgresBlobStore } from '../../../server/attachments/postgres-blob-store.js';
import { createTestDatabase, type TestDatabase } from '../realtime/test-database.js';

const KiB = 1024;
const MiB = 1024 * KiB;

interface StoreUnderTest {
  readonly kind: 'disk' | 'postgres';
  /** Opens a store over the same place (directory or database) each time. */
  open(): Promise<BlobStore>;
  /** Whether two live stores over one place are supported (several server processes). */
  readonly sharedByProcesses: boolean;
  /** Where the directory store keeps its files (null for PostgreSQL). */
  directory(): string | null;
  cleanUp(): Promise<void>;
}

const database = await createTestDatabase();
const pgSkip = 'skip' in database ? database.skip : false;

function diskStore(): StoreUnderTest {
  let directory = '';
  return {
    kind: 'disk',
    sharedByProcesses: false,
    async open() {
      // A folder inside a folder of its own: the bad-id case checks nothing lands beside it.
      directory ||= join(await mkdtemp(join(tmpdir(), 'outpost-blob-suite-')), 'blobs');
      return openDiskBlobStore(directory);
    },
    directory: () => directory,
    cleanUp: () => rm(dirname(directory), { recursive: true, force: true }),
  };
}

function postgresStore(): StoreUnderTest {
  return {
    kind: 'postgres',
    sharedByProcesses: true,
    open: () => openPostgresBlobStore((database as TestDatabase).url),
    directory: () => null,
    cleanUp: async () => {
      if (!('skip' in database)) await database.drop();
    },
  };
}

async function* piecesOf(...parts: Uint8Array[]): AsyncGenerator<Uint8Array> {
  for (const part of parts) yield part;
}

async function readAll(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(part as Buffer);
  return Buffer.concat(parts);
}

/** Deterministic bytes of `seed` at absolute position `at` (so any piece can be made again). */
function patternAt(seed: number, at: number, length: number): Buffer {
  const out = Buffer.alloc(length);
  for (let i = 0; i < length; i++) out[i] = (Math.imul(at + i, 2654435761) >>> 24) ^ seed;
  return out;
}

const sha = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');
const bytes = (text: string): Buffer => Buffer.from(text, 'utf8');
const meta = { contentType: 'text/plain' };

for (const subject of [diskStore(), postgresStore()]) {
  const skip = subject.kind === 'postgres' ? pgSkip : false;
  describe(`BlobStore suite: ${subject.kind}`, { skip }, () => {
    let store: BlobStore;
    let n = 0;
    const nextId = (): string => `Observation/rec-${++n}/${'ab'.repeat(32)}`;
    before(async () => {
      store = await subject.open();
    });
    after(async () => {
      await store?.close();
      await subject.cleanUp();
    });

    test('create, then info reports offset 0, incomplete, with owner and metadata; a taken id is refused', async () => {
      const id = nextId();
      await store.create({ id, length: 10, owner: 'alice', metadata: meta });
      const info = await store.info(id);
      assert.deepEqual({ ...info, createdAt: undefined }, { id, length: 10, offset: 0, owner: 'alice', metadata: meta, complete: false, createdAt: undefined });
      await assert.rejects(store.create({ id, length: 10, owner: 'alice', metadata: meta }), UploadExists);
      assert.equal(await store.info('missing/x/y'), null);
    });

    test('written in pieces over several appends, read back whole; size and completeness as it grows', async () => {
      const id = nextId();
      const whole = patternAt(1, 0, 3 * MiB + 123);
      await store.create({ id, length: whole.length, owner: 'alice', metadata: meta });
      // Pieces of uneven sizes, some crossing PostgreSQL's 1 MiB rows, over three appends.
      const cuts = [0, 1, 4096, MiB - 1, MiB + 10, 2 * MiB + 5, whole.length];
      const appends = [
        [0, 3],
        [3, 5],
        [5, 6],
      ];
      for (const [from, to] of appends) {
        const pieces = cuts.slice(from, to + 1).flatMap((start, i, all) => (i + 1 < all.length ? [whole.subarray(start, all[i + 1])] : []));
        const reached = await store.append(id, cuts[from], piecesOf(...pieces));
        assert.equal(reached, cuts[to]);
        const info = await store.info(id);
        assert.equal(info?.offset, cuts[to]);
        assert.equal(info?.length, whole.length);
        assert.equal(info?.complete, cuts[to] === whole.length);
        if (cuts[to] < whole.length) await assert.rejects(store.read(id), BlobNotFound, 'an incomplete upload is not readable');
      }
      assert.equal(sha(await readAll(await store.read(id))), sha(whole));
    });

    test('an append at the wrong offset is refused and writes nothing; so is one past the length', async () => {
      const id = nextId();
      await store.create({ id, length: 6, owner: 'alice', metadata: meta });
      await store.append(id, 0, piecesOf(bytes('abc')));
      await assert.rejects(store.append(id, 0, piecesOf(bytes('abc'))), OffsetMismatch);
      await assert.rejects(store.append(id, 4, piecesOf(bytes('d'))), OffsetMismatch);
      await assert.rejects(store.append(id, -1, piecesOf(bytes('d'))), OffsetMismatch);
      assert.equal((await store.info(id))?.offset, 3);
      await assert.rejects(store.append(id, 3, piecesOf(bytes('defg'))), LengthExceeded);
      assert.equal((await store.info(id))?.offset, 3);
      await store.append(id, 3, piecesOf(bytes('def')));
      await assert.rejects(store.append(id, 6, piecesOf(bytes('g'))), OffsetMismatch, 'a complete blob takes no more bytes');
      assert.equal((await readAll(await store.read(id))).toString(), 'abcdef');
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
      assert.equal(await store.append(id, 4, piecesOf(bytes('efgh'))), 8);
      assert.equal((await readAll(await store.read(id))).toString(), 'abcdefgh');
    });

    test('range reads return the inclusive byte range, across chunk boundaries; a range outside is a RangeError', async () => {
      const id = nextId();
      const total = 2.5 * MiB;
      const whole = patternAt(2, 0, total);
      await store.create({ id, length: total, owner: 'alice', metadata: meta });
      await store.append(id, 0, piecesOf(whole.subarray(0, 1_500_000), whole.subarray(1_500_000)));
      for (const [start, end] of [
        [0, 0],
        [10, 20],
        [MiB - 5, MiB + 5],
        [MiB, 2 * MiB - 1],
        [total - 3, total - 1],
        [0, total - 1],
      ]) {
        assert.deepEqual(await readAll(await store.read(id, { start, end })), whole.subarray(start, end + 1), `${start}-${end}`);
      }
      for (const range of [
        { start: 5, end: total },
        { start: 10, end: 9 },
        { start: -1, end: 3 },
        { start: 0.5, end: 3 },
      ]) {
        await assert.rejects(store.read(id, range), RangeError, `${range.start}-${range.end}`);
      }
    });

    test('a completion check sees the digest of every byte; when it throws the upload is removed', async () => {
      const accepted = nextId();
      await store.create({ id: accepted, length: 3, owner: 'alice', metadata: meta });
      let seen: BlobDigest | null = null;
      await store.append(accepted, 0, piecesOf(bytes('ok!')), (digest) => {
        seen = digest;
      });
      assert.deepEqual(seen, { sha256: sha(bytes('ok!')), head: bytes('ok!') });
      const refused = nextId();
      await store.create({ id: refused, length: 3, owner: 'alice', metadata: meta });
      await assert.rejects(
        store.append(refused, 0, piecesOf(bytes('bad')), () => Promise.reject(new Error('sha-256 mismatch'))),
        /sha-256 mismatch/,
      );
      assert.equal(await store.info(refused), null);
    });

    test('the digest covers every byte however the upload arrived: in pieces, cut and resumed, after a restart, deleted and created again', async () => {
      const whole = patternAt(5, 0, 3 * MiB + 7);
      const cutAt = [MiB + 1, 2 * MiB + 3];
      const digests: BlobDigest[] = [];
      const check = (digest: BlobDigest): void => void digests.push(digest);
      const expected = { sha256: sha(whole), head: whole.subarray(0, DIGEST_HEAD_BYTES) };
      // In three appends to one store.
      const pieces = nextId();
      await store.create({ id: pieces, length: whole.length, owner: 'hana', metadata: meta });
      for (const [from, to] of [
        [0, cutAt[0]],
        [cutAt[0], cutAt[1]],
        [cutAt[1], whole.length],
      ]) {
        await store.append(pieces, from, piecesOf(whole.subarray(from, to)), check);
      }
      // Cut mid-request, then resumed at the kept offset.
      const cut = nextId();
      await store.create({ id: cut, length: whole.length, owner: 'hana', metadata: meta });
      async function* cutOff(): AsyncGenerator<Uint8Array> {
        yield whole.subarray(0, cutAt[0]);
        throw new Error('connection cut');
      }
      await assert.rejects(store.append(cut, 0, cutOff(), check), /connection cut/);
      const offset = (await store.info(cut))?.offset ?? 0;
      await store.append(cut, offset, piecesOf(whole.subarray(offset)), check);
      // Resumed by a store opened afresh (a server restart): it has no running digest and reads the bytes back.
      const restarted = nextId();
      await store.create({ id: restarted, length: whole.length, owner: 'hana', metadata: meta });
      await store.append(restarted, 0, piecesOf(whole.subarray(0, cutAt[1])), check);
      const reopened = await subject.open();
      try {
        await reopened.append(restarted, cutAt[1], piecesOf(whole.subarray(cutAt[1])), check);
      } finally {
        await reopened.close();
      }
      assert.equal(digests.length, 3);
      for (const digest of digests) assert.deepEqual(digest, expected);
      // Deleted halfway and created again with other bytes: nothing of the first upload's digest survives.
      const again = nextId();
      await store.create({ id: again, length: 8, owner: 'hana', metadata: meta });
      await store.append(again, 0, piecesOf(bytes('abcd')), check);
      await store.delete(again);
      await store.create({ id: again, length: 8, owner: 'hana', metadata: meta });
      await store.append(again, 0, piecesOf(bytes('wxyz')), check);
      await store.append(again, 4, piecesOf(bytes('efgh')), check);
      assert.deepEqual(digests.at(-1), { sha256: sha(bytes('wxyzefgh')), head: bytes('wxyzefgh') });
    });

    test(
      'a digest kept by one process is not used after another process appended or created the upload again',
      { skip: subject.sharedByProcesses ? false : 'a directory store belongs to one server process' },
      async () => {
        const other = await subject.open();
        try {
          const digests: BlobDigest[] = [];
          const check = (digest: BlobDigest): void => void digests.push(digest);
          const id = nextId();
          await store.create({ id, length: 9, owner: 'ivan', metadata: meta });
          await store.append(id, 0, piecesOf(bytes('abc')), check);
          await other.append(id, 3, piecesOf(bytes('def')), check);
          await store.append(id, 6, piecesOf(bytes('ghi')), check);
          assert.deepEqual(digests, [{ sha256: sha(bytes('abcdefghi')), head: bytes('abcdefghi') }]);
          const recreated = nextId();
          await store.create({ id: recreated, length: 6, owner: 'ivan', metadata: meta });
          await store.append(recreated, 0, piecesOf(bytes('abc')), check);
          await other.delete(recreated);
          await other.create({ id: recreated, length: 6, owner: 'ivan', metadata: meta });
          await other.append(recreated, 0, piecesOf(bytes('xyz')), check);
          await store.append(recreated, 3, piecesOf(bytes('def')), check);
          assert.deepEqual(digests.at(-1), { sha256: sha(bytes('xyzdef')), head: bytes('xyzdef') });
        } finally {
          await other.close();
        }
      },
    );

    test('a 0-byte upload completes on its first (empty) append', async () => {
      const id = nextId();
      await store.create({ id, length: 0, owner: 'alice', metadata: meta });
      assert.equal(await store.append(id, 0, piecesOf()), 0);
      assert.equal((await readAll(await store.read(id))).length, 0);
    });

    test('two appenders at the same offset: one wins, the other gets OffsetMismatch', async () => {
      const id = nextId();
      const size = 3 * MiB;
      await store.create({ id, length: size * 2, owner: 'alice', metadata: meta });
      const second = subject.sharedByProcesses ? await subject.open() : store; // another "process" on the same database
      const results = await Promise.allSettled([store.append(id, 0, piecesOf(Buffer.alloc(size, 1))), second.append(id, 0, piecesOf(Buffer.alloc(size, 2)))]);
      if (second !== store) await second.close();
      assert.deepEqual(results.map((r) => r.status).sort(), ['fulfilled', 'rejected']);
      const rejected = results.find((r) => r.status === 'rejected');
      assert.ok(rejected?.reason instanceof OffsetMismatch, String(rejected?.reason));
      assert.equal((await store.info(id))?.offset, size);
    });

    test('concurrent writers to different ids: each blob holds exactly its own bytes', async () => {
      const writers = 8;
      const size = 2 * MiB + 777;
      const piece = 300 * KiB;
      const ids = Array.from({ length: writers }, () => nextId());
      await Promise.all(ids.map((id) => store.create({ id, length: size, owner: 'frank', metadata: meta })));
      // Each writer appends its blob in many short appends; all writers at once, so their appends interleave.
      await Promise.all(
        ids.map(async (id, w) => {
          for (let at = 0; at < size; at += piece) {
            const reached = await store.append(id, at, piecesOf(patternAt(w, at, Math.min(piece, size - at))));
            assert.equal(reached, Math.min(at + piece, size));
          }
        }),
      );
      for (const [w, id] of ids.entries()) {
        const info = await store.info(id);
        assert.ok(info?.complete && info.offset === size, `${id}: ${JSON.stringify(info)}`);
        assert.equal(sha(await readAll(await store.read(id))), sha(patternAt(w, 0, size)), `${id} holds writer ${w}'s bytes`);
      }
      assert.equal(await store.bytesOwnedBy('frank'), writers * size);
    });

    test('64 MiB streams in and out piece by piece: the store writes as it is fed and reads lazily', async () => {
      const id = nextId();
      const total = 64 * MiB;
      const piece = 256 * KiB;
      // How far the store may lag behind what it was fed, or run ahead of what was read: one
      // PostgreSQL row of 1 MiB plus a piece either way; anything more is holding the blob.
      const slack = CHUNK_BYTES + piece;
      await store.create({ id, length: total, owner: 'bob', metadata: meta });
      const sent = createHash('sha256');
      let maxLag = 0;
      async function* feed(): AsyncGenerator<Uint8Array> {
        for (let at = 0; at < total; at += piece) {
          // Before handing over more, see how much the store has made durable (visible to info()).
          if (at % (4 * MiB) === 0) maxLag = Math.max(maxLag, at - ((await store.info(id))?.offset ?? 0));
          const out = patternAt(3, at, piece);
          sent.update(out);
          yield out;
        }
      }
      assert.equal(await store.append(id, 0, feed()), total);
      assert.ok(maxLag <= slack, `the store held ${maxLag} bytes it had been fed without writing them`);

      const stream = await store.read(id);
      const received = createHash('sha256');
      let length = 0;
      let largestPiece = 0;
      let maxBuffered = 0;
      for await (const part of stream) {
        const chunk = part as Buffer;
        largestPiece = Math.max(largestPiece, chunk.length);
        // What the stream read ahead of this consumer: bounded, whatever the blob's size.
        maxBuffered = Math.max(maxBuffered, stream.readableLength);
        received.update(chunk);
        length += chunk.length;
      }
      assert.equal(length, total);
      assert.equal(received.digest('hex'), sent.digest('hex'));
      assert.ok(largestPiece <= CHUNK_BYTES, `a piece of ${largestPiece} bytes came out of read()`);
      assert.ok(maxBuffered <= slack, `read() buffered ${maxBuffered} bytes ahead of its consumer`);
    });

    test('delete removes complete and incomplete uploads; deleting a missing one is a no-op', async () => {
      const complete = nextId();
      const partial = nextId();
      await store.create({ id: complete, length: 1, owner: 'carol', metadata: meta });
      await store.append(complete, 0, piecesOf(bytes('x')));
      await store.create({ id: partial, length: 2, owner: 'carol', metadata: meta });
      await store.append(partial, 0, piecesOf(bytes('x')));
      await store.delete(complete);
      await store.delete(partial);
      await store.delete('never/was/there');
      assert.equal(await store.info(complete), null);
      assert.equal(await store.info(partial), null);
      await assert.rejects(store.read(complete), BlobNotFound);
      await assert.rejects(store.append(partial, 1, piecesOf(bytes('y'))), BlobNotFound);
      assert.equal(await store.bytesOwnedBy('carol'), 0);
      // The id is free again: the same file can be uploaded anew.
      await store.create({ id: complete, length: 1, owner: 'carol', metadata: meta });
      assert.equal((await store.info(complete))?.offset, 0);
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
      await store.append(id, 0, piecesOf(bytes('ab')));
      const reopened = await subject.open();
      try {
        assert.equal((await reopened.info(id))?.offset, 2);
        assert.equal(await reopened.append(id, 2, piecesOf(bytes('cd'))), 4);
        assert.equal((await readAll(await reopened.read(id))).toString(), 'abcd');
      } finally {
        await reopened.close();
      }
    });

    test(
      'two live stores over one database (two server processes) see and continue each other’s blobs',
      { skip: subject.sharedByProcesses ? false : 'a directory store belongs to one server process' },
      async () => {
        const other = await subject.open();
        try {
          const id = nextId();
          const whole = patternAt(4, 0, 2 * MiB + 5);
          await store.create({ id, length: whole.length, owner: 'gina', metadata: meta });
          await assert.rejects(other.create({ id, length: 1, owner: 'gina', metadata: meta }), UploadExists);
          await store.append(id, 0, piecesOf(whole.subarray(0, MiB + 3)));
          assert.equal((await other.info(id))?.offset, MiB + 3, 'the other process sees the offset reached');
          // A client cut off from the first process resumes on the second.
          await other.append(id, MiB + 3, piecesOf(whole.subarray(MiB + 3)));
          assert.equal((await store.info(id))?.complete, true);
          assert.equal(sha(await readAll(await store.read(id, { start: 0, end: whole.length - 1 }))), sha(whole));
          assert.equal(await other.bytesOwnedBy('gina'), whole.length);
          assert.ok((await other.listOlderThan(new Date(Date.now() + 1000))).some((info) => info.id === id));
          await other.delete(id);
          assert.equal(await store.info(id), null, 'a delete in one process is seen by the other');
          await assert.rejects(store.read(id), BlobNotFound);
        } finally {
          await other.close();
        }
      },
    );

    test('ids that are not ids are refused with InvalidBlobId by every method; path-like ids stay inside the store', async () => {
      for (const bad of ['', 'has\u0000nul', 'line\nbreak', 'del\u007f', 'x'.repeat(MAX_BLOB_ID_LENGTH + 1)]) {
        const shown = JSON.stringify(bad.slice(0, 20));
        await assert.rejects(store.create({ id: bad, length: 1, owner: 'hal', metadata: meta }), InvalidBlobId, `create ${shown}`);
        await assert.rejects(store.append(bad, 0, piecesOf(bytes('x'))), InvalidBlobId, `append ${shown}`);
        await assert.rejects(store.info(bad), InvalidBlobId, `info ${shown}`);
        await assert.rejects(store.read(bad), InvalidBlobId, `read ${shown}`);
        await assert.rejects(store.delete(bad), InvalidBlobId, `delete ${shown}`);
      }
      await assert.rejects(store.info(''), /blob id/, 'the message names what is wrong');
      assert.equal(await store.bytesOwnedBy('hal'), 0, 'nothing was stored');
      // The longest id, of URI-encoded varied CJK (little for PostgreSQL's index to compress), is an id.
      const varied = encodeURIComponent(Array.from({ length: 300 }, (_, i) => String.fromCharCode(0x4e00 + ((i * 7919) % 20_000))).join(''));
      const longest = `Observation/${varied}`.slice(0, MAX_BLOB_ID_LENGTH - 65).padEnd(MAX_BLOB_ID_LENGTH - 65, 'z') + `/${'cd'.repeat(32)}`;
      assert.equal(longest.length, MAX_BLOB_ID_LENGTH);
      for (const id of ['../../escape', '/absolute/path', 'back\\slash\\..\\..', longest]) {
        await store.create({ id, length: 2, owner: 'hal', metadata: meta });
        await store.append(id, 0, piecesOf(bytes('ok')));
        assert.equal((await readAll(await store.read(id))).toString(), 'ok', id.slice(0, 20));
      }
      const directory = subject.directory();
      if (directory !== null) {
        assert.deepEqual(await readdir(dirname(directory)), ['blobs'], 'nothing was written outside the store directory');
        for (const name of await readdir(directory)) assert.match(name, /^[0-9a-f]{64}\.(json|part|blob)$/);
      }
    });

    test('a length that is not a whole number of bytes is refused with a RangeError naming it', async () => {
      for (const length of [-1, 1.5, Number.NaN, Number.MAX_SAFE_INTEGER + 2]) {
        const id = nextId();
        await assert.rejects(store.create({ id, length, owner: 'ivy', metadata: meta }), (error: unknown) => {
          assert.ok(error instanceof RangeError, String(error));
          assert.match(error.message, /length/);
          return true;
        });
        assert.equal(await store.info(id), null);
      }
    });
  });
}
