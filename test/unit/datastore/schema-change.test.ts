// classifyModelChange: which schema edits are applied in place and which re-create a model.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSchema } from '../../../common/schema/parse-schema.js';
import { classifyModelChange, type ModelChange } from '../../../main/datastore/schema-change.js';

const base = `
enum Kind { A B }
type Box { w: Float! h: Float }
type Item @model {
  id: ID!
  name: String!
  count: Int
  kind: Kind
  size: Box
  tags: [String]
}`;

function classify(edited: string): ModelChange {
  const before = parseSchema(base);
  const after = parseSchema(edited);
  return classifyModelChange(before, before.models.Item, after, after.models.Item);
}

test('unchanged and additive edits', () => {
  assert.deepEqual(classify(base), { kind: 'unchanged' });
  assert.deepEqual(classify(base.replace('tags: [String]', 'tags: [String]\n  note: String')), { kind: 'additive', addedFields: ['note'] });
  assert.equal(classify(base.replace('name: String!', 'name: String')).kind, 'unchanged', 'relaxing required is safe');
  assert.equal(classify(base.replace('enum Kind { A B }', 'enum Kind { A B C }')).kind, 'unchanged', 'a new enum member is safe');
  assert.equal(classify(base.replace('h: Float }', 'h: Float d: Float }')).kind, 'unchanged', 'a new optional embedded member is safe');
  assert.equal(classify(base.replace('count: Int', 'count: Int @index(name: "byCount")')).kind, 'unchanged', 'indexes are handled apart');
});

test('incompatible edits say why', () => {
  const cases: [string, RegExp][] = [
    [base.replace('count: Int', 'count: Float'), /Item\.count changed type from Int to Float/],
    [base.replace('  count: Int\n', ''), /Item\.count was removed/],
    [base.replace('tags: [String]', 'tags: [String]\n  must: String!'), /required field Item\.must was added/],
    [base.replace('count: Int', 'count: Int!'), /Item\.count became required/],
    [base.replace('tags: [String]', 'tags: String'), /Item\.tags changed between list and single value/],
    [base.replace('tags: [String]', 'tags: [String!]'), /list items of Item\.tags became required/],
    [base.replace('enum Kind { A B }', 'enum Kind { A }'), /enum Kind .* lost B/],
    [base.replace('h: Float }', 'h: Float d: Float! }'), /required field .*d was added/],
    [base.replace('id: ID!', 'id: ID! @primaryKey(sortKeyFields: ["name"])'), /primary key changed/],
  ];
  for (const [edited, reason] of cases) {
    const change = classify(edited);
    assert.equal(change.kind, 'incompatible', reason.source);
    assert.match((change as { reason: string }).reason, reason);
  }
});
