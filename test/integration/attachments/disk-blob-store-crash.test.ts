// The disk blob store after a crash that cut a creation: its header is flushed only with the
// upload's first bytes, so a power loss may leave it empty or cut. Such a header is a lost
// creation (no byte of it was acknowledged): the store opens, drops it, and the same upload can
// be created again; whole headers beside it are kept.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { openDiskBlobStore } from '../../../server/attachments/disk-blob-store.js';

const keyOf = (id: string): string => createHash('sha256').update(id).digest('hex');

test('a header a crash left empty or cut is a lost creation: dropped on open, created again; whole ones stay', async () => {
  const directory = await mkdtemp(join(tmpdir(), 'outpost-disk-crash-'));
  try {
    const first = await openDiskBlobStore(directory);
    await first.create({ id: 'kept', length: 3, owner: 'u', metadata: {} });
    assert.equal(await first.append('kept', 0, [Buffer.from('abc')]), 3);
    await first.close();
    await writeFile(join(directory, `${keyOf('empty')}.json`), '');
    await writeFile(join(directory, `${keyOf('cut')}.json`), '{"id":"cut","len');
    await writeFile(join(directory, `${keyOf('cut')}.part`), 'x');

    const store = await openDiskBlobStore(directory);
    assert.equal(await store.info('empty'), null);
    assert.equal(await store.info('cut'), null);
    assert.deepEqual((await readdir(directory)).sort(), [`${keyOf('kept')}.blob`, `${keyOf('kept')}.json`].sort());
    assert.equal((await store.info('kept'))?.complete, true);
    assert.equal(await store.bytesOwnedBy('u'), 3);
    await store.create({ id: 'cut', length: 2, owner: 'u', metadata: {} });
    assert.equal(await store.append('cut', 0, [Buffer.from('ok')]), 2);
    assert.equal((await store.info('cut'))?.complete, true);
    await store.close();
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
});
