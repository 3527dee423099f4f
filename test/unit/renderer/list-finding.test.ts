// The list's decisions as plain functions (table tests): which field a filter starts on, what
// "Match case" changes, how the list is sorted and says so, what it says while a sync brings its
// records in, enum members in the words the form uses, and the remembered state read back safely.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { SyncStatus } from '../../../common/ipc/contract.js';
import { CHANGED_AT_SORT_FIELD } from '../../../common/predicates/recency.js';
import { searchFields } from '../../../common/predicates/search-fields.js';
import { getModel } from '../../../common/schema/model-fields.js';
import { parseSchema } from '../../../common/schema/parse-schema.js';
import { comparesText, filterableFields, newCondition, type FilterDraft } from '../../../renderer/filter-draft.js';
import { NEWEST_FIRST, nextSort, querySort, sortDescription } from '../../../renderer/list-sort.js';
import { DEFAULT_LIST_STATE, listStateKey, parseListState, serializeListState, type ListState } from '../../../renderer/list-state.js';
import { listEmptyText, syncProgressOf } from '../../../renderer/list-view.js';
import { formatValue } from '../../../renderer/schema-view.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const schema = parseSchema(readFileSync(join(root, 'schema/schema.graphql'), 'utf8'));
const Site = getModel(schema, 'Site');
const Inspection = getModel(schema, 'Inspection');
const Observation = getModel(schema, 'Observation');

test('a filter starts on the field that names a record, with "contains"; id is offered last', () => {
  const cases = [
    [Site, 'name', 'contains'],
    [Inspection, 'title', 'contains'],
    [Observation, 'category', 'contains'],
  ] as const;
  for (const [model, field, op] of cases) {
    assert.deepEqual(newCondition(model), { field, op, value: '', value2: '' }, model.name);
    const offered = filterableFields(model).map((f) => f.name);
    assert.equal(offered[0], field);
    assert.equal(offered[offered.length - 1], 'id', `${model.name}: ${offered.join(', ')}`);
  }
});

test('comparesText: only free-text conditions with letters are changed by "Match case"', () => {
  const draft = (field: string, op: string, value: string): FilterDraft => ({ combine: 'and', conditions: [{ field, op: op as 'eq', value, value2: '' }] });
  const cases: [FilterDraft, boolean][] = [
    [draft('title', 'contains', 'east'), true],
    [draft('title', 'contains', '123'), false],
    [draft('siteID', 'eq', 'abc-def'), false],
    [draft('id', 'eq', 'abc'), false],
    [draft('status', 'eq', 'DRAFT'), false],
    [draft('score', 'gt', '5'), false],
    [draft('title', 'attributeExists', 'true'), false],
    [{ combine: 'and', conditions: [] }, false],
  ];
  for (const [d, expected] of cases) assert.equal(comparesText(Inspection, d), expected, JSON.stringify(d.conditions));
});

test('lists sort newest first by default; a third header click goes back to it', () => {
  assert.deepEqual(querySort(null), [{ field: CHANGED_AT_SORT_FIELD, direction: 'desc' }]);
  assert.deepEqual(querySort({ field: 'name', direction: 'asc' }), [{ field: 'name', direction: 'asc' }]);
  const once = nextSort(null, 'name');
  const twice = nextSort(once, 'name');
  assert.deepEqual(querySort(nextSort(twice, 'name')), [NEWEST_FIRST]);
  const cases: [Parameters<typeof sortDescription>[1], string][] = [
    [null, 'Newest first'],
    [{ field: CHANGED_AT_SORT_FIELD, direction: 'asc' }, 'Oldest first'],
    [{ field: 'title', direction: 'asc' }, 'By Title, A to Z'],
    [{ field: 'title', direction: 'desc' }, 'By Title, Z to A'],
    [{ field: 'inspectedAt', direction: 'desc' }, 'By Inspected at, latest first'],
    [{ field: 'score', direction: 'asc' }, 'By Score, lowest first'],
  ];
  for (const [sort, text] of cases) assert.equal(sortDescription(Inspection, sort), text);
});

test('while a sync brings a model in, the list says "Syncing…" with the count so far, never "No sites yet"', () => {
  const status = (over: Partial<SyncStatus>): SyncStatus => ({
    mode: 'server',
    running: true,
    online: true,
    unsynced: 0,
    lastSyncedAt: null,
    syncing: false,
    models: {},
    reviewWaiting: 0,
    ...over,
  });
  const cases: [SyncStatus | null, ReturnType<typeof syncProgressOf>][] = [
    [null, null],
    [status({ mode: 'offline', running: false }), null],
    [status({}), { received: 0 }], // signed in, the first round not started yet
    [status({ syncing: true, models: { Site: { received: 120, synced: false } } }), { received: 120 }],
    [status({ syncing: true, lastSyncedAt: 5, models: { Site: { received: 40, synced: true } } }), null],
    [status({ syncing: false, lastSyncedAt: 5, models: { Site: { received: 40, synced: true } } }), null],
    [status({ running: false, lastSyncedAt: null }), null],
  ];
  for (const [s, expected] of cases) assert.deepEqual(syncProgressOf(s, 'Site'), expected, JSON.stringify(s));

  const base = { filtered: false, searching: false, cannotCreate: null, syncing: null };
  assert.equal(listEmptyText(Site, { ...base, syncing: { received: 120 } }), 'Syncing… 120 sites received so far.');
  assert.equal(listEmptyText(Site, { ...base, syncing: { received: 0 } }), 'Syncing… the sites are on their way.');
  assert.equal(listEmptyText(Site, { ...base, searching: true }), 'No sites match this search.');
  assert.equal(listEmptyText(Site, { ...base, searching: true, filtered: true }), 'No sites match this search and filter.');
  assert.equal(listEmptyText(Site, { ...base, filtered: true }), 'No records match this filter.');
  assert.equal(listEmptyText(Site, base), 'No sites yet. Press Ctrl+N to add one.');
});

test('enum members read as the form shows them, in cells and lists', () => {
  const status = Inspection.fields.find((f) => f.name === 'status');
  assert.equal(formatValue(status, 'IN_PROGRESS'), 'In progress');
  assert.equal(formatValue(status, 'DRAFT'), 'Draft');
  assert.equal(formatValue({ ...status!, isList: true }, ['DRAFT', 'IN_PROGRESS']), 'Draft, In progress');
  assert.equal(
    formatValue(
      Site.fields.find((f) => f.name === 'name'),
      'IN_PROGRESS',
    ),
    'IN_PROGRESS',
    'text stays as typed',
  );
});

test('the search reads the text people type: not ids, URLs or owner fields', () => {
  assert.deepEqual(
    searchFields(Site).map((f) => f.name),
    ['name', 'code', 'tags'],
  );
  assert.deepEqual(
    searchFields(Observation).map((f) => f.name),
    ['category', 'description'],
  );
});

test('remembered list state: per profile and model, read back with whatever no longer fits dropped', () => {
  assert.notEqual(listStateKey('p1', 'Site'), listStateKey('p2', 'Site'));
  assert.notEqual(listStateKey('p1', 'Site'), listStateKey('p1', 'Inspection'));
  const state: ListState = {
    filter: { combine: 'or', conditions: [{ field: 'name', op: 'contains', value: 'east', value2: '' }] },
    search: 'ecole',
    sort: { field: 'code', direction: 'desc' },
    matchCase: true,
  };
  assert.deepEqual(parseListState(Site, serializeListState(state)), state);
  const cases: [string | null, ListState][] = [
    [null, DEFAULT_LIST_STATE],
    ['not json', DEFAULT_LIST_STATE],
    ['[1,2]', DEFAULT_LIST_STATE],
    [
      JSON.stringify({
        filter: {
          conditions: [
            { field: 'gone', op: 'eq', value: 'x' },
            { field: 'name', op: 'gt', value: 'm' },
            { field: 'name', op: 'nope' },
          ],
        },
      }),
      { ...DEFAULT_LIST_STATE, filter: { combine: 'and', conditions: [{ field: 'name', op: 'gt', value: 'm', value2: '' }] } },
    ],
    [JSON.stringify({ sort: { field: 'gone', direction: 'asc' }, search: 5, matchCase: 'yes' }), DEFAULT_LIST_STATE],
    [
      JSON.stringify({ sort: { field: CHANGED_AT_SORT_FIELD, direction: 'asc' } }),
      { ...DEFAULT_LIST_STATE, sort: { field: CHANGED_AT_SORT_FIELD, direction: 'asc' } },
    ],
  ];
  for (const [text, expected] of cases) assert.deepEqual(parseListState(Site, text), expected, String(text));
});
