// /health (as before), /health/live and /health/ready: ready while the database answers at this
// storage version; 503 with the reason when the recorded version differs or the server is draining.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startServer } from '../../../server/index.js';
import { STORAGE_VERSION, STORAGE_VERSION_KEY } from '../../../server/ops/storage-version.js';
import { APP_SDL } from './ops-harness.js';

test('live and ready probes', async () => {
  const server = await startServer({ schema: APP_SDL, database: 'sqlite::memory:', port: 0 });
  const base = server.url.replace(/\/graphql$/, '');
  try {
    assert.equal((await fetch(`${base}/health`)).status, 200);
    assert.deepEqual(await (await fetch(`${base}/health/live`)).json(), { status: 'live' });
    const ready = await fetch(`${base}/health/ready`);
    assert.equal(ready.status, 200);
    assert.deepEqual(await ready.json(), { status: 'ready', storageVersion: STORAGE_VERSION });

    const recorded = (await server.storage.getMeta(STORAGE_VERSION_KEY))!;
    await server.storage.setMeta(STORAGE_VERSION_KEY, JSON.stringify({ ...JSON.parse(recorded), storageVersion: STORAGE_VERSION + 1 }));
    const stale = await fetch(`${base}/health/ready`);
    assert.equal(stale.status, 503);
    assert.match(((await stale.json()) as { reason: string }).reason, /storage version 3 is not 2/);
    await server.storage.setMeta(STORAGE_VERSION_KEY, recorded);
  } finally {
    const drained = await server.drain(1000);
    assert.equal(drained.drained, true);
  }
});
