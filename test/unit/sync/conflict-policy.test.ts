import { test } from 'node:test';
import assert from 'node:assert/strict';
import { conflictOperation, defaultConflictHandler, DISCARD, MAX_CONFLICT_ATTEMPTS, resolveConflict } from '../../../main/sync/conflict-policy.js';

const local = { id: 'p1', title: 'mine', _version: 1 };
const remote = { id: 'p1', title: 'theirs', rating: 2, _version: 5, _deleted: null };
const base = { model: 'Post', localModel: local, remoteModel: remote, operation: 'UPDATE' as const, attempts: 1 };

test('default handler retries the local change on the remote version', async () => {
  assert.deepEqual(await resolveConflict(defaultConflictHandler, base), { kind: 'retry', data: { id: 'p1', title: 'mine', _version: 5 } });
});

test('default handler takes a remote tombstone instead of updating a deleted record', async () => {
  const resolution = await resolveConflict(defaultConflictHandler, { ...base, remoteModel: { ...remote, _deleted: true } });
  assert.deepEqual(resolution, { kind: 'discard', why: 'remoteDeleted' });
  const del = await resolveConflict(defaultConflictHandler, { ...base, operation: 'DELETE', remoteModel: { ...remote, _deleted: true } });
  assert.equal(del.kind, 'retry');
});

test('the handler sees the Amplify contract and its DISCARD is honoured', async () => {
  const seen: unknown[] = [];
  const resolution = await resolveConflict(async (c) => {
    seen.push(c);
    return DISCARD;
  }, base);
  assert.deepEqual(resolution, { kind: 'discard', why: 'handler' });
  assert.deepEqual(seen, [base]);
});

test('a custom record keeps fields it left out from the local change and defaults _version to remote', async () => {
  const resolution = await resolveConflict(() => ({ title: 'merged' }), base);
  assert.deepEqual(resolution, { kind: 'retry', data: { title: 'merged', id: 'p1', _version: 1 } });
  const withVersion = await resolveConflict(({ remoteModel }) => ({ id: 'p1', title: 'merged', _version: remoteModel._version }), base);
  assert.deepEqual(withVersion, { kind: 'retry', data: { id: 'p1', title: 'merged', _version: 5 } });
});

test('after 10 attempts, without a remote record, or when the handler throws, the server state is taken', async () => {
  let calls = 0;
  const counting = () => {
    calls++;
    return local;
  };
  assert.equal((await resolveConflict(counting, { ...base, attempts: MAX_CONFLICT_ATTEMPTS })).kind, 'retry');
  assert.deepEqual(await resolveConflict(counting, { ...base, attempts: MAX_CONFLICT_ATTEMPTS + 1 }), { kind: 'discard', why: 'attemptsExhausted' });
  assert.equal(calls, 1);
  assert.deepEqual(await resolveConflict(counting, { ...base, remoteModel: null }), { kind: 'discard', why: 'noRemoteRecord' });
  const thrown = await resolveConflict(() => {
    throw new Error('boom');
  }, base);
  assert.deepEqual(thrown, { kind: 'discard', why: 'handlerFailed', detail: 'boom' });
  const junk = await resolveConflict(() => 42 as never, base);
  assert.equal(junk.kind, 'discard');
});

test('operations map to Amplify names', () => {
  assert.deepEqual(
    ['Create', 'Update', 'Delete'].map((o) => conflictOperation(o as 'Create')),
    ['INSERT', 'UPDATE', 'DELETE'],
  );
});
