// The subscription `filter` argument: translation to the predicate tree and rejection of what
// enhanced filtering does not offer.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ValidationError } from '../../../common/errors.js';
import type { GraphqlFilterInput } from '../../../common/predicates/types.js';
import { parseSchema } from '../../../common/schema/parse-schema.js';
import { compileSubscriptionFilter, subscriptionFilterPredicate } from '../../../server/realtime/subscription-filter.js';

const schema = parseSchema(readFileSync(new URL('../../../schema/schema.graphql', import.meta.url), 'utf8'));
const inspection = schema.models.Inspection;

describe('subscription filters', () => {
  it('translates notIn into not-in, ANDs sibling keys and keeps and/or', () => {
    const predicate = subscriptionFilterPredicate(inspection, {
      status: { notIn: ['DRAFT'] },
      score: { between: [1, 5] },
      or: [{ title: { beginsWith: 'Roof' } }, { notes: { contains: 'leak' } }],
    });
    assert.deepEqual(predicate, {
      and: [
        { not: { field: 'status', op: 'in', value: ['DRAFT'] } },
        { field: 'score', op: 'between', value: [1, 5] },
        {
          or: [
            { field: 'title', op: 'beginsWith', value: 'Roof' },
            { field: 'notes', op: 'contains', value: 'leak' },
          ],
        },
      ],
    });
  });

  it('evaluates in, notIn and null like AppSync', () => {
    const test = compileSubscriptionFilter(inspection, { status: { in: ['DRAFT', 'SUBMITTED'] }, score: { notIn: [3] } });
    assert.equal(test({ status: 'DRAFT', score: 1 }), true);
    assert.equal(test({ status: 'DRAFT', score: null }), true, 'notIn holds for a missing value');
    assert.equal(test({ status: 'DRAFT', score: 3 }), false);
    assert.equal(test({ status: 'APPROVED', score: 1 }), false);
    assert.equal(compileSubscriptionFilter(inspection, null)({}), true);
  });

  it('rejects unknown fields, unsupported operators, not, and oversized filters, naming where', () => {
    const rejects = (filter: GraphqlFilterInput, pattern: RegExp) =>
      assert.throws(
        () => subscriptionFilterPredicate(inspection, filter),
        (e) => e instanceof ValidationError && pattern.test(e.message),
      );
    rejects({ colour: { eq: 'red' } }, /colour/);
    rejects({ owner: { size: { eq: 1 } } }, /filter\.owner\.size: "size" is not supported/);
    rejects({ owner: { attributeType: 'string' } }, /attributeType/);
    rejects({ not: { title: { eq: 'x' } } }, /no "not"/);
    rejects({ score: { eq: 'high' } }, /score/);
    let deep: GraphqlFilterInput = { title: { eq: 'x' } };
    for (let i = 0; i < 12; i++) deep = { and: [deep] };
    rejects(deep, /deeper than 10/);
    rejects({ or: Array.from({ length: 101 }, (_, i) => ({ title: { eq: `t${i}` } })) }, /more than 100 conditions/);
  });
});
