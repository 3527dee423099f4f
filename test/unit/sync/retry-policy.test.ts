import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Backoff, backoffDelay, seededRandom, sleep } from '../../../main/sync/backoff.js';

test('delay after attempt n is 2^n × 100 ms plus 0..100 ms of jitter', () => {
  assert.equal(backoffDelay(1, { random: () => 0 }), 200);
  assert.equal(backoffDelay(3, { random: () => 0 }), 800);
  assert.equal(backoffDelay(3, { random: () => 0.999 }), 899);
  const rnd = seededRandom(7);
  for (let n = 1; n <= 8; n++) {
    const d = backoffDelay(n, { random: rnd });
    assert.ok(d >= 2 ** n * 100 && d < 2 ** n * 100 + 100, `attempt ${n}: ${d}`);
  }
});

test('delays never exceed the cap, even for huge attempt counts', () => {
  assert.equal(backoffDelay(12, { random: () => 0.5 }), 5 * 60_000);
  assert.equal(backoffDelay(5000, { random: () => 0.5, maxDelayMs: 5000 }), 5000);
  assert.equal(backoffDelay(4, { maxDelayMs: 5000, random: () => 0 }), 1600);
});

test('Backoff counts failures and starts over after reset', () => {
  const b = new Backoff({ random: () => 0 });
  assert.deepEqual([b.next(), b.next(), b.next()], [200, 400, 800]);
  assert.equal(b.attempts, 3);
  b.reset();
  assert.equal(b.next(), 200);
});

test('seeded random replays the same sequence', () => {
  const a = seededRandom(42);
  const b = seededRandom(42);
  const xs = Array.from({ length: 5 }, a);
  assert.deepEqual(xs, Array.from({ length: 5 }, b));
  assert.ok(xs.every((x) => x >= 0 && x < 1));
  assert.notDeepEqual(xs, Array.from({ length: 5 }, seededRandom(43)));
});

test('sleep ends early when aborted', async () => {
  const controller = new AbortController();
  const started = Date.now();
  const done = sleep(10_000, controller.signal);
  controller.abort();
  await done;
  assert.ok(Date.now() - started < 1000);
});
