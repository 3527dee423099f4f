// Sync-query answers (main/sync/query-outcome.ts): a table of answers and what each becomes, and a
// property: on random answers the classification is the one sync queries had when they were
// classified as mutations (the behaviour it replaced), so nothing changed for a page.
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import fc from 'fast-check';
import { classifyMutationAnswer, type GraphqlAnswer } from '../../../main/sync/mutation-outcome.js';
import { classifySyncQueryAnswer, isRetryableQueryFailure, type SyncQueryOutcome } from '../../../main/sync/query-outcome.js';

const FIELD = 'syncNotes';
const page = { [FIELD]: { items: [], nextToken: null, startedAt: 1 } };
const answer = (over: Partial<GraphqlAnswer>): GraphqlAnswer => ({ data: null, errors: [], networkError: null, httpStatus: 200, ...over });
const err = (errorType: string | null, message = 'm') => ({ message, errorType });

const ROWS: ReadonlyArray<readonly [string, GraphqlAnswer, SyncQueryOutcome]> = [
  ['a page', answer({ data: page }), { kind: 'page' }],
  ['refused connection', answer({ networkError: 'fetch failed', httpStatus: null }), { kind: 'transient', message: 'fetch failed' }],
  ['HTTP 503', answer({ networkError: 'Service Unavailable', httpStatus: 503 }), { kind: 'transient', message: 'Service Unavailable' }],
  ['HTTP 401 (credentials)', answer({ networkError: 'Unauthorized', httpStatus: 401 }), { kind: 'transient', message: 'Unauthorized' }],
  ['HTTP 429', answer({ networkError: 'Too Many', httpStatus: 429 }), { kind: 'transient', message: 'Too Many' }],
  ['HTTP 413', answer({ networkError: 'Too Large', httpStatus: 413 }), { kind: 'refused', errorType: 'TooLarge', message: 'Too Large' }],
  ['HTTP 400', answer({ networkError: 'Bad', httpStatus: 400 }), { kind: 'refused', errorType: 'Other', message: 'Bad' }],
  ['InternalFailure', answer({ errors: [err('InternalFailure')] }), { kind: 'transient', message: 'm' }],
  ['Unauthorized on 401', answer({ errors: [err('UnauthorizedException')], httpStatus: 401 }), { kind: 'transient', message: 'm' }],
  ['Unauthorized on 200', answer({ errors: [err('Unauthorized')] }), { kind: 'refused', errorType: 'Unauthorized', message: 'm' }],
  ['Unauthorized with a page: partial', answer({ data: page, errors: [err('Unauthorized')] }), { kind: 'partial', errorType: 'Unauthorized', message: 'm' }],
  [
    'validation by message',
    answer({ errors: [err(null, 'Validation error of type X')] }),
    { kind: 'refused', errorType: 'Validation', message: 'Validation error of type X' },
  ],
  ['an unknown error', answer({ errors: [err(null)] }), { kind: 'refused', errorType: 'Other', message: 'm' }],
  ['a conflict keeps no page', answer({ data: page, errors: [err('ConflictUnhandled')] }), { kind: 'refused', errorType: 'Unknown', message: 'm' }],
];

for (const [name, given, expected] of ROWS) {
  test(`sync query answer: ${name}`, () => assert.deepEqual(classifySyncQueryAnswer(FIELD, given), expected));
}

test('isRetryableQueryFailure: transient failures only', () => {
  assert.equal(isRetryableQueryFailure(answer({ networkError: 'x', httpStatus: null })), true);
  assert.equal(isRetryableQueryFailure(answer({ errors: [err('Unauthorized')] })), false);
});

/** What the sync page code made of an answer when it classified it as a mutation. */
function asBefore(field: string, given: GraphqlAnswer): SyncQueryOutcome {
  if (given.errors.length === 0 && given.networkError === null) return { kind: 'page' };
  const outcome = classifyMutationAnswer(field, given);
  if (outcome.kind === 'retry' || outcome.kind === 'authFailure') return { kind: 'transient', message: outcome.message };
  if (outcome.kind === 'rejected' && given.data?.[field] != null)
    return { kind: 'partial', errorType: outcome.errorType ?? outcome.reason, message: outcome.message };
  const message = outcome.kind === 'rejected' || outcome.kind === 'conflict' ? outcome.message : 'unexpected answer';
  return { kind: 'refused', errorType: outcome.kind === 'rejected' ? (outcome.errorType ?? outcome.reason) : 'Unknown', message };
}

test('sync query answers are classified as they were before (random answers)', () => {
  const seed = Number(process.env.SEED ?? Date.now() % 2 ** 31);
  console.log(`query-outcome property seed ${seed}`);
  const errorType = fc.constantFrom(
    null,
    'ConflictUnhandled',
    'InternalFailure',
    'Unauthorized',
    'UnauthorizedException',
    'PayloadTooLarge',
    'ConditionalCheckFailed',
    'ValidationError',
    'ThrottlingException',
    'Weird',
  );
  const message = fc.constantFrom('m', 'Validation error of type X', "Variable 'input' has an invalid value", 'Cannot return null for');
  const arb = fc.record({
    data: fc.constantFrom(null, page, { [FIELD]: null }),
    errors: fc.array(fc.record({ message, errorType }), { maxLength: 2 }),
    networkError: fc.constantFrom(null, 'fetch failed'),
    httpStatus: fc.constantFrom(null, 200, 400, 401, 403, 413, 429, 500, 503),
  });
  fc.assert(
    fc.property(arb, (given) => assert.deepEqual(classifySyncQueryAnswer(FIELD, given), asBefore(FIELD, given))),
    { seed, numRuns: 2000 },
  );
});
