// The attachment cache and prefetch against a real Outpost server on 127.0.0.1 with real files:
// the cache limit evicts synced files least recently viewed and never an un-uploaded one (and
// keeps thumbnails); an evicted file downloads again on its next view; prefetch downloads the
// files of synced records newest first, stops where the cache would pass its limit, counts a
// refused file and goes on, stops without throwing when offline or aborted.
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { OutpostError } from '../../../common/errors.js';
import { attachmentKey, type AttachmentRef } from '../../../common/schema/attachment-ref.js';
import { enforceCacheLimit, prefetchAttachments, prefetchOrder, type PrefetchItem } from '../../../main/attachments/attachment-prefetch.js';
import { loadEntry, stageUpload } from '../../../main/attachments/attachment-tables.js';
import { fetchAttachment, putThumbnail, readAttachment, VIEWING_ERRORS } from '../../../main/attachments/attachment-viewing.js';
import { pngBytes } from './attachment-harness.js';
import {
  openDevice,
  startCountingProxy,
  startOutpostServer,
  unreachableEndpoint,
  type CountingProxy,
  type Device,
  type OutpostServer,
  type User,
} from './attachment-viewing-harness.js';

const item = (ref: AttachmentRef, updatedAt?: number): PrefetchItem => ({
  ref,
  model: 'Observation',
  recordId: decodeURIComponent(ref.key.split('/')[1]),
  field: 'photos',
  ...(updatedAt === undefined ? {} : { updatedAt }),
});

test('prefetchOrder: once per key, newest first, undated ones after in their order', () => {
  const ref = (n: number): AttachmentRef => ({
    key: `M/r${n}/${String(n).padStart(64, '0')}`,
    contentType: 'image/png',
    size: 1,
    sha256: String(n).padStart(64, '0'),
    name: null,
  });
  const order = prefetchOrder([item(ref(1), 10), item(ref(2)), item(ref(3), 30), item(ref(1), 99), item(ref(4)), item(ref(5), 20)]);
  assert.deepEqual(
    order.map((i) => i.ref.key.split('/')[1]),
    ['r3', 'r5', 'r1', 'r2', 'r4'],
  );
});

describe('attachment cache and prefetch against a real Outpost server', () => {
  let outpost: OutpostServer;
  let proxy: CountingProxy;
  let alice: User;
  let bob: User;
  const devices: Device[] = [];
  const device = async (): Promise<Device> => {
    const opened = await openDevice();
    devices.push(opened);
    return opened;
  };
  before(async () => {
    outpost = await startOutpostServer();
    proxy = await startCountingProxy(outpost.base);
    alice = await outpost.signUp('alice');
    bob = await outpost.signUp('bob');
  });
  after(async () => {
    for (const opened of devices) await opened.close();
    await proxy.close();
    await outpost.close();
  });

  test('the cache limit evicts the least recently viewed synced files, never an un-uploaded one, and keeps thumbnails', async () => {
    const cache = await device();
    const clock = { now: 10 };
    const deps = cache.deps(alice, proxy.endpoint, clock);
    const own = pngBytes(100_000, 20);
    const stored = await cache.files.add(Readable.from([own]));
    const ownRef = { key: attachmentKey('Observation', 'own', stored.sha256), contentType: 'image/png', size: own.length, sha256: stored.sha256, name: null };
    stageUpload(cache.db, ownRef, { model: 'Observation', recordId: 'own', field: 'photos' }, 1); // the oldest of all
    const photos = [pngBytes(300_000, 21), pngBytes(300_000, 22), pngBytes(300_000, 23)];
    const refs: AttachmentRef[] = [];
    for (const photo of photos) refs.push(await outpost.photoRecord(alice, photo));
    for (const [i, ref] of refs.entries()) {
      clock.now = 10 * (i + 1);
      await fetchAttachment(deps, ref.key, ref.sha256);
    }
    clock.now = 40;
    await fetchAttachment(deps, refs[0].key, refs[0].sha256); // viewed again: now the most recent
    assert.deepEqual(await putThumbnail(deps, refs[1].sha256, 'image/png', pngBytes(2_000, 24).toString('base64')), { stored: true });

    assert.deepEqual(await enforceCacheLimit(deps, 750_000), { evicted: 1, bytes: 300_000 }, '1,000,000 bytes held: one synced file goes');
    assert.equal(await cache.files.exists(refs[1].sha256), false, 'the least recently viewed synced file went');
    assert.equal(loadEntry(cache.db, refs[1].key)?.present, false);
    for (const sha256 of [ownRef.sha256, refs[0].sha256, refs[2].sha256]) assert.equal(await cache.files.exists(sha256), true);
    assert.equal(await cache.thumbnails.has(refs[1].sha256), true, 'its thumbnail stays for lists shown offline');
    await assert.rejects(readAttachment(deps, refs[1].sha256), (error: unknown) => error instanceof OutpostError && error.code === VIEWING_ERRORS.notPresent);

    assert.deepEqual(await enforceCacheLimit(deps, 0), { evicted: 2, bytes: 600_000 }, 'at a limit of 0 every synced file goes');
    assert.equal(await cache.files.exists(ownRef.sha256), true, 'the un-uploaded file stays whatever the limit');
    assert.equal(loadEntry(cache.db, ownRef.key)?.present, true);
    assert.deepEqual(await enforceCacheLimit(deps, 0), { evicted: 0, bytes: 0 });

    const gets = proxy.getsOf(refs[1].key);
    clock.now = 50;
    assert.deepEqual(await fetchAttachment(deps, refs[1].key, refs[1].sha256), { size: 300_000, hasThumbnail: true });
    assert.equal(proxy.getsOf(refs[1].key), gets + 1, 'an evicted file downloads again on its next view');
    assert.equal(loadEntry(cache.db, refs[1].key)?.present, true);
    await assert.rejects(enforceCacheLimit(deps, -1), /the cache limit must be a whole number of bytes ≥ 0, got -1/);
  });

  test('prefetch downloads newest first, counts a refused file and goes on, and stops where the cache would pass its limit', async () => {
    const refs: AttachmentRef[] = [];
    for (const seed of [31, 32, 33, 34]) refs.push(await outpost.photoRecord(alice, pngBytes(200_000, seed)));
    const hidden = await outpost.photoRecord(bob, pngBytes(10_000, 35));
    const phone = await device();
    const deps = phone.deps(alice, proxy.endpoint, { now: 1_000_000 });
    const items = [item(refs[1], 200), item(hidden, 500), item(refs[3], 400), item(refs[0], 100), item(refs[2], 300)];
    const keys = new Set(items.map((i) => `/attachments/${i.ref.key}`));
    const before = proxy.gets.length;

    assert.deepEqual(await prefetchAttachments(deps, items, { maxBytes: 450_000 }), { downloaded: 2, skipped: 2, failed: 1 });
    assert.deepEqual(
      proxy.gets.slice(before).filter((path) => keys.has(path)),
      [hidden, refs[3], refs[2]].map((ref) => `/attachments/${ref.key}`),
      'newest first; the third photo would pass 450,000 bytes, so the run stops there',
    );
    for (const ref of [refs[3], refs[2]]) assert.equal(await phone.files.exists(ref.sha256), true);
    for (const ref of [refs[1], refs[0], hidden]) assert.equal(await phone.files.exists(ref.sha256), false);
    const newest = loadEntry(phone.db, refs[3].key);
    const older = loadEntry(phone.db, refs[2].key);
    assert.ok(newest !== null && older !== null);
    assert.deepEqual([newest.field, newest.present, newest.localOnly], ['photos', true, false]);
    assert.ok(newest.lastAccessAt > older.lastAccessAt, 'the newer record ranks as more recently used');
    assert.equal(loadEntry(phone.db, hidden.key), null, 'nothing noted of the refused file');

    const again = proxy.gets.length;
    assert.deepEqual(await prefetchAttachments(deps, items, { maxBytes: 10_000_000 }), { downloaded: 2, skipped: 2, failed: 1 });
    assert.deepEqual(
      proxy.gets.slice(again).filter((path) => keys.has(path)),
      [hidden, refs[1], refs[0]].map((ref) => `/attachments/${ref.key}`),
      'present files are not downloaded again',
    );
  });

  test('a view that joined a prefetch download stopped mid-file still opens the file', async () => {
    const photo = pngBytes(2_000_000, 51);
    const ref = await outpost.photoRecord(alice, photo);
    const phone = await device();
    const stop = new AbortController();
    const views: Array<Promise<{ size: number; hasThumbnail: boolean }>> = [];
    const joinThenStop: typeof fetch = async (input, init) => {
      views.push(fetchAttachment(phone.deps(alice, proxy.endpoint), ref.key, ref.sha256)); // joins the download under way
      const response = await fetch(input, init);
      stop.abort();
      return response;
    };
    const before = proxy.getsOf(ref.key);
    const result = await prefetchAttachments({ ...phone.deps(alice, proxy.endpoint), fetch: joinThenStop }, [item(ref, 1)], { signal: stop.signal });
    assert.deepEqual(result, { downloaded: 0, skipped: 1, failed: 0 });
    assert.equal(views.length, 1, 'the view started while the prefetch was downloading');
    assert.deepEqual(await views[0], { size: photo.length, hasThumbnail: false });
    assert.equal(proxy.getsOf(ref.key) - before, 2, 'the stopped download, then the view’s own');
    assert.equal(await phone.files.exists(ref.sha256), true);
  });

  test('prefetch stops without throwing when offline, aborted mid-file (nothing half kept), or without an endpoint', async () => {
    const refs: AttachmentRef[] = [];
    for (const seed of [41, 42, 43]) refs.push(await outpost.photoRecord(alice, pngBytes(1_500_000, seed)));
    const items = refs.map((ref, i) => item(ref, i));
    const phone = await device();

    assert.deepEqual(
      await prefetchAttachments(phone.deps(alice, await unreachableEndpoint()), items),
      { downloaded: 0, skipped: 2, failed: 1 },
      'offline: one try, then stop',
    );
    assert.deepEqual(await prefetchAttachments(phone.deps(alice, null), items), { downloaded: 0, skipped: 3, failed: 0 });
    const stopped = new AbortController();
    stopped.abort();
    assert.deepEqual(await prefetchAttachments(phone.deps(alice, proxy.endpoint), items, { signal: stopped.signal }), { downloaded: 0, skipped: 3, failed: 0 });

    const midFile = new AbortController();
    const aborting: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      midFile.abort(); // the headers are in, the body is still coming
      return response;
    };
    const deps = { ...phone.deps(alice, proxy.endpoint), fetch: aborting };
    assert.deepEqual(await prefetchAttachments(deps, items, { signal: midFile.signal }), { downloaded: 0, skipped: 3, failed: 0 });
    for (const ref of refs) assert.equal(await phone.files.exists(ref.sha256), false);
    assert.deepEqual(
      (await readdir(phone.files.root)).filter((name) => name.endsWith('.part')),
      [],
      'the file under way left no temp file',
    );
    assert.deepEqual(await prefetchAttachments(phone.deps(alice, proxy.endpoint), items), { downloaded: 3, skipped: 0, failed: 0 });
  });
});
