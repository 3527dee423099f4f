// Whether a real-time `start` is refused, and with which AppSync error: a plain decision over the
// connection's counts, shared by starts that arrive before and after the connection is initialised.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startRefusal } from '../../../server/realtime/realtime-connection.js';

test('a start is refused for an id in use, then for a full connection; otherwise taken', () => {
  const cases = [
    { idInUse: false, subscriptions: 0, limit: 100, errorType: null },
    { idInUse: false, subscriptions: 99, limit: 100, errorType: null },
    { idInUse: false, subscriptions: 100, limit: 100, errorType: 'MaxSubscriptionsReachedError' },
    { idInUse: true, subscriptions: 0, limit: 100, errorType: 'BadRequestException' },
    { idInUse: true, subscriptions: 100, limit: 100, errorType: 'BadRequestException' },
  ] as const;
  for (const c of cases) {
    const refusal = startRefusal('s-1', c.idInUse, c.subscriptions, c.limit);
    assert.equal(refusal?.errorType ?? null, c.errorType, JSON.stringify(c));
  }
  assert.equal(startRefusal('s-1', true, 0, 1)?.message, 'Subscription id "s-1" is already in use on this connection');
  assert.equal(startRefusal('s-1', false, 1, 1)?.message, 'Max number of 1 subscriptions reached');
});
