// How forms read the form hints (renderer/form-hints-view.ts), table-driven: labels, field order,
// "now" per type, and a new record's starting values (literal defaults, now, last used, a parent's pre-fill).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { NO_FORM_HINTS, type FormHints } from '../../../common/schema/form-hints.js';
import { getModel } from '../../../common/schema/model-fields.js';
import { parseSchema } from '../../../common/schema/parse-schema.js';
import { hintedLabel, initialValues, lastUsedValues, nowRaw, orderedFields } from '../../../renderer/form-hints-view.js';
import { formFields } from '../../../renderer/schema-view.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const schema = parseSchema(readFileSync(join(root, 'schema/schema.graphql'), 'utf8'));
const hints = JSON.parse(readFileSync(join(root, 'schema/form-hints.json'), 'utf8')) as FormHints;
const Site = getModel(schema, 'Site');
const Inspection = getModel(schema, 'Inspection');
const Observation = getModel(schema, 'Observation');
const NOW = new Date(2026, 2, 4, 9, 5, 30); // local time: 2026-03-04 09:05:30

test('hintedLabel: the hint, else the schema label', () => {
  assert.equal(hintedLabel(hints, Site, 'name'), 'Site name');
  assert.equal(hintedLabel(hints, Inspection, 'inspectedAt'), 'Inspected on');
  assert.equal(hintedLabel(hints, Inspection, 'siteID'), 'Site');
  assert.equal(hintedLabel(NO_FORM_HINTS, Site, 'name'), 'Name');
});

test('orderedFields: named fields first in the hinted order, the rest after in schema order', () => {
  const order = (h: FormHints) => orderedFields(h, Inspection, formFields(Inspection)).map((f) => f.name);
  assert.deepEqual(order(hints), ['siteID', 'title', 'inspectedAt', 'status', 'score', 'notes', 'attachments']);
  assert.deepEqual(order({ models: { Inspection: { order: ['notes'] } } }), ['notes', 'siteID', 'title', 'status', 'score', 'inspectedAt', 'attachments']);
  assert.deepEqual(order(NO_FORM_HINTS), ['siteID', 'title', 'status', 'score', 'notes', 'inspectedAt', 'attachments']);
});

test('nowRaw: the current moment as each date and time control holds it', () => {
  const rows: Array<[string, string]> = [
    ['AWSDate', '2026-03-04'],
    ['AWSTime', '09:05'],
    ['AWSDateTime', '2026-03-04T09:05'],
    ['AWSTimestamp', String(Math.floor(NOW.getTime() / 1000))],
    ['String', ''],
  ];
  for (const [scalar, raw] of rows) assert.equal(nowRaw(scalar, NOW), raw, scalar);
});

test('initialValues: defaults by kind, the last value used, and a parent pre-fill winning over both', () => {
  const last: Record<string, unknown> = { siteID: 's-last' };
  const start = (model: typeof Site, prefill?: Record<string, unknown>) =>
    initialValues(schema, hints, model, formFields(model), { now: NOW, lastUsed: (f) => last[f], ...(prefill ? { prefill } : {}) });
  const inspection = start(Inspection);
  assert.equal(inspection.siteID, 's-last', 'last used');
  assert.equal(inspection.inspectedAt, '2026-03-04T09:05', 'now');
  assert.equal(inspection.status, 'DRAFT', 'a literal');
  assert.equal(inspection.title, '', 'no default: blank');
  assert.deepEqual(inspection.attachments, []);
  assert.equal(start(Inspection, { siteID: 's-parent' }).siteID, 's-parent', 'the parent wins');
  const observation = start(Observation, { inspectionID: 'i1' });
  assert.equal(observation.inspectionID, 'i1');
  assert.equal(observation.severity, 'MEDIUM');
  assert.equal(observation.resolved, 'false', 'a Boolean default as the select holds it');
  // Nothing remembered yet: the field starts blank.
  assert.equal(initialValues(schema, hints, Inspection, formFields(Inspection), { now: NOW, lastUsed: () => undefined }).siteID, '');
});

test('lastUsedValues: only the fields hinted "lastUsed", with what the saved record holds', () => {
  assert.deepEqual(lastUsedValues(hints, Inspection, { id: 'i1', siteID: 's1', title: 'T' }), [['siteID', 's1']]);
  assert.deepEqual(lastUsedValues(hints, Site, { id: 's1', name: 'N' }), []);
  assert.deepEqual(lastUsedValues(hints, Inspection, { id: 'i1', title: 'T' }), [], 'not in the record: nothing to remember');
});
