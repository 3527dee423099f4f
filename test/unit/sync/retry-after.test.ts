// The sync worker honours a server's Retry-After (issue 16): the header's two forms, the wait it
// leads to (at least Retry-After, the backoff when that is longer, never past the policy's cap),
// the mutation outcome that carries it, and the outbox step that waits it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRetryAfter, waitBeforeRetry } from '../../../main/sync/core/retry-after.js';
import { initialOutboxState, nextOutboxStep } from '../../../main/sync/core/outbox-step.js';
import { RETRY_POLICIES, tuned } from '../../../main/sync/core/retry-policy.js';
import { classifyMutationAnswer } from '../../../main/sync/mutation-outcome.js';

const NOW = Date.parse('2026-12-03T08:00:00Z');

test('Retry-After: delay-seconds and HTTP-date, null when absent or unreadable', () => {
  assert.equal(parseRetryAfter('2', NOW), 2000);
  assert.equal(parseRetryAfter(' 0 ', NOW), 0);
  assert.equal(parseRetryAfter('Thu, 03 Dec 2026 08:00:05 GMT', NOW), 5000);
  assert.equal(parseRetryAfter('Thu, 03 Dec 2026 07:59:00 GMT', NOW), 0, 'a date in the past: at once');
  assert.equal(parseRetryAfter(null, NOW), null);
  assert.equal(parseRetryAfter(undefined, NOW), null);
  assert.equal(parseRetryAfter('soon', NOW), null);
  assert.equal(parseRetryAfter('-1', NOW), null);
});

test('the wait: Retry-After when longer than the backoff, the backoff otherwise, capped by the policy', () => {
  assert.equal(waitBeforeRetry(200, 2000, 300_000), 2000, 'the server asked for longer');
  assert.equal(waitBeforeRetry(5000, 1000, 300_000), 5000, 'the backoff is already longer');
  assert.equal(waitBeforeRetry(200, null, 300_000), 200);
  assert.equal(waitBeforeRetry(200, undefined, 300_000), 200);
  assert.equal(waitBeforeRetry(200, 3_600_000, 300_000), 300_000, 'an hour is capped at the policy maximum');
  assert.equal(waitBeforeRetry(200, 2000, 300_000, 75), 2075, 'spread over the jitter');
});

test('a 503 overload answer is a retry carrying its Retry-After; other outcomes carry none', () => {
  const busy = classifyMutationAnswer('createNote', {
    data: null,
    errors: [{ message: 'The server is busy; retry later', errorType: 'ServerBusyException' }],
    networkError: null,
    httpStatus: 503,
    retryAfterMs: 2000,
  });
  assert.deepEqual(busy, { kind: 'retry', reason: 'server', message: 'The server is busy; retry later', retryAfterMs: 2000 });
  const throttled = classifyMutationAnswer('createNote', { data: null, errors: [], networkError: null, httpStatus: 429, retryAfterMs: 7000 });
  assert.equal(throttled.kind === 'retry' ? throttled.retryAfterMs : undefined, 7000);
  const plain = classifyMutationAnswer('createNote', { data: null, errors: [], networkError: null, httpStatus: 502 });
  assert.deepEqual(plain, { kind: 'retry', reason: 'server', message: 'HTTP 502' });
  const done = classifyMutationAnswer('createNote', {
    data: { createNote: { id: 'n1' } },
    errors: [],
    networkError: null,
    httpStatus: 200,
    retryAfterMs: 1000,
  });
  assert.equal(done.kind, 'success');
});

test('the outbox waits at least Retry-After before sending the entry again', () => {
  const facts = { resendIsIdempotent: true, policy: tuned(RETRY_POLICIES.mutation, { random: () => 0 }) };
  const state = initialOutboxState({ model: 'Note', modelId: 'n1', operation: 'Create' }, false);
  const outcome = { kind: 'retry', reason: 'server', message: 'busy', retryAfterMs: 3000 } as const;
  const first = nextOutboxStep(state, { kind: 'sent', outcome }, facts);
  assert.deepEqual(first.step, { kind: 'retryAfter', ms: 3000 }, 'instead of the first backoff of 200 ms');
  const without = nextOutboxStep(state, { kind: 'sent', outcome: { kind: 'retry', reason: 'server', message: 'busy' } }, facts);
  assert.deepEqual(without.step, { kind: 'retryAfter', ms: 200 });
});
