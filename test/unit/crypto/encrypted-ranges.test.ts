// The file cipher's positional reads and whole-buffer helpers (main/crypto/file-cipher.ts): any
// byte range of an encrypted file decrypts to the same bytes of the plaintext, reading only the
// segments that hold it; a file of non-final segments (a download in progress) reads as such; a
// sealer resumed at a segment gives the same file as one run; plainSize inverts encryptedSize;
// sealBuffer/openBuffer round trip and refuse alteration.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import {
  decryptingStream,
  encryptedSize,
  FileCipherError,
  HEADER_BYTES,
  openBuffer,
  plainSize,
  readSealedRange,
  sealBuffer,
  SEALED_SEGMENT_BYTES,
  SEGMENT_BYTES,
  SegmentSealer,
} from '../../../main/crypto/file-cipher.js';

const key = randomBytes(32);
let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'outpost-file-cipher-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function rangeOf(path: string, start: number, end: number, plainBytes: number, complete = true): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const out: Buffer[] = [];
    for await (const chunk of readSealedRange(handle, key, { start, end, plainBytes, complete })) out.push(chunk);
    return Buffer.concat(out);
  } finally {
    await handle.close();
  }
}

test('plainSize inverts encryptedSize and refuses lengths no encrypted file has', () => {
  for (const size of [0, 1, SEGMENT_BYTES - 1, SEGMENT_BYTES, SEGMENT_BYTES + 1, 5 * SEGMENT_BYTES, 5 * SEGMENT_BYTES + 3]) {
    assert.equal(plainSize(encryptedSize(size)), size, `size ${size}`);
  }
  assert.throws(() => plainSize(HEADER_BYTES + 3), FileCipherError);
  assert.throws(() => plainSize(HEADER_BYTES + SEALED_SEGMENT_BYTES + 16), FileCipherError);
});

test('any byte range of an encrypted file reads as the same bytes of the plaintext (property)', async () => {
  const plain = randomBytes(4 * SEGMENT_BYTES + 777);
  const path = join(dir, 'ranges');
  await writeFile(path, sealBuffer(key, plain));
  const seed = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31);
  console.log(`encrypted-ranges property seed ${seed}`);
  await fc.assert(
    fc.asyncProperty(fc.integer({ min: 0, max: plain.length }), fc.integer({ min: 0, max: plain.length }), async (a, b) => {
      const [start, end] = a <= b ? [a, b] : [b, a];
      assert.deepEqual(await rangeOf(path, start, end, plain.length), plain.subarray(start, end));
    }),
    { seed, numRuns: 60 },
  );
  assert.deepEqual(await rangeOf(path, 0, plain.length, plain.length), plain);
});

test('a range reads only its segments: an altered segment elsewhere does not matter, its own is refused', async () => {
  const plain = randomBytes(3 * SEGMENT_BYTES);
  const sealed = sealBuffer(key, plain);
  sealed[HEADER_BYTES + 2 * SEALED_SEGMENT_BYTES + 5] ^= 1;
  const path = join(dir, 'altered');
  await writeFile(path, sealed);
  assert.deepEqual(await rangeOf(path, 10, SEGMENT_BYTES + 10, plain.length), plain.subarray(10, SEGMENT_BYTES + 10));
  await assert.rejects(rangeOf(path, 2 * SEGMENT_BYTES, 2 * SEGMENT_BYTES + 1, plain.length), FileCipherError);
  // Cut at a segment boundary: the new last segment was not sealed as final.
  await writeFile(path, sealBuffer(key, plain).subarray(0, HEADER_BYTES + 2 * SEALED_SEGMENT_BYTES));
  await assert.rejects(rangeOf(path, SEGMENT_BYTES, 2 * SEGMENT_BYTES, 2 * SEGMENT_BYTES), /check/);
});

test('a sealer resumed at a segment (a download continued) makes the same file as one run', async () => {
  const plain = randomBytes(3 * SEGMENT_BYTES + 500);
  const first = new SegmentSealer(key);
  // The first run ends after 2 whole segments were written and some bytes held back (lost at a cut).
  const written = Buffer.concat(first.push(plain.subarray(0, 2 * SEGMENT_BYTES + 1000)));
  assert.equal(written.length, HEADER_BYTES + 2 * SEALED_SEGMENT_BYTES, 'only whole segments are given out');
  const path = join(dir, 'partial');
  await writeFile(path, written);
  assert.deepEqual(
    await rangeOf(path, 0, 2 * SEGMENT_BYTES, 2 * SEGMENT_BYTES, false),
    plain.subarray(0, 2 * SEGMENT_BYTES),
    'non-final segments read as such',
  );
  await assert.rejects(rangeOf(path, 0, 2 * SEGMENT_BYTES, 2 * SEGMENT_BYTES, true), FileCipherError, 'and are no whole file');
  const resumed = new SegmentSealer(key, { header: written.subarray(0, HEADER_BYTES), counter: 2 });
  const rest = Buffer.concat([...resumed.push(plain.subarray(2 * SEGMENT_BYTES)), resumed.finish()]);
  const whole = Buffer.concat([written, rest]);
  assert.equal(whole.length, encryptedSize(plain.length));
  assert.deepEqual(await buffer(Readable.from([whole]).pipe(decryptingStream(key))), plain);
  assert.deepEqual(openBuffer(key, whole), plain);
});

test('sealBuffer and openBuffer round trip small and empty buffers and refuse altered, foreign or cut ones', () => {
  for (const size of [0, 1, 100, SEGMENT_BYTES, SEGMENT_BYTES + 1]) {
    const plain = randomBytes(size);
    assert.deepEqual(openBuffer(key, sealBuffer(key, plain)), plain);
  }
  const sealed = sealBuffer(key, Buffer.from('{"title":"a draft"}'));
  assert.equal(sealed.includes(Buffer.from('a draft')), false);
  const bad = Buffer.from(sealed);
  bad[bad.length - 1] ^= 1;
  assert.throws(() => openBuffer(key, bad), FileCipherError);
  assert.throws(() => openBuffer(randomBytes(32), sealed), /another key/);
  assert.throws(() => openBuffer(key, Buffer.from('{"title":"plain"}')), /not an Outpost encrypted file/);
  assert.throws(() => openBuffer(key, sealed.subarray(0, sealed.length - 1)), FileCipherError);
});
