import { test } from 'node:test';
import assert from 'node:assert/strict';
import { predicateFor, where } from '../../../common/predicates/builder.js';
import type { Inspection, Observation, Site } from '../../../common/generated/models.js';

test('untyped builder produces the JSON tree', () => {
  assert.deepEqual(where.title.beginsWith('[Amplify]'), { field: 'title', op: 'beginsWith', value: '[Amplify]' });
  assert.deepEqual(where.and(where.score.between(1, 5), where.or(where.notes.eq(null), where.not(where.tags.contains('x')))), {
    and: [
      { field: 'score', op: 'between', value: [1, 5] },
      { or: [{ field: 'notes', op: 'eq', value: null }, { not: { field: 'tags', op: 'contains', value: 'x' } }] },
    ],
  });
  assert.deepEqual(where.status.in(['DRAFT', null]), { field: 'status', op: 'in', value: ['DRAFT', null] });
  assert.deepEqual(where.code.attributeExists(false), { field: 'code', op: 'attributeExists', value: false });
  assert.deepEqual(where.and(), { and: [] });
  assert.deepEqual(where.or(), { or: [] });
});

test('every operator maps to its name', () => {
  const w = where.x;
  assert.deepEqual(
    [w.eq(1), w.ne(1), w.lt(1), w.le(1), w.gt(1), w.ge(1), w.contains(1), w.notContains(1)].map((c) => c.op),
    ['eq', 'ne', 'lt', 'le', 'gt', 'ge', 'contains', 'notContains'],
  );
});

test('built trees are frozen and survive JSON', () => {
  const values = ['a', 'b'];
  const p = where.and(where.title.in(values));
  values.push('c');
  assert.deepEqual(p, { and: [{ field: 'title', op: 'in', value: ['a', 'b'] }] });
  assert.ok(Object.isFrozen(p));
  assert.ok(Object.isFrozen((p.and[0] as { value: unknown }).value));
  assert.deepEqual(JSON.parse(JSON.stringify(p)), p);
});

test('typed builder (codegen record types) offers the operators that fit each field', () => {
  const w = predicateFor<Inspection>();
  const site = predicateFor<Site>();
  const observation = predicateFor<Observation>();
  assert.deepEqual(w.status.eq('DRAFT'), { field: 'status', op: 'eq', value: 'DRAFT' });
  assert.deepEqual(w.title.beginsWith('x'), { field: 'title', op: 'beginsWith', value: 'x' });
  assert.deepEqual(site.tags.contains('a'), { field: 'tags', op: 'contains', value: 'a' });
  assert.deepEqual(observation.measurements.contains(1.5), { field: 'measurements', op: 'contains', value: 1.5 });
  assert.deepEqual(w._deleted.ne(true), { field: '_deleted', op: 'ne', value: true });
  assert.deepEqual(w._version.ge(2), { field: '_version', op: 'ge', value: 2 });
  assert.deepEqual(w.and(w.score.gt(1), w.not(w.notes.eq(null))), {
    and: [{ field: 'score', op: 'gt', value: 1 }, { not: { field: 'notes', op: 'eq', value: null } }],
  });
  // Compile-time checks (npm run typecheck fails if any of these becomes allowed).
  // @ts-expect-error beginsWith does not exist on a number field
  assert.equal(typeof w.score.beginsWith, 'function');
  // @ts-expect-error enums only offer eq/ne/in
  assert.equal(typeof w.status.lt, 'function');
  // @ts-expect-error not an enum member
  w.status.eq('DONE');
  // @ts-expect-error a string for a number field
  w.score.eq('5');
  // @ts-expect-error lt on a boolean field
  assert.equal(typeof observation.resolved.lt, 'function');
  // @ts-expect-error a list field only takes element values
  site.tags.contains(['a']);
  // @ts-expect-error embedded objects are not filterable
  assert.equal(typeof site.location, 'object');
  // @ts-expect-error unknown field
  assert.equal(typeof w.titel, 'object');
});

test('symbol properties are not fields', () => {
  assert.equal((where as unknown as Record<symbol, unknown>)[Symbol.toPrimitive], undefined);
});
