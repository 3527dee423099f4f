// What the sync bar, the review inbox, the delete confirmation, the Trash and the record form say,
// table-driven over plain data (renderer/work-view.ts): the bar never says "All changes synced"
// unless it is true, items name records and fields by their labels (never ids or JSON), a create
// sends only the fields the user filled.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Draft, ReviewItem, SyncStatus } from '../../../common/ipc/contract.js';
import { parseSchema } from '../../../common/schema/parse-schema.js';
import { blankRaw, toRaw } from '../../../renderer/form-values.js';
import { formFields } from '../../../renderer/schema-view.js';
import {
  accessRefusal,
  cappedText,
  deleteQuestion,
  deletedNotice,
  displayValue,
  draftFor,
  draftValues,
  emptyListText,
  formRecord,
  isDirty,
  nothingReadable,
  reviewHeadline,
  reviewRows,
  reviewStateText,
  syncSummary,
  trashRestoreNote,
} from '../../../renderer/work-view.js';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const schema = parseSchema(readFileSync(join(root, 'schema/schema.graphql'), 'utf8'));
const Site = schema.models.Site!;
const Observation = schema.models.Observation!;

const base: SyncStatus = { mode: 'server', running: true, online: true, unsynced: 0, lastSyncedAt: 1, syncing: false, models: {}, reviewWaiting: 0 };

test('syncSummary: "All changes synced" only when online, running, nothing queued, nothing to review, nothing capped', () => {
  const rows: Array<[string, Partial<SyncStatus>, string, boolean, string | null, boolean]> = [
    ['all synced', {}, 'All changes synced', false, null, false],
    ['unsynced', { unsynced: 3 }, '3 unsynced changes', true, null, false],
    ['one unsynced', { unsynced: 1 }, '1 unsynced change', true, null, false],
    ['review waiting', { reviewWaiting: 2 }, '2 changes need your review', true, null, true],
    ['one review', { reviewWaiting: 1 }, '1 change needs your review', true, null, true],
    ['unsynced and review', { unsynced: 1, reviewWaiting: 2 }, '1 unsynced change', true, '2 changes need your review', false],
    ['reconnecting', { online: false }, 'Reconnecting…', true, null, false],
    ['reconnecting with review', { online: false, reviewWaiting: 1 }, 'Reconnecting…', true, '1 change needs your review', false],
    ['paused', { running: false, online: false }, 'Nothing waiting to send', false, null, false],
    [
      'capped',
      { models: { Site: { received: 10000, synced: true, capped: { limit: 10000, total: 23412 } } } },
      'Changes sent; not every record is on this device',
      true,
      null,
      false,
    ],
    ['offline profile', { mode: 'offline', running: false, online: false, unsynced: 2 }, '2 local changes on this computer', false, null, false],
  ];
  for (const [name, patch, text, pending, review, links] of rows) {
    const summary = syncSummary({ ...base, ...patch }, schema);
    assert.equal(summary.text, text, name);
    assert.equal(summary.pending, pending, `${name}: pending`);
    assert.equal(summary.review, review, `${name}: review`);
    assert.equal(summary.linksToReview, links, `${name}: links to the inbox`);
    if (name !== 'all synced') assert.notEqual(summary.text, 'All changes synced', name);
  }
  const capped = syncSummary(
    { ...base, models: { Site: { received: 10000, synced: true, capped: { limit: 10000, total: 23412 } }, Inspection: { received: 5, synced: true } } },
    schema,
  );
  assert.deepEqual(capped.capped, [{ model: 'Site', text: 'Sites: 10,000 of 23,412 synced' }]);
});

test('cappedText says how many of how many, or that more are on the server', () => {
  assert.equal(cappedText({ limit: 10000, total: 23412 }), '10,000 of 23,412 synced');
  assert.equal(cappedText({ limit: 10000, total: null }), '10,000 synced, more on the server');
});

test('deleteQuestion names the record by its label and counts what goes with it', () => {
  const site = { id: 's1', name: 'North 1' };
  const rows: Array<[Array<{ model: string; count: number }>, string]> = [
    [
      [
        { model: 'Inspection', count: 3 },
        { model: 'Observation', count: 7 },
      ],
      'Delete Site North 1 and its 3 inspections and 7 observations?',
    ],
    [[{ model: 'Inspection', count: 1 }], 'Delete Site North 1 and its 1 inspection?'],
    [[], 'Delete Site North 1?'],
    [[{ model: 'Inspection', count: 0 }], 'Delete Site North 1?'],
  ];
  for (const [related, text] of rows) assert.equal(deleteQuestion(schema, Site, site, related), text);
  assert.equal(deletedNotice(Site, site, [{ count: 3 }, { count: 7 }]), 'Deleted Site North 1 and 10 related records.');
  assert.equal(deletedNotice(Site, site, []), 'Deleted Site North 1.');
});

test('trashRestoreNote says a restore after the delete reached the server makes a copy', () => {
  assert.match(trashRestoreNote({ state: 'pending' }), /as they were/);
  assert.match(trashRestoreNote({ state: 'synced' }), /restored as a copy/);
});

const item = (patch: Partial<ReviewItem>): ReviewItem => ({
  id: 'r1',
  kind: 'overridden',
  model: 'Site',
  recordId: 's1',
  key: { id: 's1' },
  operation: 'UPDATE',
  fields: ['code', 'location'],
  mine: { code: 'A-1', location: { latitude: 1, longitude: 2, accuracyMeters: 5 } },
  theirs: { id: 's1', name: 'North 1', code: 'B-1', location: { latitude: 1, longitude: 2, accuracyMeters: 9 }, _version: 4 },
  reason: 'Another device changed these fields first.',
  errorType: null,
  baseVersion: 3,
  at: 0,
  state: 'open',
  ...patch,
});

test('reviewRows: fields by their labels, values in words (no JSON), ids and metadata never shown', () => {
  const rows = reviewRows(Site, item({}));
  assert.deepEqual(
    rows.map((r) => [r.label, r.mine, r.theirs, r.differs]),
    [
      ['Code', 'A-1', 'B-1', true],
      ['Location', 'Latitude: 1, Longitude: 2, Accuracy meters: 5', 'Latitude: 1, Longitude: 2, Accuracy meters: 9', true],
    ],
  );
  for (const r of rows) assert.doesNotMatch(`${r.mine}${r.theirs}`, /[{}"]/);
  // A rejected create without a field list shows the device's whole version, minus key and metadata.
  const rejected = reviewRows(
    Observation,
    item({
      kind: 'rejected',
      model: 'Observation',
      operation: 'INSERT',
      fields: [],
      theirs: null,
      mine: { id: 'o1', inspectionID: 'i1', category: 'crack', description: 'é', _version: null, createdAt: 'x' },
    }),
  );
  assert.deepEqual(
    rejected.map((r) => [r.label, r.mine, r.theirs]),
    [
      ['Inspection', 'i1', '(not on the server)'],
      ['Category', 'crack', '(not on the server)'],
      ['Description', 'é', '(not on the server)'],
    ],
  );
  assert.equal(
    reviewRows(Site, item({ fields: ['location.accuracyMeters'], mine: { location: { accuracyMeters: 5 } } }))[0]!.label,
    'Location › Accuracy meters',
  );
  const long = reviewRows(Observation, item({ model: 'Observation', fields: ['description'], mine: { description: 'é'.repeat(1500) }, theirs: null }))[0]!;
  assert.equal(long.mine, `${'é'.repeat(240)}… (1,500 characters in all)`, 'a long value is cut, saying how long it is');
  assert.equal(displayValue(undefined, ['a', 'b']), 'a, b');
  assert.equal(displayValue(undefined, null), '—');
  assert.equal(displayValue(undefined, true), 'Yes');
});

test('reviewHeadline and reviewStateText name the record by its label and say what happened', () => {
  assert.equal(reviewHeadline(Site, item({})), 'Site “North 1”: your edit met another device’s');
  assert.equal(
    reviewHeadline(Site, item({ kind: 'rejected', operation: 'INSERT', theirs: null, mine: { id: 's9', name: 'New one' } })),
    'Site “New one”: the server refused this new record',
  );
  assert.equal(reviewHeadline(Site, item({ kind: 'rejected' })), 'Site “North 1”: the server refused this change');
  const states: Array<[ReviewItem['kind'], ReviewItem['state'], string]> = [
    ['overridden', 'open', 'needs review'],
    ['overridden', 'keptMine', 'kept mine'],
    ['overridden', 'keptTheirs', 'kept theirs'],
    ['rejected', 'keptMine', 'resubmitted'],
    ['rejected', 'keptTheirs', 'discarded'],
  ];
  for (const [kind, state, text] of states) assert.equal(reviewStateText({ kind, state }), text);
});

test('formRecord: a create sends only the fields the user filled; an edit only the fields changed', () => {
  const fields = formFields(Site);
  const blank = Object.fromEntries(fields.map((f) => [f.name, blankRaw(schema, f)]));
  const filled = { ...blank, name: 'North 1' };
  assert.deepEqual(formRecord(schema, fields, filled, blank, null), { name: 'North 1' }, 'empty optional fields are omitted, not null');
  const withCode = { ...filled, code: 'N1', tags: ['a'] };
  assert.deepEqual(formRecord(schema, fields, withCode, blank, null), { name: 'North 1', code: 'N1', tags: ['a'] });
  const original = { id: 's1', name: 'North 1', code: 'N1', tags: ['a'], location: null };
  const loaded = Object.fromEntries(fields.map((f) => [f.name, toRaw(schema, f, original[f.name as keyof typeof original])]));
  assert.deepEqual(formRecord(schema, fields, loaded, loaded, original), {}, 'nothing changed, nothing sent');
  assert.deepEqual(formRecord(schema, fields, { ...loaded, code: '' }, loaded, original), { code: null }, 'an edit clears a blanked field');
  assert.equal(isDirty(loaded, loaded), false);
  assert.equal(isDirty({ ...loaded, code: 'X' }, loaded), true);
  assert.equal(isDirty({ ...loaded, tags: ['a', ''] }, loaded), true);
});

test('draftValues keeps only the fields the user changed', () => {
  const loaded = { name: 'North 1', code: 'N1', tags: ['a'], location: { latitude: '1', longitude: '2', accuracyMeters: '' } };
  assert.deepEqual(draftValues(loaded, loaded), {});
  assert.deepEqual(draftValues({ ...loaded, code: 'X', tags: ['a', 'b'] }, loaded), { code: 'X', tags: ['a', 'b'] });
  assert.deepEqual(draftValues({ ...loaded, location: { latitude: '1', longitude: '2', accuracyMeters: '5' } }, loaded), {
    location: { latitude: '1', longitude: '2', accuracyMeters: '5' },
  });
});

test('draftFor finds the draft of this record, or of a new record of the model', () => {
  const drafts: Draft[] = [
    { id: 'd1', model: 'Site', key: null, values: {}, updatedAt: 2 },
    { id: 'd2', model: 'Site', key: { id: 's1' }, values: {}, updatedAt: 1 },
    { id: 'd3', model: 'Inspection', key: null, values: {}, updatedAt: 1 },
  ];
  assert.equal(draftFor(drafts, 'Site', null)?.id, 'd1');
  assert.equal(draftFor(drafts, 'Site', { id: 's1' })?.id, 'd2');
  assert.equal(draftFor(drafts, 'Site', { id: 's2' }), undefined);
  assert.equal(draftFor(drafts, 'Observation', null), undefined);
  assert.equal(draftFor(drafts, 'Inspection', null)?.id, 'd3');
});

test('accessRefusal names what this sign-in may not do; unknown access refuses nothing', () => {
  const all = { read: true, create: true, update: true, delete: true };
  const access = { models: { Site: { ...all, create: false, delete: false }, Inspection: all, Observation: all }, maxItemBytes: 400_000 };
  assert.equal(accessRefusal(access, Site, 'create'), 'This sign-in may not create sites (the schema’s @auth rules for Site).');
  assert.equal(accessRefusal(access, Site, 'delete'), 'This sign-in may not delete sites (the schema’s @auth rules for Site).');
  assert.equal(accessRefusal(access, Site, 'update'), null);
  assert.equal(accessRefusal(access, Observation, 'create'), null);
  assert.equal(accessRefusal(null, Site, 'create'), null, 'not known: main’s refusal explains');
  const none = { read: false, create: false, update: false, delete: false };
  assert.match(nothingReadable({ models: { Site: none, Inspection: none }, maxItemBytes: 1 }) ?? '', /cannot read any data/);
  assert.equal(nothingReadable({ models: { Site: none, Inspection: all }, maxItemBytes: 1 }), null);
  assert.equal(nothingReadable(null), null);
});

test('emptyListText offers Ctrl+N only where the sign-in may create; a filter that matches nothing says so', () => {
  assert.equal(emptyListText(Site, false, null), 'No sites yet. Press Ctrl+N to add one.');
  assert.equal(emptyListText(Site, false, 'This sign-in may not create sites.'), 'No sites yet.');
  assert.equal(emptyListText(Site, true, null), 'No records match this filter.');
});

test('syncSummary never calls a sign-in that can read nothing "synced"', () => {
  const blind = { models: { Site: { read: false, create: false, update: false, delete: false } }, maxItemBytes: 409_600 };
  assert.equal(syncSummary(base, schema, blind).text, 'Nothing this sign-in may read');
  assert.equal(syncSummary(base, schema, { ...blind, models: { Site: { ...blind.models.Site, read: true } } }).text, 'All changes synced');
});
