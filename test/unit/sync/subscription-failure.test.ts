// What a failed subscription leads to (main/sync/core/subscription-failure.ts), one row per case.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { subscriptionFailureAction, type SubscriptionAttempt, type SubscriptionFailureAction } from '../../../main/sync/core/subscription-failure.js';

const plain: SubscriptionAttempt = { anotherMode: false, filtered: false, stopping: false };
const giveUp = (report: boolean, retryLater: boolean): SubscriptionFailureAction => ({ kind: 'giveUp', report, retryLater });
const err = (errorType: string | null) => [{ errorType }];

const table: Array<[string, Array<{ errorType: string | null }>, SubscriptionAttempt, SubscriptionFailureAction]> = [
  ['unauthorized with another mode left: next mode', err('Unauthorized'), { ...plain, anotherMode: true }, { kind: 'nextMode' }],
  ['UnauthorizedException counts as unauthorized', err('UnauthorizedException'), { ...plain, anotherMode: true, filtered: true }, { kind: 'nextMode' }],
  ['unauthorized, no mode left: reported, not retried', err('Unauthorized'), plain, giveUp(true, false)],
  ['unauthorized with a filter: the filter is not the problem', err('Unauthorized'), { ...plain, filtered: true }, giveUp(true, false)],
  ['a filtered subscription refused otherwise: without the filter', err('BadRequest'), { ...plain, filtered: true }, { kind: 'withoutFilter' }],
  ['another mode left but not unauthorized: filter first', err('BadRequest'), { ...plain, filtered: true, anotherMode: true }, { kind: 'withoutFilter' }],
  ['transient failure: reported and retried later', err('LimitExceeded'), plain, giveUp(true, true)],
  ['no errorType (no start_ack): reported and retried later', err(null), plain, giveUp(true, true)],
  ['no errors at all: reported and retried later', [], plain, giveUp(true, true)],
  ['operation disabled: silent, never retried', err('OperationDisabled'), plain, giveUp(false, false)],
  ['operation disabled while filtered: filter dropped first', err('OperationDisabled'), { ...plain, filtered: true }, { kind: 'withoutFilter' }],
  ['stopping: no next mode, no retry', err('Unauthorized'), { ...plain, anotherMode: true, stopping: true }, giveUp(true, false)],
  ['stopping with a filter: no resubscribe', err('BadRequest'), { ...plain, filtered: true, stopping: true }, giveUp(true, false)],
];

for (const [name, errors, attempt, expected] of table) {
  test(`subscriptionFailureAction: ${name}`, () => {
    assert.deepEqual(subscriptionFailureAction(errors, attempt), expected);
  });
}
