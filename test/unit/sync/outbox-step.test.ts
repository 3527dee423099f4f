// The outbox entry's next step (main/sync/core/outbox-step.ts): one row per answer kind and
// state, then whole runs of an entry driven through the reducer like the processor drives it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  initialOutboxState,
  nextOutboxStep,
  type OutboxAnswer,
  type OutboxEntryState,
  type OutboxFacts,
  type OutboxStep,
} from '../../../main/sync/core/outbox-step.js';
import { RETRY_POLICIES, tuned } from '../../../main/sync/core/retry-policy.js';
import type { MutationOutcome } from '../../../main/sync/mutation-outcome.js';

const entry = { model: 'Note', modelId: 'n1', operation: 'Update' as const };
const policy = tuned(RETRY_POLICIES.mutation, { random: () => 0 });
const facts: OutboxFacts = { resendIsIdempotent: false, policy };
const idempotent: OutboxFacts = { ...facts, resendIsIdempotent: true };
const fresh = initialOutboxState(entry, false);
const uncertain = initialOutboxState(entry, true);
const server = { id: 'n1', title: 'server', _version: 4 };
const sent = (outcome: MutationOutcome): OutboxAnswer => ({ kind: 'sent', outcome });

type Row = [name: string, state: OutboxEntryState, answer: OutboxAnswer, facts: OutboxFacts, step: OutboxStep, changes?: Partial<OutboxEntryState>];

const table: Row[] = [
  ['begin: a certain entry is sent', fresh, { kind: 'begin' }, facts, { kind: 'send' }],
  ['begin: an uncertain entry is checked first', uncertain, { kind: 'begin' }, facts, { kind: 'verify' }],
  ['begin: uncertain with idempotent resend: sent, no longer uncertain', uncertain, { kind: 'begin' }, idempotent, { kind: 'send' }, { uncertain: false }],
  [
    'verified as applied: completed with the server record',
    uncertain,
    { kind: 'verified', verdict: server },
    facts,
    { kind: 'complete', record: server },
    { uncertain: false },
  ],
  ['verified as not applied: sent', uncertain, { kind: 'verified', verdict: null }, facts, { kind: 'send' }, { uncertain: false }],
  [
    'check unreachable: wait (first delay 200 ms), still uncertain',
    uncertain,
    { kind: 'verified', verdict: 'unreachable' },
    facts,
    { kind: 'retryAfter', ms: 200 },
    { failures: 1 },
  ],
  ['success: completed', fresh, sent({ kind: 'success', record: server }), facts, { kind: 'complete', record: server }],
  [
    'network failure: uncertain, wait',
    fresh,
    sent({ kind: 'retry', reason: 'network', message: 'down' }),
    facts,
    { kind: 'retryAfter', ms: 200 },
    { uncertain: true, failures: 1 },
  ],
  [
    'third failure waits the third delay',
    { ...fresh, failures: 2 },
    sent({ kind: 'retry', reason: 'server', message: '500' }),
    facts,
    { kind: 'retryAfter', ms: 800 },
    { uncertain: true, failures: 3 },
  ],
  [
    'auth failure: wait, not uncertain (nothing was applied)',
    fresh,
    sent({ kind: 'authFailure', message: '401' }),
    facts,
    { kind: 'retryAfter', ms: 200 },
    { failures: 1 },
  ],
  ['waited: back to the top (check the uncertain one)', { ...uncertain, failures: 1 }, { kind: 'waited' }, facts, { kind: 'verify' }],
  ['waited: an entry that became idempotent is resent', { ...uncertain, failures: 1 }, { kind: 'waited' }, idempotent, { kind: 'send' }, { uncertain: false }],
  [
    'rejected with the server record: failed at once',
    fresh,
    sent({ kind: 'rejected', reason: 'Validation', errorType: 'ValidationError', message: 'bad', remote: server }),
    facts,
    {
      kind: 'fail',
      remote: server,
      refusal: { kind: 'rejected', reason: 'Validation', errorType: 'ValidationError', message: 'bad' },
      report: {
        errorType: 'ValidationError',
        message:
          "Update of Note n1 was rejected (Validation): bad. The local record was restored to the server's state; this device's version is kept for review.",
      },
    },
  ],
  [
    'rejected without a record: fetch it first',
    fresh,
    sent({ kind: 'rejected', reason: 'Unauthorized', errorType: null, message: 'no', remote: null }),
    facts,
    { kind: 'fetchServer' },
  ],
  [
    'conflict: ask the handler with the remote and attempt 1',
    fresh,
    sent({ kind: 'conflict', remote: server, message: 'c' }),
    facts,
    { kind: 'askConflictHandler', remote: server, attempts: 1 },
    { conflictAttempts: 1, conflictRemote: server },
  ],
  [
    'second conflict: attempt 2',
    { ...fresh, conflictAttempts: 1 },
    sent({ kind: 'conflict', remote: null, message: 'c' }),
    facts,
    { kind: 'askConflictHandler', remote: null, attempts: 2 },
    { conflictAttempts: 2, conflictRemote: null },
  ],
  [
    'handler retries: sent again',
    { ...fresh, conflictAttempts: 1 },
    { kind: 'resolved', resolution: { kind: 'retry', data: server } },
    facts,
    { kind: 'send' },
  ],
  [
    'handler discards: fetch the server record',
    { ...fresh, conflictAttempts: 1 },
    { kind: 'resolved', resolution: { kind: 'discard', why: 'handler' } },
    facts,
    { kind: 'fetchServer' },
  ],
];

for (const [name, state, answer, f, step, changes] of table) {
  test(`nextOutboxStep: ${name}`, () => {
    const next = nextOutboxStep(state, answer, f);
    assert.deepEqual(next.step, step);
    if (changes !== undefined) {
      for (const [key, value] of Object.entries(changes)) assert.deepEqual(next.state[key as keyof OutboxEntryState], value, key);
    } else {
      assert.deepEqual({ ...next.state, fetching: null }, { ...state, fetching: null }, 'state unchanged');
    }
  });
}

/** Drives the reducer through `answers` (the first is `begin`), returning every step. */
function run(start: OutboxEntryState, answers: readonly OutboxAnswer[], f: OutboxFacts = facts): OutboxStep[] {
  let state = start;
  return answers.map((answer) => {
    const next = nextOutboxStep(state, answer, f);
    state = next.state;
    return next.step;
  });
}

test('rejected without a record: the fetched record (or null) goes with the failure; an unreachable fetch waits and fetches again', () => {
  const steps = run(fresh, [
    { kind: 'begin' },
    sent({ kind: 'rejected', reason: 'Unauthorized', errorType: null, message: 'no', remote: null }),
    { kind: 'fetched', record: 'unreachable' },
    { kind: 'waited' },
    { kind: 'fetched', record: null },
  ]);
  assert.deepEqual(
    steps.map((s) => s.kind),
    ['send', 'fetchServer', 'retryAfter', 'fetchServer', 'fail'],
  );
  const fail = steps[4];
  assert.ok(fail.kind === 'fail');
  assert.equal(fail.remote, null);
  assert.deepEqual(fail.refusal, { kind: 'rejected', reason: 'Unauthorized', errorType: null, message: 'no' });
  assert.equal(fail.report?.errorType, 'Unauthorized', 'no errorType: the reason names it');
});

test('discarded conflict: fail with the fresh record, else the conflict remote; report and refusal by why', () => {
  const conflictThenDiscard = (
    why: 'handler' | 'attemptsExhausted' | 'remoteDeleted' | 'noRemoteRecord',
    fetched: typeof server | null,
    detail?: string,
  ): OutboxStep => {
    const steps = run(fresh, [
      { kind: 'begin' },
      sent({ kind: 'conflict', remote: server, message: 'c' }),
      { kind: 'resolved', resolution: { kind: 'discard', why, ...(detail ? { detail } : {}) } },
      { kind: 'fetched', record: fetched },
    ]);
    assert.deepEqual(
      steps.slice(0, 3).map((s) => s.kind),
      ['send', 'askConflictHandler', 'fetchServer'],
    );
    return steps[3];
  };
  const newer = { ...server, _version: 5 };
  assert.deepEqual(
    conflictThenDiscard('handler', newer),
    { kind: 'fail', remote: newer, refusal: null, report: null },
    "the app's handler chose it: nothing to review or report",
  );
  assert.deepEqual(conflictThenDiscard('remoteDeleted', null), {
    kind: 'fail',
    remote: server,
    refusal: { kind: 'conflictGivenUp', resolution: { kind: 'discard', why: 'remoteDeleted' }, attempts: 1 },
    report: null,
  });
  const exhausted = conflictThenDiscard('attemptsExhausted', null, 'after 10');
  assert.ok(exhausted.kind === 'fail');
  assert.deepEqual(exhausted.report, {
    errorType: 'ConflictUnhandled',
    message: "Update of Note n1 was given up after 1 conflict(s) (attemptsExhausted: after 10); the server's record was kept.",
  });
});

test('one failure count across checks, sends and fetches: delays grow 200, 400, 800, 1600 ms', () => {
  const steps = run(uncertain, [
    { kind: 'begin' },
    { kind: 'verified', verdict: 'unreachable' },
    { kind: 'waited' },
    { kind: 'verified', verdict: null },
    sent({ kind: 'retry', reason: 'network', message: 'x' }),
    { kind: 'waited' },
    { kind: 'verified', verdict: null },
    sent({ kind: 'rejected', reason: 'Other', errorType: null, message: 'no', remote: null }),
    { kind: 'fetched', record: 'unreachable' },
    { kind: 'waited' },
    { kind: 'fetched', record: 'unreachable' },
  ]);
  assert.deepEqual(
    steps.map((s) => (s.kind === 'retryAfter' ? s.ms : s.kind)),
    ['verify', 200, 'verify', 'send', 400, 'verify', 'send', 'fetchServer', 800, 'fetchServer', 1600],
  );
});

test('a fetch answer while not fetching is a bug, not a silent step', () => {
  assert.throws(() => nextOutboxStep(fresh, { kind: 'fetched', record: null }, facts), /not fetching/);
});
