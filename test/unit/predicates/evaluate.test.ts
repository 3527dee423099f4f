import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ValidationError } from '../../../common/errors.js';
import { matcher, matches } from '../../../common/predicates/evaluate.js';
import { validatePredicate } from '../../../common/predicates/validate-predicate.js';
import type { Predicate } from '../../../common/predicates/types.js';
import { caseRecords, operatorCases, recordKey } from './operator-cases.js';
import { exampleSchema, readingSchema } from './schema-fixture.js';

for (const c of operatorCases) {
  test(`in memory: ${c.model} ${c.name}`, () => {
    const schema = c.model === 'Reading' ? readingSchema : exampleSchema;
    const predicate = validatePredicate(schema, c.model, c.predicate);
    assert.deepEqual(caseRecords[c.model].filter(matcher(predicate)).map(recordKey), c.expected);
  });
}

test('values of another type than the predicate never match', () => {
  const p: Predicate = { field: 'score', op: 'eq', value: 5 };
  assert.equal(matches(p, { score: '5' }), false);
  assert.equal(matches({ field: 'score', op: 'lt', value: 5 }, { score: '1' }), false);
  assert.equal(matches({ field: 'ok', op: 'eq', value: true }, { ok: 1 }), false);
  assert.equal(matches({ field: 'tags', op: 'contains', value: 1 }, { tags: ['1'] }), false);
  assert.equal(matches({ field: 'x', op: 'eq', value: 'a' }, { x: ['a'] }), false);
});

test('inherited properties are not fields', () => {
  assert.equal(matches({ field: 'toString', op: 'attributeExists', value: true }, {}), false);
});

test('a malformed tree that skipped validation fails loudly', () => {
  assert.throws(() => matches({ field: 'a', op: 'like', value: 'x' } as unknown as Predicate, { a: 'x' }), ValidationError);
  assert.throws(() => matches({ field: 'a', op: 'in', value: 'x' }, { a: 'x' }), ValidationError);
});
