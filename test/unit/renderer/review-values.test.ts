// How the review inbox writes a compared value of an enum field (by the label the forms use) and
// a custom primary key (a related record by its label).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { getModel } from '../../../common/schema/model-fields.js';
import type { FieldDef } from '../../../common/schema/types.js';
import { enumValueText, keyParts } from '../../../renderer/review-inbox-view.js';
import { visitSchema } from '../ipc/visit-schema.js';

const field = (name: string, type: FieldDef['type'], isList = false): FieldDef => ({
  name,
  type,
  isList,
  isRequired: false,
  isListItemRequired: false,
  isReadOnly: false,
  isImplicit: false,
});
const status = field('status', { kind: 'enum', name: 'InspectionStatus' });
const severities = field('severities', { kind: 'enum', name: 'Severity' }, true);
const title = field('title', { kind: 'scalar', name: 'String' });

test('enumValueText: an enum member by its label, a list joined, anything else left to the general display', () => {
  const rows: Array<[FieldDef | undefined, unknown, string | undefined]> = [
    [status, 'IN_PROGRESS', 'In progress'],
    [status, 'SUBMITTED', 'Submitted'],
    [severities, ['LOW', 'CRITICAL'], 'Low, Critical'],
    [status, null, undefined],
    [status, '', undefined],
    [severities, [], undefined],
    [title, 'IN_PROGRESS', undefined],
    [undefined, 'IN_PROGRESS', undefined],
  ];
  for (const [def, value, expected] of rows) assert.equal(enumValueText(def, value), expected, `${def?.name} ${JSON.stringify(value)}`);
});

test('keyParts: a composite key in key order, the fields of one @belongsTo as one related record', () => {
  const Visit = getModel(visitSchema, 'Visit');
  assert.deepEqual(keyParts(Visit, { siteID: 's-1', visitedOn: '2026-05-06', shift: 1 }), [
    { kind: 'related', model: 'Site', key: { id: 's-1' } },
    { kind: 'value', text: '2026-05-06' },
    { kind: 'value', text: '1' },
  ]);
  // A model keyed by an id of its own: one plain part.
  assert.deepEqual(keyParts(getModel(visitSchema, 'Site'), { id: 's-1' }), [{ kind: 'value', text: 's-1' }]);
});
