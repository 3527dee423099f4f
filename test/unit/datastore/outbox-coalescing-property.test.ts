// Property: whatever local saves/deletes happen on one record, interleaved with the sync worker
// sending entries one at a time, coalescing (the pure function) never changes the outcome — once
// the queue drains, a server that applied every sent entry holds exactly the local state, and no
// entry is ever invalid for the server's state at the time (update/delete of a missing record,
// create of an existing one).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { coalesceOutbox, type IncomingMutation } from '../../../main/datastore/outbox-coalescing.js';
import type { OutboxEntry } from '../../../main/datastore/outbox-entry.js';

type Fields = { name: string; code: string | null; tags: string[] };
type Step = { kind: 'save'; fields: Partial<Fields>; conditional: boolean } | { kind: 'delete'; conditional: boolean } | { kind: 'send' } | { kind: 'ack' };

const fieldsArb: fc.Arbitrary<Partial<Fields>> = fc.record(
  {
    name: fc.constantFrom('a', 'b', 'c'),
    code: fc.constantFrom<string | null>(null, 'x', 'y'),
    tags: fc.constantFrom<string[][]>([], ['t'], ['t', 'u']),
  },
  { requiredKeys: [] },
);
const stepArb: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('save' as const), fields: fieldsArb, conditional: fc.boolean() }),
  fc.record({ kind: fc.constant('delete' as const), conditional: fc.boolean() }),
  fc.constant({ kind: 'send' as const }),
  fc.constant({ kind: 'ack' as const }),
);

function userFields(data: Record<string, unknown>): Partial<Fields> {
  const { id: _id, _version: _v, _lastChangedAt: _l, _deleted: _d, ...rest } = data;
  return rest as Partial<Fields>;
}

function run(steps: readonly Step[]): void {
  let local: Fields | null = null;
  let server: Fields | null = null;
  let queue: OutboxEntry[] = [];
  let nextId = 1;
  const cond = { field: 'name', op: 'ne', value: 'zzz' } as const; // always true on the server

  const enqueue = (mutation: IncomingMutation): void => {
    for (const op of coalesceOutbox(queue, mutation)) {
      if (op.kind === 'remove') {
        assert.ok(!queue.find((e) => e.id === op.id)?.inFlight, 'in-flight entry removed');
        queue = queue.filter((e) => e.id !== op.id);
      } else if (op.kind === 'replaceData') {
        assert.ok(!queue.find((e) => e.id === op.id)?.inFlight, 'in-flight entry rewritten');
        queue = queue.map((e) => (e.id === op.id ? { ...e, data: op.data } : e));
      } else {
        queue.push({ id: nextId++, model: 'M', modelId: 'r', ...op.mutation, inFlight: false, createdAt: 0 });
      }
    }
  };
  const apply = (entry: OutboxEntry): void => {
    const data = userFields(entry.data);
    if (entry.operation === 'Create') {
      assert.equal(server, null, 'create of a record the server has');
      server = { name: 'unset', code: null, tags: [], ...data };
    } else if (entry.operation === 'Update') {
      assert.notEqual(server, null, 'update of a record the server lacks');
      server = { ...(server as Fields), ...data };
    } else {
      assert.notEqual(server, null, 'delete of a record the server lacks');
      server = null;
    }
  };

  for (const step of [
    ...steps,
    ...Array<Step>(40)
      .fill({ kind: 'send' })
      .flatMap((s) => [s, { kind: 'ack' } as Step]),
  ]) {
    switch (step.kind) {
      case 'save': {
        if (local === null) {
          local = { name: 'unset', code: null, tags: [], ...step.fields };
          enqueue({ operation: 'Create', data: { id: 'r', ...local, _version: null }, condition: null });
        } else {
          const current: Fields = local;
          const changed = Object.entries(step.fields).filter(([k, v]) => JSON.stringify(current[k as keyof Fields]) !== JSON.stringify(v));
          if (changed.length === 0) break;
          local = { ...current, ...step.fields };
          enqueue({ operation: 'Update', data: { id: 'r', ...Object.fromEntries(changed), _version: 1 }, condition: step.conditional ? cond : null });
        }
        break;
      }
      case 'delete':
        if (local === null) break;
        enqueue({ operation: 'Delete', data: { id: 'r', ...local, _version: 1 }, condition: step.conditional ? cond : null });
        local = null;
        break;
      case 'send':
        if (queue.length > 0 && !queue.some((e) => e.inFlight)) queue[0] = { ...queue[0], inFlight: true };
        break;
      case 'ack':
        if (queue[0]?.inFlight) {
          apply(queue[0]);
          queue = queue.slice(1);
        }
        break;
    }
  }
  assert.equal(queue.length, 0);
  assert.deepEqual(server, local);
}

test('coalescing preserves the final state under any interleaving of edits and sends', () => {
  fc.assert(
    fc.property(fc.array(stepArb, { maxLength: 30 }), (steps) => run(steps)),
    { numRuns: 2000, seed: 20261125 },
  );
});
