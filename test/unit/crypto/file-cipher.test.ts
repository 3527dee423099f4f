// The file cipher (main/crypto/file-cipher.ts): round trips of every size around the segment
// boundary however the input is chunked, the stated size, and refusal of every kind of tampering —
// a flipped bit anywhere, a cut (also at a segment boundary), an appended or reordered segment, a
// header swapped from another file, another key, a file that is not ours.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import fc from 'fast-check';
import { decryptingStream, encryptedSize, encryptingStream, FileCipherError, HEADER_BYTES, SEGMENT_BYTES } from '../../../main/crypto/file-cipher.js';

const key = randomBytes(32);
const TAG = 16;

/** `data` through `stream`, fed in pieces of `chunk` bytes. */
async function through(stream: NodeJS.ReadWriteStream, data: Buffer, chunk = 10_000): Promise<Buffer> {
  const pieces: Buffer[] = [];
  for (let i = 0; i < data.length; i += chunk) pieces.push(data.subarray(i, i + chunk));
  return buffer(Readable.from(pieces).pipe(stream));
}
const encrypt = (data: Buffer, chunk?: number, k = key) => through(encryptingStream(k), data, chunk);
const decrypt = (data: Buffer, chunk?: number, k = key) => through(decryptingStream(k), data, chunk);

test('round trips at every size around the segment boundary, in any chunking, with the stated size', async () => {
  for (const size of [0, 1, 15, 16, 17, SEGMENT_BYTES - 1, SEGMENT_BYTES, SEGMENT_BYTES + 1, 2 * SEGMENT_BYTES, 3 * SEGMENT_BYTES + 7]) {
    const plain = randomBytes(size);
    for (const chunk of [1_000, 65_536, 100_003]) {
      const sealed = await encrypt(plain, chunk);
      assert.equal(sealed.length, encryptedSize(size), `size ${size}`);
      assert.ok(size < 64 || !sealed.includes(plain.subarray(0, 64)), 'no plaintext in the file');
      assert.deepEqual(await decrypt(sealed, chunk === 1_000 ? 7_777 : chunk), plain, `size ${size} chunk ${chunk}`);
    }
  }
});

test('random sizes and chunkings round trip (property)', async () => {
  const seed = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31);
  console.log(`file-cipher property seed ${seed}`);
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 0, max: 3 * SEGMENT_BYTES + 100 }),
      fc.integer({ min: 1, max: 70_000 }),
      fc.integer({ min: 1, max: 70_000 }),
      async (size, inChunk, outChunk) => {
        const plain = randomBytes(size);
        assert.deepEqual(await decrypt(await encrypt(plain, inChunk), outChunk), plain);
      },
    ),
    { seed, numRuns: 40 },
  );
});

test('two encryptions of one file differ (a random nonce prefix per file)', async () => {
  const plain = randomBytes(1000);
  assert.notDeepEqual(await encrypt(plain), await encrypt(plain));
});

async function refused(sealed: Buffer, pattern: RegExp, k = key): Promise<void> {
  await assert.rejects(decrypt(sealed, 4096, k), (err) => err instanceof FileCipherError && pattern.test(err.message));
}

test('a flipped bit anywhere, another key, or a foreign file is refused', async () => {
  const sealed = await encrypt(randomBytes(2 * SEGMENT_BYTES + 500));
  for (const at of [0, 5, HEADER_BYTES, HEADER_BYTES + 100, HEADER_BYTES + SEGMENT_BYTES + TAG + 3, sealed.length - 1]) {
    const bad = Buffer.from(sealed);
    bad[at] ^= 0x01;
    await refused(bad, /header|check/);
  }
  await refused(sealed, /another key/, randomBytes(32));
  await refused(Buffer.from('just some plain text that is not encrypted at all'), /not an Outpost encrypted file/);
  await refused(Buffer.alloc(3), /too short/);
  assert.throws(() => decryptingStream(Buffer.alloc(16)), /32 bytes/);
});

test('cutting, extending, reordering or splicing segments is refused', async () => {
  const sealed = await encrypt(randomBytes(3 * SEGMENT_BYTES + 10));
  const seg = SEGMENT_BYTES + TAG;
  const header = sealed.subarray(0, HEADER_BYTES);
  const segments = [0, 1, 2, 3].map((i) => sealed.subarray(HEADER_BYTES + i * seg, HEADER_BYTES + (i + 1) * seg));
  await refused(sealed.subarray(0, sealed.length - 5), /check/);
  await refused(Buffer.concat([header, ...segments.slice(0, 3)]), /check/); // cut at a segment boundary
  await refused(Buffer.concat([header, segments[0], segments[2], segments[1], segments[3]]), /check/);
  await refused(Buffer.concat([sealed, segments[3]]), /check/);
  const other = await encrypt(randomBytes(3 * SEGMENT_BYTES + 10));
  await refused(Buffer.concat([other.subarray(0, HEADER_BYTES), ...segments]), /check/);
});
