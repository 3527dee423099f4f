// PROTOCOL.md §4.2 coalescing table, row by row, on the pure function.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { coalesceOutbox, type IncomingMutation } from '../../../main/datastore/outbox-coalescing.js';
import type { OutboxEntry, OutboxOperation } from '../../../main/datastore/outbox-entry.js';
import type { Predicate } from '../../../common/predicates/types.js';

let nextId = 1;
function entry(operation: OutboxOperation, data: Record<string, unknown>, opts: { inFlight?: boolean; condition?: Predicate } = {}): OutboxEntry {
  return {
    id: nextId++,
    model: 'Site',
    modelId: 's1',
    operation,
    data: { id: 's1', ...data },
    condition: opts.condition ?? null,
    inFlight: opts.inFlight ?? false,
    createdAt: 0,
  };
}
function incoming(operation: OutboxOperation, data: Record<string, unknown>, condition: Predicate | null = null): IncomingMutation {
  return { operation, data: { id: 's1', ...data }, condition };
}
const cond: Predicate = { field: 'name', op: 'eq', value: 'old' };

test('nothing queued: the incoming mutation is appended', () => {
  const m = incoming('Update', { name: 'x', _version: 3 });
  assert.deepEqual(coalesceOutbox([], m), [{ kind: 'append', mutation: m }]);
});

test('Create then Delete: the create is removed and the delete dropped', () => {
  const first = entry('Create', { name: 'a', _version: null });
  assert.deepEqual(coalesceOutbox([first], incoming('Delete', { name: 'a' })), [{ kind: 'remove', id: first.id }]);
});

test('Create then Update: merged into the create in place, incoming fields win, metadata and condition of the create kept', () => {
  const first = entry('Create', { name: 'a', code: 'C1', _version: null, _lastChangedAt: null });
  const ops = coalesceOutbox([first], incoming('Update', { name: 'b', _version: 7 }, cond));
  assert.deepEqual(ops, [{ kind: 'replaceData', id: first.id, data: { id: 's1', name: 'b', code: 'C1', _version: null, _lastChangedAt: null } }]);
});

test('Create then Create: merged into the first create', () => {
  const first = entry('Create', { name: 'a', tags: ['x'] });
  const ops = coalesceOutbox([first], incoming('Create', { tags: ['y'] }));
  assert.deepEqual(ops, [{ kind: 'replaceData', id: first.id, data: { id: 's1', name: 'a', tags: ['y'] } }]);
});

test("Update then unconditional Update: every queued entry removed, one merged Update appended with the first one's metadata", () => {
  const first = entry('Update', { name: 'a', _version: 2, _lastChangedAt: 100 });
  const ops = coalesceOutbox([first], incoming('Update', { code: 'Z', _version: 1, _lastChangedAt: 5 }));
  assert.deepEqual(ops, [
    { kind: 'remove', id: first.id },
    {
      kind: 'append',
      mutation: { operation: 'Update', data: { id: 's1', name: 'a', code: 'Z', _version: 2, _lastChangedAt: 100 }, condition: null },
    },
  ]);
});

test('Update then unconditional Delete: merged entry becomes a Delete at the tail', () => {
  const first = entry('Update', { name: 'a', _version: 4 });
  const ops = coalesceOutbox([first], incoming('Delete', { name: 'a', code: null, _version: 4 }));
  assert.equal(ops.length, 2);
  assert.deepEqual(ops[0], { kind: 'remove', id: first.id });
  assert.deepEqual(ops[1], {
    kind: 'append',
    mutation: { operation: 'Delete', data: { id: 's1', name: 'a', code: null, _version: 4 }, condition: null },
  });
});

test('Update/Delete then a conditional mutation: appended unmerged, queue untouched', () => {
  for (const op of ['Update', 'Delete'] as const) {
    const first = entry(op, { name: 'a', _version: 2 });
    const m = incoming('Update', { name: 'b', _version: 2 }, cond);
    assert.deepEqual(coalesceOutbox([first], m), [{ kind: 'append', mutation: m }]);
  }
});

test('the in-flight entry is never touched: coalescing starts after it', () => {
  const inFlightCreate = entry('Create', { name: 'a' }, { inFlight: true });
  // A delete behind an in-flight create must reach the server: appended, create untouched.
  const del = incoming('Delete', { name: 'a' });
  assert.deepEqual(coalesceOutbox([inFlightCreate], del), [{ kind: 'append', mutation: del }]);

  const inFlightUpdate = entry('Update', { name: 'a', _version: 1 }, { inFlight: true });
  const queued = entry('Update', { code: 'Q', _version: 1 });
  const ops = coalesceOutbox([inFlightUpdate, queued], incoming('Update', { name: 'c', _version: 1 }));
  assert.deepEqual(ops, [
    { kind: 'remove', id: queued.id },
    { kind: 'append', mutation: { operation: 'Update', data: { id: 's1', code: 'Q', name: 'c', _version: 1 }, condition: null } },
  ]);
});

test('several queued entries: the merged entry keeps the fields of every one of them', () => {
  const a = entry('Update', { name: 'a', _version: 2 }, { condition: cond });
  const b = entry('Update', { code: 'B', _version: 2 });
  const ops = coalesceOutbox([a, b], incoming('Update', { tags: ['t'], _version: 2 }));
  assert.deepEqual(ops, [
    { kind: 'remove', id: a.id },
    { kind: 'remove', id: b.id },
    { kind: 'append', mutation: { operation: 'Update', data: { id: 's1', name: 'a', code: 'B', tags: ['t'], _version: 2 }, condition: null } },
  ]);
});

test('beyond DataStore: a Create behind a queued Delete (record re-created with the same key) becomes an Update', () => {
  const first = entry('Delete', { name: 'old', code: 'k', _version: 6 });
  const ops = coalesceOutbox([first], incoming('Create', { name: 'new', code: null, _version: null }));
  assert.deepEqual(ops, [
    { kind: 'remove', id: first.id },
    { kind: 'append', mutation: { operation: 'Update', data: { id: 's1', name: 'new', code: null, _version: 6 }, condition: null } },
  ]);
});
