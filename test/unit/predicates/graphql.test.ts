import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ValidationError } from '../../../common/errors.js';
import { where } from '../../../common/predicates/builder.js';
import { matcher } from '../../../common/predicates/evaluate.js';
import { fromGraphqlFilter } from '../../../common/predicates/from-graphql.js';
import { checkSendable, toConditionInput, toGraphqlFilter } from '../../../common/predicates/to-graphql.js';
import { caseRecords, operatorCases, recordKey } from './operator-cases.js';
import { exampleSchema, readingSchema } from './schema-fixture.js';

const inspection = exampleSchema.models.Inspection;

test('to GraphQL: DataStore shapes', () => {
  assert.deepEqual(toGraphqlFilter(where.title.beginsWith('x')), { and: [{ title: { beginsWith: 'x' } }] });
  assert.deepEqual(toGraphqlFilter(where.and(where.title.beginsWith('x'), where.score.gt(1))), {
    and: [{ title: { beginsWith: 'x' } }, { score: { gt: 1 } }],
  });
  assert.deepEqual(toGraphqlFilter(where.or(where.and(where.score.between(1, 2)), where.not(where.notes.attributeExists(true)))), {
    or: [{ score: { between: [1, 2] } }, { not: { notes: { attributeExists: true } } }],
  });
  assert.deepEqual(toGraphqlFilter(where.and(where.or(where.score.eq(1), where.score.eq(null)))), {
    or: [{ score: { eq: 1 } }, { score: { eq: null } }],
  });
  assert.deepEqual(toGraphqlFilter(where.status.in(['DRAFT', null])), { or: [{ status: { eq: 'DRAFT' } }, { status: { eq: null } }] });
  assert.deepEqual(toGraphqlFilter(where.and(where.status.in([]))), { or: [] });
  assert.deepEqual(toGraphqlFilter(where.and()), { and: [] });
  assert.deepEqual(toGraphqlFilter(where.not(where.tags.contains('a'))), { not: { tags: { contains: 'a' } } });
});

test('condition input drops primary-key comparisons as DataStore does', () => {
  assert.deepEqual(toConditionInput(where.and(where.id.eq('1'), where.title.eq('old')), inspection), { and: [{ title: { eq: 'old' } }] });
  assert.deepEqual(toConditionInput(where.title.eq('old'), inspection), { and: [{ title: { eq: 'old' } }] });
  assert.equal(toConditionInput(where.id.eq('1'), inspection), null);
  assert.equal(toConditionInput(where.not(where.id.in(['1', '2'])), inspection), null);
  assert.deepEqual(toConditionInput(where.or(where.and(where.id.eq('1')), where.score.gt(3)), inspection), { or: [{ score: { gt: 3 } }] });
  const reading = readingSchema.models.Reading;
  assert.deepEqual(toConditionInput(where.and(where.deviceId.eq('d'), where.takenAt.eq('t'), where.label.ne(null)), reading), {
    and: [{ label: { ne: null } }],
  });
  // An explicit empty group is kept (it was not emptied by the stripping).
  assert.deepEqual(toConditionInput(where.or(), inspection), { or: [] });
});

test('with a model, only what AppSync inputs can carry is sent', () => {
  const observation = exampleSchema.models.Observation;
  const reading = readingSchema.models.Reading;
  assert.deepEqual(toGraphqlFilter(where.resolved.eq(true), observation), { and: [{ resolved: { eq: true } }] });
  assert.deepEqual(toGraphqlFilter(where.levels.contains('Mid'), reading), { and: [{ levels: { contains: 'Mid' } }] });
  assert.deepEqual(toGraphqlFilter(where.measurements.eq(null), observation), { and: [{ measurements: { eq: null } }] });
  assert.throws(() => toGraphqlFilter(where.and(where.category.eq('x'), where.measurements.contains(1.5)), observation), {
    message:
      'Observation.measurements contains cannot be sent in an AppSync filter: [Float] fields take ModelFloatInput, which has no contains (evaluate it locally instead)',
  });
  assert.throws(() => toGraphqlFilter(where.not(where.flags.notContains(true)), reading), {
    message:
      'Reading.flags notContains cannot be sent in an AppSync filter: [Boolean] fields take ModelBooleanInput, which has no notContains (evaluate it locally instead)',
  });
  assert.throws(() => toGraphqlFilter(where.counts.contains(1), reading), /\[Int\] fields take ModelIntInput, which has no contains/);
  assert.throws(() => toGraphqlFilter(where.levels.attributeExists(true), reading), /\[Level\] fields take ModelLevelListInput, which has no attributeExists/);
  assert.deepEqual(toConditionInput(where._version.eq(3), inspection), { and: [{ _version: { eq: 3 } }] });
  assert.throws(() => checkSendable(where._version.eq(3), inspection), {
    message:
      "Inspection._version eq cannot be sent in an AppSync filter: _version is not part of AppSync's filter and condition inputs (evaluate it locally instead)",
  });
  assert.deepEqual(toConditionInput(where._deleted.ne(true), inspection), { and: [{ _deleted: { ne: true } }] });
});

test('from GraphQL: siblings are ANDed, several operators on a field too', () => {
  assert.deepEqual(fromGraphqlFilter(exampleSchema, 'Inspection', { title: { beginsWith: 'x', ne: 'xy' }, score: { gt: 1 } }), {
    and: [
      { field: 'title', op: 'beginsWith', value: 'x' },
      { field: 'title', op: 'ne', value: 'xy' },
      { field: 'score', op: 'gt', value: 1 },
    ],
  });
  assert.deepEqual(fromGraphqlFilter(exampleSchema, 'Inspection', { and: [{ title: { beginsWith: 'x' } }] }), {
    and: [{ field: 'title', op: 'beginsWith', value: 'x' }],
  });
  assert.deepEqual(fromGraphqlFilter(exampleSchema, 'Inspection', { not: { score: { eq: null } }, notes: null, or: null }), {
    not: { field: 'score', op: 'eq', value: null },
  });
  assert.deepEqual(fromGraphqlFilter(exampleSchema, 'Inspection', { status: { in: ['DRAFT'], notIn: ['APPROVED'] } }), {
    and: [{ field: 'status', op: 'in', value: ['DRAFT'] }, { not: { field: 'status', op: 'in', value: ['APPROVED'] } }],
  });
  assert.deepEqual(fromGraphqlFilter(exampleSchema, 'Inspection', {}), { and: [] });
  assert.deepEqual(fromGraphqlFilter(exampleSchema, 'Inspection', { title: {} }), { and: [] });
  assert.equal(fromGraphqlFilter(exampleSchema, 'Inspection', null), null);
  assert.equal(fromGraphqlFilter(exampleSchema, 'Inspection', undefined), null);
  // graphql-js may hand over objects without a prototype.
  const bare = Object.assign(Object.create(null) as Record<string, unknown>, { _deleted: Object.assign(Object.create(null) as object, { ne: true }) });
  assert.deepEqual(fromGraphqlFilter(exampleSchema, 'Inspection', bare), { field: '_deleted', op: 'ne', value: true });
});

function rejects(input: unknown, message: string | RegExp, path = 'filter'): void {
  assert.throws(
    () => fromGraphqlFilter(exampleSchema, 'Inspection', input, path),
    (err: unknown) => {
      assert.ok(err instanceof ValidationError, String(err));
      if (typeof message === 'string') assert.equal(err.message, message);
      else assert.match(err.message, message);
      return true;
    },
  );
}

test('from GraphQL: errors name the path', () => {
  rejects(
    { and: [{ title: { eq: 'a' } }, { titel: { eq: 'b' } }] },
    /^filter\.and\[1\]\.titel\.eq: Inspection has no field "titel"; fields that can be filtered: id, /,
  );
  rejects({ score: { beginsWith: '1' } }, /^filter\.score\.beginsWith: beginsWith does not apply to Inspection\.score \(Int\)/);
  rejects({ score: { lt: '1' } }, 'filter.score.lt: Inspection.score lt needs an integer from -2147483648 to 2147483647, got "1"');
  rejects({ status: { eq: 'DONE' } }, /^filter\.status\.eq: Inspection\.status eq needs a member of InspectionStatus/);
  rejects({ title: { startsWith: 'a' } }, /^filter\.title\.startsWith: unknown operator "startsWith"; operators: eq, ne, .*, in, notIn$/);
  rejects({ title: { attributeType: 'string' } }, 'filter.title.attributeType: attributeType is not supported (values are typed by the schema)');
  rejects({ title: { size: { gt: 1 } } }, 'filter.title.size: size is not supported');
  rejects({ title: { toString: 'a' } }, /^filter\.title\.toString: unknown operator "toString"/);
  rejects(JSON.parse('{"__proto__": {"eq": "a"}}'), /^filter\.__proto__\.eq: Inspection has no field "__proto__"/);
  rejects({ title: 'a' }, 'filter.title: expected an object of operators for title, got string');
  rejects({ and: { title: { eq: 'a' } } }, 'filter.and: expected a list of filters, got object');
  rejects({ or: [null] }, 'filter.or[0]: expected a filter object, got null');
  rejects({ not: [] }, 'filter.not: expected a filter object, got an array');
  rejects('x', 'condition: expected a filter object, got string', 'condition');
  rejects({ site: { eq: 'x' } }, /^filter\.site\.eq: Inspection\.site is a relation to Site/);
  rejects({ score: { between: [3, 1] } }, /^filter\.score\.between: Inspection\.score between has low 3 above high 1/);
  rejects({ score: { notIn: 1 } }, 'filter.score.notIn: Inspection.score in needs an array of values, got 1');
  let deep: Record<string, unknown> = { title: { eq: 'a' } };
  for (let i = 0; i < 40; i++) deep = { not: deep };
  rejects(deep, /nests deeper than 32 levels/);
  assert.throws(() => fromGraphqlFilter(exampleSchema, 'Nope', {}), { message: 'unknown model "Nope"; models: Site, Inspection, Observation' });
});

for (const c of operatorCases) {
  test(`GraphQL round trip keeps the meaning: ${c.model} ${c.name}`, () => {
    const schema = c.model === 'Reading' ? readingSchema : exampleSchema;
    const wire = JSON.parse(JSON.stringify(toGraphqlFilter(c.predicate))) as unknown;
    const back = fromGraphqlFilter(schema, c.model, wire);
    assert.ok(back);
    assert.deepEqual(caseRecords[c.model].filter(matcher(back)).map(recordKey), c.expected);
  });
}
