// The thumbnail store over a real folder: the three image types told by their magic numbers,
// put/read/has/remove under `<profileDir>/attachments/thumbnails/<sha256>`, a refusal writes
// nothing and keeps the old thumbnail, temp files a crash left are removed on open.
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { MAX_THUMBNAIL_BYTES } from '../../../common/ipc/attachment-contract.js';
import { ThumbnailStore, thumbnailProblem, thumbnailTypeOf } from '../../../main/attachments/thumbnail-store.js';

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0, 1]);
const WEBP = Buffer.concat([Buffer.from('RIFF'), Buffer.from([4, 0, 0, 0]), Buffer.from('WEBPVP8 ')]);
const SHA = 'ab'.repeat(32);

test('thumbnailTypeOf tells the three types by their first bytes, and nothing else', () => {
  assert.equal(thumbnailTypeOf(PNG), 'image/png');
  assert.equal(thumbnailTypeOf(JPEG), 'image/jpeg');
  assert.equal(thumbnailTypeOf(WEBP), 'image/webp');
  for (const other of [Buffer.from('GIF89a......'), Buffer.from('RIFF\x04\x00\x00\x00WAVEfmt '), Buffer.from('<svg/>'), Buffer.alloc(0), PNG.subarray(0, 7)]) {
    assert.equal(thumbnailTypeOf(other), null, JSON.stringify(other.toString('latin1')));
  }
});

test('thumbnailProblem names what is wrong', () => {
  const cases: Array<[string, Buffer, string | null]> = [
    ['image/png', PNG, null],
    ['image/webp', WEBP, null],
    ['image/jpeg', PNG, 'the thumbnail is declared image/jpeg, but its bytes are image/png'],
    ['image/png', Buffer.from('hello'), 'the thumbnail is declared image/png, but its bytes are not an image of a known type'],
    ['image/png', Buffer.alloc(0), 'the thumbnail is empty'],
    ['image/svg+xml', PNG, 'a thumbnail must be image/webp, image/jpeg, image/png, not image/svg+xml'],
    [
      'image/png',
      Buffer.concat([PNG, Buffer.alloc(MAX_THUMBNAIL_BYTES)]),
      `the thumbnail is ${MAX_THUMBNAIL_BYTES + PNG.length} bytes; at most ${MAX_THUMBNAIL_BYTES} are kept`,
    ],
  ];
  for (const [type, bytes, problem] of cases) assert.equal(thumbnailProblem(type, bytes), problem, type);
});

test('put, read, has, remove over a real folder; a refusal writes nothing; crash leftovers go on open', async () => {
  const profile = await mkdtemp(join(tmpdir(), 'outpost-thumbnails-'));
  try {
    const store = await ThumbnailStore.open(profile);
    assert.equal(store.root, join(profile, 'attachments', 'thumbnails'));
    assert.equal(await store.has(SHA), false);
    assert.equal(await store.read(SHA), null);
    await store.put(SHA, 'image/png', PNG);
    assert.equal(await store.has(SHA), true);
    assert.deepEqual(await store.read(SHA), PNG);
    await store.put(SHA, 'image/jpeg', JPEG);
    assert.deepEqual(await store.read(SHA), JPEG, 'replaced');
    await assert.rejects(store.put(SHA, 'image/png', Buffer.from('not an image')), /its bytes are not an image of a known type/);
    assert.deepEqual(await store.read(SHA), JPEG, 'a refusal keeps the old thumbnail');
    assert.deepEqual(await readdir(store.root), [SHA]);
    assert.throws(() => store.pathOf('../../etc/passwd'), /not a sha-256/);

    await writeFile(join(store.root, `${SHA}.crashed.part`), 'half');
    const reopened = await ThumbnailStore.open(profile);
    assert.deepEqual(await readdir(reopened.root), [SHA], 'the temp file a crash left is gone');
    await reopened.remove(SHA);
    await reopened.remove(SHA);
    assert.equal(await reopened.has(SHA), false);
    await rm(join(profile, 'attachments'), { recursive: true });
    await reopened.put(SHA, 'image/webp', WEBP);
    assert.deepEqual(await reopened.read(SHA), WEBP, 'a put after the profile files were cleared makes the folder again');
  } finally {
    await rm(profile, { recursive: true, force: true });
  }
});
