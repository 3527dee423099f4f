// Shutdown with a deadline (main/shell/shutdown.ts): close runs once; a close that never ends is
// abandoned after the deadline (and says so); one that ends in time says nothing.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createShutdown, DEFAULT_SHUTDOWN_DEADLINE_MS } from '../../../main/shell/shutdown.js';

function recordingLog() {
  const lines: string[] = [];
  return { lines, log: { warn: (m: string) => lines.push(`warn ${m}`), error: (m: string) => lines.push(`error ${m}`) } };
}

test('a close that never resolves: run() resolves abandoned after the deadline and logs what was abandoned', async () => {
  const { lines, log } = recordingLog();
  let closes = 0;
  const shutdown = createShutdown({ close: () => (closes++, new Promise<void>(() => undefined)), deadlineMs: 40, log });
  const started = Date.now();
  assert.equal(await shutdown.run(), 'abandoned');
  const waited = Date.now() - started;
  assert.ok(waited >= 35 && waited < 1_000, `waited ${waited} ms`);
  assert.equal(shutdown.finished, false);
  assert.deepEqual(lines, ['warn shutdown: stopping sync and closing the database did not finish within 40 ms; quitting without waiting for it']);
  // Another waiter (the updater, then before-quit) gets its own deadline; close is not called again.
  assert.equal(await shutdown.run(10), 'abandoned');
  assert.equal(closes, 1);
});

test('a close that resolves: closed, no deadline message, idempotent', async () => {
  const { lines, log } = recordingLog();
  let closes = 0;
  const shutdown = createShutdown({ close: async () => void closes++, deadlineMs: 1_000, log });
  const [a, b] = await Promise.all([shutdown.run(), shutdown.run()]);
  assert.equal(a, 'closed');
  assert.equal(b, 'closed');
  assert.equal(await shutdown.run(), 'closed');
  assert.equal(closes, 1);
  assert.equal(shutdown.finished, true);
  assert.deepEqual(lines, []);
});

test('a close that takes a while but ends before the deadline is waited for', async () => {
  const { lines, log } = recordingLog();
  const shutdown = createShutdown({
    close: () => new Promise<void>((resolve) => setTimeout(resolve, 30)),
    deadlineMs: 2_000,
    log,
    what: 'closing the test store',
  });
  assert.equal(await shutdown.run(), 'closed');
  assert.deepEqual(lines, []);
});

test('a close that fails (sync or async) is reported and ends the wait', async () => {
  const { lines, log } = recordingLog();
  const throwing = createShutdown({
    close: () => {
      throw new Error('disk gone');
    },
    deadlineMs: 1_000,
    log,
  });
  assert.equal(await throwing.run(), 'failed');
  const rejecting = createShutdown({ close: () => Promise.reject(new Error('locked')), deadlineMs: 1_000, log });
  assert.equal(await rejecting.run(), 'failed');
  assert.deepEqual(lines, [
    'error shutdown: stopping sync and closing the database failed: disk gone',
    'error shutdown: stopping sync and closing the database failed: locked',
  ]);
});

test('a short deadline (session-end) does not wait for the configured one', async () => {
  const { log } = recordingLog();
  const shutdown = createShutdown({ close: () => new Promise<void>(() => undefined), log });
  const started = Date.now();
  assert.equal(await shutdown.run(20), 'abandoned');
  assert.ok(Date.now() - started < DEFAULT_SHUTDOWN_DEADLINE_MS / 2);
  assert.equal(DEFAULT_SHUTDOWN_DEADLINE_MS, 5_000);
});
