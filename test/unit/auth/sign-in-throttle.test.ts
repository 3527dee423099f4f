import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSignInThrottle } from '../../../server/auth/sign-in-throttle.js';

test('locks a key after maxFailures within the window, until the oldest failure ages out', () => {
  let clock = 0;
  const throttle = createSignInThrottle({ maxFailures: 3, windowMs: 60_000, now: () => clock });
  for (let i = 0; i < 3; i++) {
    assert.equal(throttle.retryAfterSec('k'), 0);
    throttle.recordFailure('k');
    clock += 10_000;
  }
  // failures at 0, 10 s, 20 s; now 30 s: the first ages out at 60 s.
  assert.equal(throttle.retryAfterSec('k'), 30);
  assert.equal(throttle.retryAfterSec('other'), 0);
  clock = 60_001;
  assert.equal(throttle.retryAfterSec('k'), 0);
});

test('a success resets the count', () => {
  const throttle = createSignInThrottle({ maxFailures: 2, now: () => 0 });
  throttle.recordFailure('k');
  throttle.reset('k');
  throttle.recordFailure('k');
  assert.equal(throttle.retryAfterSec('k'), 0);
  throttle.recordFailure('k');
  assert.ok(throttle.retryAfterSec('k') > 0);
});

test('memory stays bounded: the oldest keys are forgotten first', () => {
  const throttle = createSignInThrottle({ maxFailures: 1, maxKeys: 100, now: () => 0 });
  for (let i = 0; i < 1000; i++) throttle.recordFailure(`key-${i}`);
  assert.equal(throttle.retryAfterSec('key-0'), 0);
  assert.ok(throttle.retryAfterSec('key-999') > 0);
});
