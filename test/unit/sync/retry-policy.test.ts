// The retry policies and the one retry loop: exact delays, and properties over random policies
// (bounds, monotone up to the cap, abort stops at once). Replay a failure with FC_SEED=<seed printed>.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { RETRY_POLICIES, retryDelay, seededRandom, tuned, type RetryPolicy } from '../../../main/sync/core/retry-policy.js';
import { RetriesExhausted, RetryAborted, RetryCounter, retrying, sleep } from '../../../main/sync/retrying.js';
import { propertySeed } from '../predicates/predicate-arbitraries.js';

const mutation = (tuning: Parameters<typeof tuned>[1]): RetryPolicy => tuned(RETRY_POLICIES.mutation, tuning);

function check<T>(name: string, property: fc.IProperty<[T]> | fc.IProperty<[T, ...unknown[]]>): void {
  const seed = propertySeed();
  console.log(`${name}: FC_SEED=${seed}`);
  fc.assert(property as fc.IProperty<[T]>, { seed, numRuns: 500 });
}

test('delay after attempt n is 2^n × 100 ms plus 0..100 ms of jitter', () => {
  assert.equal(retryDelay(1, mutation({ random: () => 0 })), 200);
  assert.equal(retryDelay(3, mutation({ random: () => 0 })), 800);
  assert.equal(retryDelay(3, mutation({ random: () => 0.999 })), 899);
  const policy = mutation({ random: seededRandom(7) });
  for (let n = 1; n <= 8; n++) {
    const d = retryDelay(n, policy);
    assert.ok(d >= 2 ** n * 100 && d < 2 ** n * 100 + 100, `attempt ${n}: ${d}`);
  }
});

test('delays never exceed the cap, even for huge attempt counts', () => {
  assert.equal(retryDelay(12, mutation({ random: () => 0.5 })), 5 * 60_000);
  assert.equal(retryDelay(5000, mutation({ random: () => 0.5, maxDelayMs: 5000 })), 5000);
  assert.equal(retryDelay(4, mutation({ maxDelayMs: 5000, random: () => 0 })), 1600);
});

test('each policy keeps its numbers: caps 5 min, 5 s (4 attempts), 30 s, 60 s, 5 s, flat 1 s', () => {
  const at = (policy: RetryPolicy, n: number): number => retryDelay(n, { ...policy, random: () => 0.999 });
  assert.equal(at(RETRY_POLICIES.mutation, 40), 300_000);
  assert.equal(at(RETRY_POLICIES.syncPage, 40), 5_000);
  assert.equal(RETRY_POLICIES.syncPage.maxAttempts, 4);
  assert.equal(at(RETRY_POLICIES.syncRound, 40), 30_000);
  assert.equal(at(RETRY_POLICIES.subscription, 40), 60_000);
  assert.equal(at(RETRY_POLICIES.realtimeReconnect, 40), 5_000);
  assert.deepEqual(
    [1, 2, 9].map((n) => at(RETRY_POLICIES.outboxStore, n)),
    [1_000, 1_000, 1_000],
  );
  // Tuning overrides the policy's fields, and only those given.
  assert.deepEqual(tuned(RETRY_POLICIES.syncRound, { maxDelayMs: 500 }).baseMs, 100);
  assert.equal(tuned(RETRY_POLICIES.syncRound, { maxDelayMs: 500 }).maxDelayMs, 500);
  assert.equal(tuned(RETRY_POLICIES.syncPage, undefined, 2).maxAttempts, 2);
});

test('RetryCounter counts failures and starts over after reset', () => {
  const b = new RetryCounter(mutation({ random: () => 0 }));
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

const policyArb = fc.record({
  baseMs: fc.integer({ min: 1, max: 10_000 }),
  jitterMs: fc.integer({ min: 0, max: 10_000 }),
  maxDelayMs: fc.integer({ min: 1, max: 10 * 60_000 }),
  seed: fc.integer(),
});
const asPolicy = (p: { baseMs: number; jitterMs: number; maxDelayMs: number; seed: number }): RetryPolicy => ({ ...p, random: seededRandom(p.seed) });

test('property: every delay lies in [min(2^n·base, cap), min(cap, 2^n·base + jitter)]', () => {
  check(
    'delay bounds',
    fc.property(policyArb, fc.integer({ min: 1, max: 2_000 }), (p, n) => {
      const policy = asPolicy(p);
      const d = retryDelay(n, policy);
      const low = Math.min(2 ** n * p.baseMs, p.maxDelayMs);
      assert.ok(Number.isInteger(d), `integer: ${d}`);
      assert.ok(d >= low && d <= Math.min(p.maxDelayMs, low + p.jitterMs), `attempt ${n}: ${d} not in [${low}, ${low + p.jitterMs}] cap ${p.maxDelayMs}`);
      assert.ok(d < low + p.jitterMs || p.jitterMs === 0 || d === p.maxDelayMs, `jitter is below jitterMs: ${d}`);
    }),
  );
});

test('property: with jitter ≤ 2 × base, delays never decrease and stay at the cap once reached', () => {
  check(
    'monotone',
    fc.property(
      policyArb.filter((p) => p.jitterMs <= 2 * p.baseMs),
      (p) => {
        const counter = new RetryCounter(asPolicy(p));
        const delays = Array.from({ length: 40 }, () => counter.next());
        for (let i = 1; i < delays.length; i++) assert.ok(delays[i] >= delays[i - 1], `delay ${i + 1} (${delays[i]}) < delay ${i} (${delays[i - 1]})`);
        assert.equal(delays.at(-1), p.maxDelayMs);
      },
    ),
  );
});

test('property: retrying gives up after exactly maxAttempts attempts and returns the first success', async () => {
  const seed = propertySeed();
  console.log(`retrying attempts: FC_SEED=${seed}`);
  await fc.assert(
    fc.asyncProperty(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 8 }), async (maxAttempts, succeedAt) => {
      let calls = 0;
      const policy: RetryPolicy = { baseMs: 0, jitterMs: 0, maxDelayMs: 0, maxAttempts, random: () => 0 };
      const result = retrying(
        async () => (++calls >= succeedAt ? { done: true, value: calls } : { done: false, reason: `fail ${calls}` }),
        policy,
        new AbortController().signal,
      );
      if (succeedAt <= maxAttempts) assert.equal(await result, succeedAt);
      else await assert.rejects(result, (e: unknown) => e instanceof RetriesExhausted && e.reason === `fail ${maxAttempts}`);
      assert.equal(calls, Math.min(succeedAt, maxAttempts));
    }),
    { seed, numRuns: 200 },
  );
});

test('abort stops retrying at once: the wait ends, no further attempt, RetryAborted', async () => {
  const controller = new AbortController();
  let calls = 0;
  const started = Date.now();
  const result = retrying(
    async () => {
      calls++;
      return { done: false, reason: 'down' };
    },
    RETRY_POLICIES.mutation,
    controller.signal,
  );
  await new Promise((resolve) => setTimeout(resolve, 20));
  controller.abort();
  await assert.rejects(result, RetryAborted);
  assert.equal(calls, 1);
  assert.ok(Date.now() - started < 150, `took ${Date.now() - started} ms`);
  // Already aborted: not even one attempt.
  await assert.rejects(
    retrying(async () => ({ done: true, value: 1 }), RETRY_POLICIES.mutation, controller.signal),
    RetryAborted,
  );
});

test('an interrupt cuts the wait short but retrying goes on', async () => {
  let wake = new AbortController();
  let calls = 0;
  const started = Date.now();
  const result = retrying(
    async () => (++calls === 2 ? { done: true, value: 'up' } : { done: false, reason: 'down' }),
    RETRY_POLICIES.mutation,
    new AbortController().signal,
    {
      interrupt: () => wake.signal,
    },
  );
  await new Promise((resolve) => setTimeout(resolve, 10));
  wake.abort();
  wake = new AbortController();
  assert.equal(await result, 'up');
  assert.equal(calls, 2);
  assert.ok(Date.now() - started < 150);
});
