// The shell's and screens' small decisions, table-driven over plain data: the route on screen,
// list sorting and counts, the review inbox's selection and sentences, Settings' sentences, the
// sign-in request per mode, and the filter builder's field lookup.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Conflict, ReviewItem } from '../../../common/ipc/contract.js';
import { getModel } from '../../../common/schema/model-fields.js';
import { parseSchema } from '../../../common/schema/parse-schema.js';
import { filterableField, withField } from '../../../renderer/filter-draft.js';
import { ariaSort, nextSort, recordCountText, sortMark, type ListSort } from '../../../renderer/list-sort.js';
import { conflictFields, conflictStateText, itemKey, shownSelection, waitingText } from '../../../renderer/review-inbox-view.js';
import { offersNew, routeModel, shownRoute, type Route } from '../../../renderer/route.js';
import { clearedText, phaseAfter, refusalReason, signInText, syncFirstLeftText, syncFirstProgressText } from '../../../renderer/settings-view.js';
import { modeLabel, signInRequest, submitLabel } from '../../../renderer/sign-in-form.js';
import { visitSchema } from '../ipc/visit-schema.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const schema = parseSchema(readFileSync(join(root, 'schema/schema.graphql'), 'utf8'));
const Site = getModel(schema, 'Site');
const Inspection = getModel(schema, 'Inspection');

test('shownRoute: the route, else the first model list, else Settings; routeModel and offersNew by screen', () => {
  const list: Route = { screen: 'list', model: 'Site' };
  assert.deepEqual(shownRoute(null, 'Site'), list);
  assert.deepEqual(shownRoute(null, undefined), { screen: 'settings' });
  assert.deepEqual(shownRoute({ screen: 'trash' }, 'Site'), { screen: 'trash' });
  const rows: Array<[Route | null, string | undefined, boolean]> = [
    [list, 'Site', true],
    [{ screen: 'form', model: 'Site', recordKey: null }, 'Site', true],
    [{ screen: 'review' }, undefined, false],
    [{ screen: 'settings' }, undefined, false],
    [null, undefined, false],
  ];
  for (const [route, model, offers] of rows) {
    if (route) assert.equal(routeModel(route), model, route.screen);
    assert.equal(offersNew(route), offers, route?.screen ?? 'null');
  }
});

test('list sort: asc, desc, none per click; aria-sort and the mark follow; counts say records', () => {
  const asc: ListSort = { field: 'name', direction: 'asc' };
  const desc: ListSort = { field: 'name', direction: 'desc' };
  const rows: Array<[ListSort | null, string, ListSort | null]> = [
    [null, 'name', asc],
    [asc, 'name', desc],
    [desc, 'name', null],
    [desc, 'code', { field: 'code', direction: 'asc' }],
  ];
  for (const [sort, field, next] of rows) assert.deepEqual(nextSort(sort, field), next, `${JSON.stringify(sort)} + ${field}`);
  assert.deepEqual([ariaSort(asc, 'name'), ariaSort(desc, 'name'), ariaSort(asc, 'code'), ariaSort(null, 'name')], ['ascending', 'descending', 'none', 'none']);
  assert.deepEqual([sortMark(asc, 'name'), sortMark(desc, 'name'), sortMark(asc, 'code')], [' ▲', ' ▼', '']);
  assert.deepEqual(
    [recordCountText(true, 3), recordCountText(false, 1), recordCountText(false, 0), recordCountText(false, 25)],
    ['Loading…', '1 record', '0 records', '25 records'],
  );
});

const item = (id: string, state: ReviewItem['state']): ReviewItem => ({
  id,
  kind: 'overridden',
  model: 'Site',
  recordId: 's1',
  operation: 'UPDATE',
  fields: ['name'],
  mine: { id: 's1', name: 'Mine' },
  theirs: { id: 's1', name: 'Theirs' },
  reason: 'r',
  errorType: null,
  baseVersion: 1,
  at: 0,
  state,
});
const conflict = (id: string, patch: Partial<Conflict> = {}): Conflict => ({
  id,
  model: 'Site',
  recordId: 's1',
  operation: 'UPDATE',
  local: { id: 's1', name: 'a', code: 'c', _version: 2, updatedAt: 'x' },
  remote: { id: 's1', name: 'b', owner: 'u' },
  resolution: 'retried',
  at: 0,
  reviewed: null,
  ...patch,
});

test('shownSelection: the selected entry while listed, else the first open, decided, then conflict', () => {
  const open = item('o', 'open');
  const decided = item('d', 'keptMine');
  const rows: Array<[string, Parameters<typeof shownSelection>, unknown]> = [
    ['selected and listed', [{ kind: 'review', id: 'd' }, [open, decided], []], { kind: 'review', id: 'd' }],
    ['selected conflict', [{ kind: 'conflict', id: 'c' }, [open], [conflict('c')]], { kind: 'conflict', id: 'c' }],
    ['selected gone: first open', [{ kind: 'review', id: 'gone' }, [decided, open], []], { kind: 'review', id: 'o' }],
    ['none open: first decided', [null, [decided], [conflict('c')]], { kind: 'review', id: 'd' }],
    ['only conflicts', [null, [], [conflict('c'), conflict('e')]], { kind: 'conflict', id: 'c' }],
    ['nothing', [null, [], []], null],
  ];
  for (const [name, args, expected] of rows) assert.deepEqual(shownSelection(...args), expected, name);
  assert.deepEqual([waitingText(0), waitingText(3)], ['Nothing waiting', '3 to review']);
});

test('itemKey: main’s key, else read from the records, else from recordId; none for an unknown model', () => {
  assert.deepEqual(itemKey(schema, { key: { id: 'k' }, model: 'Site', recordId: 's1' }), { id: 'k' });
  assert.deepEqual(itemKey(schema, { model: 'Site', recordId: 's1' }, null, { id: 'fromRecord' }), { id: 'fromRecord' });
  assert.deepEqual(itemKey(schema, { model: 'Site', recordId: 's1' }, null), { id: 's1' });
  assert.equal(itemKey(schema, { model: 'Gone', recordId: 's1' }, { id: 's1' }), undefined);
  const visit = itemKey(visitSchema, { model: 'Visit', recordId: 'x' }, { siteID: 's-1', visitedOn: '2026-01-01', shift: 2 });
  assert.deepEqual(visit, { siteID: 's-1', visitedOn: '2026-01-01', shift: 2 });
});

test('conflictFields leaves out metadata, the key and fields this device did not send; conflictStateText says how it ended', () => {
  assert.deepEqual(conflictFields(Site, conflict('c')), ['name', 'code']);
  assert.deepEqual(conflictFields(undefined, conflict('c')), ['name', 'code']);
  const rows: Array<[Partial<Conflict>, string]> = [
    [{ reviewed: null, resolution: 'merged' }, 'settled as “merged”'],
    [{ reviewed: 'keepMine' }, 'kept mine'],
    [{ reviewed: 'keepTheirs' }, 'kept theirs'],
  ];
  for (const [patch, text] of rows) assert.equal(conflictStateText(conflict('c', patch)), text);
});

test('Settings sentences: how the profile signs in, what sync-first left, what clearing discarded', () => {
  const rows: Array<[Parameters<typeof signInText>[0], string]> = [
    [{ mode: 'password', credentialStorage: 'in the OS keychain' }, 'Account — token in the OS keychain'],
    [{ mode: 'apiKey', credentialStorage: 'encrypted on disk' }, 'API key — key encrypted on disk'],
    [{ mode: 'apiKey' }, 'API key'],
    [{ mode: 'offline' }, 'Offline profile'],
  ];
  for (const [user, text] of rows) assert.equal(signInText(user), text);
  assert.equal(syncFirstLeftText(2), 'Sync first ran out of time: 2 changes were not sent yet.');
  assert.equal(syncFirstLeftText(1), 'Sync first ran out of time: 1 change was not sent yet.');
  assert.equal(syncFirstLeftText(0, 3), 'Sync first ran out of time: 3 attached files were not uploaded yet.');
  assert.equal(syncFirstLeftText(0), 'Every change reached the server; what waits in the review inbox needs your decision first.');
  assert.equal(clearedText(0), 'Local data cleared.');
  assert.equal(clearedText(1), 'Local data cleared (1 unsynced change discarded).');
  assert.equal(clearedText(3), 'Local data cleared (3 unsynced changes discarded).');
  const progress: ReadonlyArray<readonly [Parameters<typeof syncFirstProgressText>, string]> = [
    [[5, 5], 'Sending changes: 0 of 5 sent'],
    [[5, 3], 'Sending changes: 2 of 5 sent'],
    [[5, 9], 'Sending changes: 0 of 5 sent'],
    [[5, 0], 'Sending changes: all 5 sent, finishing…'],
    [[5, 0, 2], 'Uploading attached files: 2 files to go'],
    [[0, 0, 1], 'Uploading attached files: 1 file to go'],
    [[0, 0], 'Connecting to the server…'],
  ];
  for (const [args, text] of progress) assert.equal(syncFirstProgressText(...args), text, JSON.stringify(args));
});

test('signInRequest sends only what each mode takes; labels of tabs and the button', () => {
  const fields = { server: 'http://s', username: 'ann', password: 'pw', apiKey: 'k' };
  assert.deepEqual(signInRequest('password', fields), { mode: 'password', server: 'http://s', username: 'ann', password: 'pw' });
  assert.deepEqual(signInRequest('apiKey', fields), { mode: 'apiKey', server: 'http://s', apiKey: 'k', username: 'ann' });
  assert.deepEqual(signInRequest('apiKey', { ...fields, username: '' }), { mode: 'apiKey', server: 'http://s', apiKey: 'k' });
  assert.deepEqual(signInRequest('offline', fields), { mode: 'offline', username: 'ann' });
  assert.deepEqual([modeLabel('password'), modeLabel('apiKey'), modeLabel('offline')], ['Account', 'API key', 'Offline']);
  assert.deepEqual([submitLabel('password', true), submitLabel('offline', false), submitLabel('apiKey', false)], ['Signing in…', 'Open profile', 'Sign in']);
});

test('filterableField finds offered fields only; withField resets operator and values', () => {
  assert.equal(filterableField(Inspection, 'title')?.name, 'title');
  assert.equal(filterableField(Inspection, '_version'), undefined);
  assert.equal(filterableField(Inspection, 'site'), undefined);
  assert.equal(filterableField(Inspection, 'nope'), undefined);
  assert.deepEqual(withField(Inspection, 'title'), { field: 'title', op: filterableField(Inspection, 'title')!.operators[0], value: '', value2: '' });
  assert.deepEqual(withField(Inspection, 'nope'), { field: 'nope', op: 'eq', value: '', value2: '' });
});

test('the guard dialog after main asks again: why it cannot sync, what sync first left, or asking', () => {
  const reason = 'Cannot sync now: 127.0.0.1:4000 cannot be reached (this computer may be offline). Nothing was deleted.';
  const rows: ReadonlyArray<readonly [string, Parameters<typeof phaseAfter>, ReturnType<typeof phaseAfter>]> = [
    ['asked first', [{ unsynced: 2 }, 'ask'], { kind: 'ask' }],
    ['offline: the reason', [{ unsynced: 2, reason } as { unsynced: number }, 'syncFirst'], { kind: 'blocked', reason }],
    ['time ran out', [{ unsynced: 1 }, 'syncFirst'], { kind: 'left', text: 'Sync first ran out of time: 1 change was not sent yet.' }],
    [
      'files left',
      [{ unsynced: 0, unuploadedFiles: 2 }, 'syncFirst'],
      { kind: 'left', text: 'Sync first ran out of time: 2 attached files were not uploaded yet.' },
    ],
    [
      'only review items left',
      [{ unsynced: 0 }, 'syncFirst'],
      { kind: 'left', text: 'Every change reached the server; what waits in the review inbox needs your decision first.' },
    ],
  ];
  for (const [name, args, expected] of rows) assert.deepEqual(phaseAfter(...args), expected, name);
  assert.deepEqual([refusalReason({}), refusalReason({ reason: '' }), refusalReason({ reason: 'x' })], [null, null, 'x']);
});
