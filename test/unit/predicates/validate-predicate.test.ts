import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ValidationError } from '../../../common/errors.js';
import { validatePredicate } from '../../../common/predicates/validate-predicate.js';
import { where } from '../../../common/predicates/builder.js';
import { exampleSchema, readingSchema } from './schema-fixture.js';

function rejects(model: string, predicate: unknown, message: string | RegExp, path?: string): void {
  const schema = model === 'Reading' ? readingSchema : exampleSchema;
  assert.throws(
    () => validatePredicate(schema, model, predicate),
    (err: unknown) => {
      assert.ok(err instanceof ValidationError, `expected ValidationError, got ${String(err)}`);
      if (typeof message === 'string') assert.equal(err.message, message);
      else assert.match(err.message, message);
      if (path !== undefined) assert.equal(err.path, path);
      return true;
    },
  );
}

test('accepts good predicates and returns a clean copy', () => {
  const p = where.and(
    where.title.beginsWith('x'),
    where.status.in(['DRAFT', null]),
    where.not(where.score.between(-5, 5)),
    where.or(),
    where.createdAt.gt('2024-01-01'),
    where.owner.eq('sub::user'),
    where._version.ge(1),
    where._lastChangedAt.lt(1_700_000_000_000),
    where._deleted.ne(true),
    where.inspectedAt.attributeExists(false),
  );
  const copy = validatePredicate(exampleSchema, 'Inspection', p);
  assert.deepEqual(copy, p);
  assert.notEqual(copy, p);
  assert.deepEqual(validatePredicate(exampleSchema, 'Site', where.tags.contains('a')), where.tags.contains('a'));
  assert.deepEqual(validatePredicate(exampleSchema, 'Site', where.tags.eq(null)), where.tags.eq(null));
  assert.deepEqual(validatePredicate(exampleSchema, 'Observation', where.measurements.contains(1.5)), where.measurements.contains(1.5));
  assert.deepEqual(validatePredicate(readingSchema, 'Reading', where.levels.contains('Mid')), where.levels.contains('Mid'));
  assert.deepEqual(validatePredicate(readingSchema, 'Reading', where.epoch.gt(2 ** 40)), where.epoch.gt(2 ** 40));
  assert.deepEqual(validatePredicate(readingSchema, 'Reading', where.payload.contains('"a"')), where.payload.contains('"a"'));
});

test('unknown model lists the models', () => {
  assert.throws(() => validatePredicate(exampleSchema, 'Nope', where.id.eq('1')), {
    message: 'unknown model "Nope"; models: Site, Inspection, Observation',
  });
});

test('unknown field lists the filterable fields', () => {
  rejects(
    'Inspection',
    where.and(where.title.eq('a'), where.titel.eq('b')),
    'predicate.and[1]: Inspection has no field "titel"; fields that can be filtered: id, siteID, title, status, score, notes, inspectedAt, createdAt, updatedAt, owner, _version, _lastChangedAt, _deleted',
    'Inspection.titel',
  );
});

test('relation and embedded fields are not filterable', () => {
  rejects(
    'Inspection',
    where.site.eq('x'),
    'predicate: Inspection.site is a relation to Site and cannot be filtered; filter on its key field siteID instead',
    'Inspection.site',
  );
  rejects('Site', where.inspections.attributeExists(true), /^predicate: Site\.inspections is a relation to Inspection and cannot be filtered$/);
  rejects('Site', where.location.eq(null), 'predicate: Site.location is an embedded GeoPoint object and cannot be filtered');
});

test('operators that do not fit the field type', () => {
  rejects(
    'Inspection',
    where.score.beginsWith('1'),
    'predicate: beginsWith does not apply to Inspection.score (Int); use one of: eq, ne, lt, le, gt, ge, between, attributeExists, in',
  );
  rejects('Observation', where.resolved.lt(true), 'predicate: lt does not apply to Observation.resolved (Boolean); use one of: eq, ne, attributeExists, in');
  rejects('Inspection', where.score.contains(1), /^predicate: contains does not apply to Inspection.score \(Int\)/);
  rejects('Observation', where.severity.contains('LOW'), /^predicate: contains does not apply to Observation.severity \(Severity\); use one of: eq, ne, in$/);
  rejects('Inspection', where.status.gt('DRAFT'), /^predicate: gt does not apply to Inspection.status/);
  rejects(
    'Site',
    where.tags.beginsWith('a'),
    'predicate: beginsWith does not apply to Site.tags ([String]); use one of: eq, ne, contains, notContains, attributeExists',
  );
  rejects('Site', where.tags.eq(['a']), 'predicate: Site.tags is a list ([String]); eq only tests it for null there, got ["a"] (use contains / notContains)');
  rejects('Inspection', { field: 'title', op: 'startsWith', value: 'a' }, /^predicate: unknown operator "startsWith" on Inspection.title; operators: eq, ne, /);
});

test('values of the wrong type', () => {
  rejects('Inspection', where.score.eq('5'), 'predicate: Inspection.score eq needs an integer from -2147483648 to 2147483647, got "5"', 'Inspection.score');
  rejects('Inspection', where.score.gt(2.5), /needs an integer from -2147483648 to 2147483647, got 2.5$/);
  rejects('Inspection', where.score.lt(2 ** 31), /Inspection.score lt needs an integer .* got 2147483648$/);
  rejects(
    'Observation',
    where.measurements.contains('1'),
    'predicate: Observation.measurements contains needs a finite number (an element of [Float]), got "1"',
  );
  rejects('Reading', where.value.ge(Number.POSITIVE_INFINITY), 'predicate: Reading.value ge needs a finite number, got Infinity');
  rejects('Reading', where.value.ge(Number.NaN), /Reading.value ge needs a finite number/);
  rejects('Observation', where.resolved.eq('true'), 'predicate: Observation.resolved eq needs true or false, got "true"');
  rejects('Inspection', where.title.eq(5), 'predicate: Inspection.title eq needs a string, got 5');
  rejects(
    'Inspection',
    where.status.eq('DONE'),
    'predicate: Inspection.status eq needs a member of InspectionStatus (DRAFT, IN_PROGRESS, SUBMITTED, APPROVED), got "DONE"',
  );
  rejects('Inspection', where.status.in(['DRAFT', 'draft']), /Inspection.status in needs a member of InspectionStatus .* got "draft"$/);
  rejects(
    'Reading',
    where.levels.contains('LOW'),
    'predicate: Reading.levels contains needs a member of Level (low, Mid, HIGH_2) (an element of [Level]), got "LOW"',
  );
  rejects('Inspection', where.title.lt(null), 'predicate: Inspection.title lt needs a value, got null (test for null with eq null or attributeExists)');
  rejects('Inspection', where.title.eq('a\u0000b'), /Inspection.title eq needs a string, got "a\\u0000b": contains U\+0000/);
  rejects('Inspection', where.title.eq('a\ud800'), /lone UTF-16 surrogate/);
});

test('between, in and attributeExists shapes', () => {
  rejects('Inspection', { field: 'score', op: 'between', value: [1] }, 'predicate: Inspection.score between needs a [low, high] array of 2 values, got [1]');
  rejects('Inspection', { field: 'score', op: 'between', value: 3 }, 'predicate: Inspection.score between needs a [low, high] array of 2 values, got 3');
  rejects('Inspection', where.score.between(1, null as unknown as number), /between needs a value, got null/);
  rejects('Inspection', where.score.between(5, 1), 'predicate: Inspection.score between has low 5 above high 1 (bounds are inclusive; swap them)');
  // Code point order: an emoji sorts above U+FFFD, so this pair is reversed.
  rejects('Inspection', where.title.between('😀', '\ufffd'), /between has low "😀" above high/);
  assert.ok(validatePredicate(exampleSchema, 'Inspection', where.title.between('\ufffd', '😀')));
  rejects('Inspection', { field: 'status', op: 'in', value: 'DRAFT' }, 'predicate: Inspection.status in needs an array of values, got "DRAFT"');
  rejects('Inspection', where.title.in(Array.from({ length: 1001 }, (_, i) => String(i))), /in lists 1001 values; at most 1000 are allowed/);
  rejects('Site', { field: 'code', op: 'attributeExists', value: 'yes' }, 'predicate: Site.code attributeExists needs true or false, got "yes"');
});

test('malformed nodes', () => {
  rejects(
    'Site',
    null,
    /^predicate: expected a predicate node \(\{ field, op, value \}, \{ and: \[...\] \}, \{ or: \[...\] \} or \{ not: \{...\} \}\), got null$/,
  );
  rejects('Site', [], /^predicate: expected a predicate node .* got \[\]$/);
  rejects('Site', { and: [], or: [] }, /^predicate: expected a predicate node .* got \{"and":\[\],"or":\[\]\}$/);
  rejects('Site', { and: {} }, 'predicate.and: and needs an array of predicates, got {}');
  rejects('Site', { or: [{ not: 'x' }] }, /^predicate.or\[0\].not: expected a predicate node .* got "x"$/);
  rejects('Site', { xor: [] }, /^predicate: unknown key "xor"/);
  rejects('Site', { field: 'name', op: 'eq' }, 'predicate: comparison "name" "eq" has no value (use null to test for null)');
  rejects('Site', { field: 'name', value: 1 }, 'predicate: comparison on "name" has no op');
  rejects('Site', { field: 'name', op: 'eq', value: 'a', extra: 1 }, 'predicate: unexpected key "extra" in a comparison (keys: field, op, value)');
  rejects('Site', { field: '', op: 'eq', value: 'a' }, 'predicate: field must be a non-empty string, got ""');
  rejects('Site', { field: 'name', op: 'eq', value: new Date(0) }, /Site.name eq needs a string/);
});

test('empty and/or are allowed', () => {
  assert.deepEqual(validatePredicate(exampleSchema, 'Site', { and: [] }), { and: [] });
  assert.deepEqual(validatePredicate(exampleSchema, 'Site', { or: [] }), { or: [] });
});

test('depth is limited to 32 levels', () => {
  let ok: unknown = where.name.eq('a');
  for (let i = 1; i < 32; i++) ok = { not: ok };
  assert.ok(validatePredicate(exampleSchema, 'Site', ok));
  rejects('Site', { and: [ok] }, /: predicate nests deeper than 32 levels of and\/or\/not$/);
  // A cycle (possible from JavaScript, not JSON) is caught by the same limit.
  const cyclic: { not: unknown } = { not: null };
  cyclic.not = cyclic;
  rejects('Site', cyclic, /nests deeper than 32 levels/);
});
