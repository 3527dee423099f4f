import { test } from 'node:test';
import assert from 'node:assert/strict';
import { countAction, latestPerKey, mergeIncoming, type MergeCounts } from '../../../main/sync/merge-incoming.js';

test('a record with pending outbox entries is never overwritten, whatever its version', () => {
  assert.deepEqual(mergeIncoming({ id: 'a', _version: 99 }, { _version: 1 }, true), { kind: 'skip', reason: 'pending' });
  assert.deepEqual(mergeIncoming({ id: 'a', _version: 99, _deleted: true }, null, true), { kind: 'skip', reason: 'pending' });
});

test('newer versions apply, equal or older ones are ignored', () => {
  assert.deepEqual(mergeIncoming({ id: 'a', _version: 3 }, { _version: 2 }, false), { kind: 'update' });
  assert.deepEqual(mergeIncoming({ id: 'a', _version: 2 }, { _version: 2 }, false), { kind: 'skip', reason: 'notNewer' });
  assert.deepEqual(mergeIncoming({ id: 'a', _version: 1 }, { _version: 2 }, false), { kind: 'skip', reason: 'notNewer' });
  assert.deepEqual(mergeIncoming({ id: 'a', _version: 1 }, null, false), { kind: 'insert' });
});

test('tombstones delete, and count even for records never seen', () => {
  assert.deepEqual(mergeIncoming({ id: 'a', _version: 3, _deleted: true }, { _version: 2 }, false), { kind: 'delete', existed: true });
  assert.deepEqual(mergeIncoming({ id: 'a', _version: 3, _deleted: true }, null, false), { kind: 'delete', existed: false });
  const counts: MergeCounts = { new: 0, updated: 0, deleted: 0 };
  for (const a of [{ kind: 'insert' }, { kind: 'delete', existed: false }, { kind: 'skip', reason: 'pending' }, { kind: 'update' }] as const) countAction(counts, a);
  assert.deepEqual(counts, { new: 1, updated: 1, deleted: 1 });
});

test('a delta page keeps the newest version per record', () => {
  const page = [
    { id: 'a', _version: 1, t: 'a1' },
    { id: 'b', _version: 4, t: 'b4' },
    { id: 'a', _version: 3, t: 'a3' },
    { id: 'b', _version: 2, t: 'b2' },
  ];
  assert.deepEqual(latestPerKey(page, (r) => String(r.id)), [
    { id: 'a', _version: 3, t: 'a3' },
    { id: 'b', _version: 4, t: 'b4' },
  ]);
});
