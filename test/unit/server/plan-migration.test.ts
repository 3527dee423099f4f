import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSchema } from '../../../common/schema/parse-schema.js';
import { planMigration } from '../../../server/storage/plan-migration.js';

const v1 = parseSchema(`
type Site @model { id: ID! name: String! code: String }
type Old @model { id: ID! x: Int }
`);
const v2 = parseSchema(`
type Site @model { id: ID! name: String! code: Int notes: String }
type Fresh @model { id: ID! }
`);

test('a fresh database creates every model', () => {
  const plan = planMigration(null, v1);
  assert.deepEqual(new Set(plan.steps.map((s) => `${s.kind} ${s.model}`)), new Set(['createModel Site', 'createModel Old']));
  assert.deepEqual(plan.destructive, []);
  assert.deepEqual(new Set(plan.status.map((s) => s.operation)), new Set(['Create']));
});

test('no change when the schema is the same', () => {
  const plan = planMigration(v1, v1);
  assert.deepEqual(plan.steps, []);
  assert.deepEqual(
    plan.status.map((s) => s.operation),
    ['No Change', 'No Change'],
  );
});

test('added fields are safe; type changes and dropped models are destructive and named', () => {
  const plan = planMigration(v1, v2);
  assert.ok(plan.steps.some((s) => s.kind === 'addField' && s.model === 'Site' && s.field === 'notes'));
  assert.ok(plan.steps.some((s) => s.kind === 'changeField' && s.field === 'code'));
  assert.ok(plan.steps.some((s) => s.kind === 'dropModel' && s.model === 'Old'));
  assert.ok(plan.steps.some((s) => s.kind === 'createModel' && s.model === 'Fresh'));
  assert.equal(plan.destructive.length, 2);
  assert.match(plan.destructive.join('\n'), /Site\.code: type changes String → Int/);
  assert.match(plan.destructive.join('\n'), /Old: table dropped/);
  const byModel = Object.fromEntries(plan.status.map((s) => [s.model, s]));
  assert.equal(byModel.Site?.operation, 'Update');
  assert.match(byModel.Site?.details ?? '', /\+notes/);
  assert.equal(byModel.Fresh?.operation, 'Create');
  assert.equal(byModel.Old?.operation, 'Delete');
});
