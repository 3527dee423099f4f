import { test } from 'node:test';
import assert from 'node:assert/strict';
import { automerge } from '../../../server/resolvers/automerge.js';

test('PROTOCOL.md §3.3 example: scalars keep the server value, lists concatenate, null takes incoming', () => {
  const stored = { id: 'p1', title: 'A', rating: 3, tags: ['x', 'y'], status: null, _version: 7 };
  const merged = automerge(stored, { title: 'B', tags: ['z'], status: 'ACTIVE' });
  assert.deepEqual(merged, { id: 'p1', title: 'A', rating: 3, tags: ['x', 'y', 'z'], status: 'ACTIVE', _version: 7 });
});

test('embedded objects merge per key, recursively; duplicates in lists are kept', () => {
  const stored = { loc: { lat: 1, tags: ['a'], inner: { x: 1 } }, list: ['a'] };
  const merged = automerge(stored, { loc: { lat: 2, lon: 5, tags: ['a'], inner: { x: 2, y: 3 } }, list: ['a'] });
  assert.deepEqual(merged, { loc: { lat: 1, lon: 5, tags: ['a', 'a'], inner: { x: 1, y: 3 } }, list: ['a', 'a'] });
});

test('a field missing on the server is taken; an incoming null never erases a server value', () => {
  assert.deepEqual(automerge({ a: 1 }, { b: 2, a: null }), { a: 1, b: 2 });
  // A list against a scalar is a type clash: the server wins.
  assert.deepEqual(automerge({ a: 'text' }, { a: ['x'] }), { a: 'text' });
});

test('does not mutate its inputs', () => {
  const stored = { tags: ['x'], o: { k: 1 } };
  const incoming = { tags: ['y'], o: { j: 2 } };
  automerge(stored, incoming);
  assert.deepEqual(stored, { tags: ['x'], o: { k: 1 } });
  assert.deepEqual(incoming, { tags: ['y'], o: { j: 2 } });
});
