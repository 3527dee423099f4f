import { test } from 'node:test';
import assert from 'node:assert/strict';
import { answerEchoesInput, classifyMutationAnswer, type GraphqlAnswer } from '../../../main/sync/mutation-outcome.js';

const ok = (over: Partial<GraphqlAnswer>): GraphqlAnswer => ({ data: null, errors: [], networkError: null, httpStatus: 200, ...over });
const server = { id: 'p1', title: 'server', _version: 4 };

test('a record under the root field is success', () => {
  assert.deepEqual(classifyMutationAnswer('updatePost', ok({ data: { updatePost: server } })), { kind: 'success', record: server });
});

test('ConflictUnhandled carries the server item for the conflict handler', () => {
  const outcome = classifyMutationAnswer(
    'updatePost',
    ok({ data: { updatePost: null }, errors: [{ message: 'Conflict resolver rejects mutation.', errorType: 'ConflictUnhandled', data: server }] }),
  );
  assert.deepEqual(outcome, { kind: 'conflict', remote: server, message: 'Conflict resolver rejects mutation.' });
});

test('condition failures, resolver Unauthorized and validation errors are rejected for good', () => {
  const ccf = classifyMutationAnswer(
    'updatePost',
    ok({ errors: [{ message: 'The conditional request failed', errorType: 'ConditionalCheckFailedException', data: server }] }),
  );
  assert.equal(ccf.kind, 'rejected');
  assert.equal(ccf.kind === 'rejected' && ccf.reason, 'ConditionalCheckFailed');
  assert.deepEqual(ccf.kind === 'rejected' && ccf.remote, server);
  const auth = classifyMutationAnswer(
    'updatePost',
    ok({ errors: [{ message: 'Not Authorized to access updatePost on type Mutation', errorType: 'Unauthorized' }] }),
  );
  assert.equal(auth.kind === 'rejected' && auth.reason, 'Unauthorized');
  const validation = classifyMutationAnswer('createPost', ok({ errors: [{ message: "Variable 'input' has coerced Null value for NonNull type 'String!'" }] }));
  assert.equal(validation.kind === 'rejected' && validation.reason, 'Validation');
  const badRequest = classifyMutationAnswer(
    'createPost',
    ok({ httpStatus: 400, errors: [{ message: 'Validation error of type FieldUndefined', errorType: 'ValidationError' }] }),
  );
  assert.equal(badRequest.kind === 'rejected' && badRequest.reason, 'Validation');
});

test('network failures, 5xx, throttling and transient server types are retried', () => {
  assert.deepEqual(classifyMutationAnswer('x', ok({ httpStatus: null, networkError: 'ECONNREFUSED' })), {
    kind: 'retry',
    reason: 'network',
    message: 'ECONNREFUSED',
  });
  assert.equal(classifyMutationAnswer('x', ok({ httpStatus: 503, networkError: 'Service Unavailable' })).kind, 'retry');
  assert.equal(classifyMutationAnswer('x', ok({ httpStatus: 502, errors: [{ message: 'bad gateway' }] })).kind, 'retry');
  assert.equal(classifyMutationAnswer('x', ok({ httpStatus: 429, networkError: 'slow down' })).kind, 'retry');
  assert.equal(classifyMutationAnswer('x', ok({ errors: [{ message: 'oops', errorType: 'InternalFailure' }] })).kind, 'retry');
});

test('request-level 401/403 pauses instead of dropping the edit', () => {
  assert.equal(
    classifyMutationAnswer('x', ok({ httpStatus: 401, errors: [{ message: 'Unauthorized', errorType: 'UnauthorizedException' }] })).kind,
    'authFailure',
  );
  assert.equal(classifyMutationAnswer('x', ok({ httpStatus: 403, networkError: 'Forbidden' })).kind, 'authFailure');
});

test('an empty answer without errors is rejected, not silently taken as success', () => {
  assert.equal(classifyMutationAnswer('createPost', ok({ data: { createPost: null } })).kind, 'rejected');
});

test('versions propagate only when the answer holds exactly what was sent', () => {
  assert.equal(answerEchoesInput({ id: 'p', title: 'A', tags: ['x'], _version: 1 }, { id: 'p', title: 'A', tags: ['x'], rating: 3, _version: 2 }), true);
  assert.equal(answerEchoesInput({ id: 'p', tags: ['z'], _version: 1 }, { id: 'p', tags: ['x', 'z'], _version: 8 }), false, 'automerged list');
  assert.equal(answerEchoesInput({ id: 'p', rating: null }, { id: 'p' }), true, 'missing and null are the same');
});
