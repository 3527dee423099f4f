// Retention cleanup over a real disk blob store: old unfinished uploads and old unreferenced
// blobs go; referenced ones and anything younger than the window stay.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { decideSweep, sweepBlobs } from '../../../server/attachments/attachment-retention.js';
import type { BlobInfo } from '../../../server/attachments/blob-store.js';
import { openDiskBlobStore } from '../../../server/attachments/disk-blob-store.js';

test('decideSweep: unfinished always goes, finished goes unless referenced', () => {
  const info = (complete: boolean): BlobInfo => ({ id: 'x', length: 1, offset: complete ? 1 : 0, owner: 'o', metadata: {}, createdAt: new Date(0), complete });
  assert.equal(decideSweep(info(false), true), 'delete-unfinished');
  assert.equal(decideSweep(info(false), false), 'delete-unfinished');
  assert.equal(decideSweep(info(true), true), 'keep');
  assert.equal(decideSweep(info(true), false), 'delete-unreferenced');
});

test('sweepBlobs removes old unfinished and old unreferenced blobs and nothing younger than the window', async () => {
  const directory = await mkdtemp(join(tmpdir(), 'outpost-retention-'));
  const store = await openDiskBlobStore(directory);
  try {
    const complete = async (id: string): Promise<void> => {
      await store.create({ id, length: 1, owner: 'o', metadata: {} });
      await store.append(id, 0, [Buffer.from('x')]);
    };
    await complete('old-referenced');
    await complete('old-unreferenced');
    await store.create({ id: 'old-unfinished', length: 5, owner: 'o', metadata: {} });
    await new Promise((resolve) => setTimeout(resolve, 20));
    const cutOff = new Date();
    await new Promise((resolve) => setTimeout(resolve, 20));
    await complete('young-unreferenced');
    const asked: string[] = [];
    const result = await sweepBlobs(
      store,
      (info) => {
        asked.push(info.id);
        return Promise.resolve(info.id === 'old-referenced');
      },
      60_000,
      new Date(cutOff.getTime() + 60_000),
    );
    assert.deepEqual(result, { deletedUnfinished: 1, deletedUnreferenced: 1, kept: 1 });
    assert.deepEqual(asked.sort(), ['old-referenced', 'old-unreferenced'], 'unfinished uploads need no reference look-up');
    const left = await Promise.all(
      ['old-referenced', 'old-unreferenced', 'old-unfinished', 'young-unreferenced'].map(async (id) => (await store.info(id)) !== null),
    );
    assert.deepEqual(left, [true, false, false, true]);
  } finally {
    await store.close();
    await rm(directory, { recursive: true, force: true });
  }
});
