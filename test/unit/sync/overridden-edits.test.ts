// Overridden-edit detection (main/sync/overridden-edits.ts), table by table: what this device sent,
// its base, what the server answered → the fields that did not survive and what "keep mine" wants.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { discardedByDelete, overriddenFields, overwrittenFields, reapply, showsListConcatenation } from '../../../main/sync/overridden-edits.js';
import { exampleSchema } from './example-schema.js';

const site = exampleSchema.models.Site;
const field = (name: string) => site.fields.find((f) => f.name === name)!;
const id = 's1';

interface Row {
  readonly name: string;
  readonly sent: Record<string, unknown>;
  readonly base: Record<string, unknown> | null;
  readonly server: Record<string, unknown>;
  /** field → [kind, mine] expected; empty = everything survived. */
  readonly lost: Record<string, [string, unknown]>;
}

const rows: Row[] = [
  { name: 'scalar echoed', sent: { code: 'A' }, base: { code: 'x' }, server: { code: 'A' }, lost: {} },
  {
    name: 'scalar replaced (AUTOMERGE kept the server value)',
    sent: { code: 'A' },
    base: { code: 'x' },
    server: { code: 'B' },
    lost: { code: ['replaced', 'A'] },
  },
  { name: 'scalar cleared and kept cleared', sent: { code: null }, base: { code: 'x' }, server: { code: null }, lost: {} },
  { name: 'scalar cleared but the server kept a value', sent: { code: null }, base: { code: 'x' }, server: { code: 'x' }, lost: { code: ['replaced', null] } },
  { name: 'a field the answer does not select says nothing', sent: { code: 'A' }, base: { code: 'x' }, server: {}, lost: {} },
  { name: 'key and metadata are never compared', sent: { id, code: 'A', _version: 3 }, base: { code: 'A' }, server: { id, code: 'A', _version: 9 }, lost: {} },
  {
    name: "implicit owner left null is the server's to fill",
    sent: { code: 'A', owner: null },
    base: null,
    server: { code: 'A', owner: 'u::alice' },
    lost: {},
  },
  {
    name: 'embedded: only the key this device changed must survive',
    sent: { location: { lat: 1, lon: 2, accuracyMeters: 5 } },
    base: { location: { lat: 1, lon: 2, accuracyMeters: 10 } },
    server: { location: { lat: 9, lon: 2, accuracyMeters: 5 } },
    lost: {},
  },
  {
    name: 'embedded: a changed key replaced → theirs with my key applied',
    sent: { location: { lat: 1, lon: 2, accuracyMeters: 5 } },
    base: { location: { lat: 1, lon: 2, accuracyMeters: 10 } },
    server: { location: { lat: 9, lon: 2, accuracyMeters: 10 } },
    lost: { location: ['replaced', { lat: 9, lon: 2, accuracyMeters: 5 }] },
  },
  {
    name: 'embedded set from null, server kept null',
    sent: { location: { lat: 1, lon: 2, accuracyMeters: 5 } },
    base: { location: null },
    server: { location: null },
    lost: { location: ['replaced', { lat: 1, lon: 2, accuracyMeters: 5 }] },
  },
  {
    name: 'embedded: a list inside the object concatenated by the merge is flagged even if only another key changed',
    sent: { location: { lat: 1, lon: 2, tags: ['m'], note: 'A' } },
    base: { location: { lat: 1, lon: 2, tags: ['m'], note: 'a0' } },
    server: { location: { lat: 1, lon: 2, tags: ['m', 'm'], note: 'a0' } },
    lost: { location: ['replaced', { lat: 1, lon: 2, tags: ['m'], note: 'A' }] },
  },
  {
    name: 'embedded: only the nested list duplicated',
    sent: { location: { lat: 1, tags: ['m'] } },
    base: { location: { lat: 0, tags: ['m'] } },
    server: { location: { lat: 1, tags: ['m', 'm'] } },
    lost: { location: ['duplicates', { lat: 1, tags: ['m'] }] },
  },
  { name: 'list: three-way merge kept my addition and theirs', sent: { tags: ['x', 'a'] }, base: { tags: ['x'] }, server: { tags: ['x', 'b', 'a'] }, lost: {} },
  {
    name: 'list: my addition is missing',
    sent: { tags: ['x', 'a'] },
    base: { tags: ['x'] },
    server: { tags: ['x', 'b'] },
    lost: { tags: ['listChanges', ['x', 'b', 'a']] },
  },
  {
    name: 'list: my removal was undone',
    sent: { tags: ['x'] },
    base: { tags: ['x', 'y'] },
    server: { tags: ['x', 'y', 'b'] },
    lost: { tags: ['listChanges', ['x', 'b']] },
  },
  { name: 'list: my removal kept, theirs added', sent: { tags: ['x'] }, base: { tags: ['x', 'y'] }, server: { tags: ['x', 'b'] }, lost: {} },
  {
    name: 'list: AUTOMERGE concatenation repeats the base element',
    sent: { tags: ['x', 'a'] },
    base: { tags: ['x'] },
    server: { tags: ['x', 'a', 'x', 'b'] },
    lost: { tags: ['duplicates', ['x', 'a', 'b']] },
  },
  { name: 'list: order alone is not a loss', sent: { tags: ['a', 'b'] }, base: { tags: [] }, server: { tags: ['b', 'a'] }, lost: {} },
  {
    name: 'list on a create (no base): every element counts as added',
    sent: { tags: ['a', 'b'] },
    base: null,
    server: { tags: ['a'] },
    lost: { tags: ['listChanges', ['a', 'b']] },
  },
  { name: 'list set to null, server kept a list', sent: { tags: null }, base: { tags: ['x'] }, server: { tags: ['x'] }, lost: { tags: ['replaced', null] } },
  {
    name: 'list: a second copy I added must be there twice',
    sent: { tags: ['x', 'x'] },
    base: { tags: ['x'] },
    server: { tags: ['x'] },
    lost: { tags: ['listChanges', ['x', 'x']] },
  },
  {
    name: 'several fields: each reported once',
    sent: { name: 'N', code: 'C', tags: ['t'] },
    base: { name: 'n', code: 'c', tags: [] },
    server: { name: 'other', code: 'C', tags: [] },
    lost: { name: ['replaced', 'N'], tags: ['listChanges', ['t']] },
  },
];

for (const row of rows) {
  test(`overriddenFields: ${row.name}`, () => {
    const lost = overriddenFields(site, { id, ...row.sent }, row.base, { id, ...row.server });
    const got = Object.fromEntries(lost.map((l) => [l.field, [l.kind, l.mine]]));
    assert.deepEqual(got, row.lost);
    for (const l of lost) assert.deepEqual(l.theirs, row.server[l.field]);
  });
}

test('overriddenFields: AWSDateTime compared by instant, AWSJSON by parsed value', () => {
  const inspection = exampleSchema.models.Inspection;
  const lost = overriddenFields(
    inspection,
    { id, inspectedAt: '2026-01-02T03:04:05Z' },
    { inspectedAt: null },
    { id, inspectedAt: '2026-01-02T03:04:05.000Z' },
  );
  assert.deepEqual(lost, []);
});

test('overwrittenFields: the retry replaces only the fields the other device changed and this device writes differently', () => {
  const remote = { id, name: 'theirs', code: 'c', tags: ['x', 'b'], _version: 4 };
  const cases: Array<[string, Record<string, unknown>, Record<string, unknown> | null, string[]]> = [
    ['other device changed name, I change name', { id, name: 'mine', _version: 4 }, { name: 'base' }, ['name']],
    ['other device did not change code', { id, code: 'mine', _version: 4 }, { code: 'c' }, []],
    ['I write the same value they wrote', { id, name: 'theirs', _version: 4 }, { name: 'base' }, []],
    ['no base: nothing can be told', { id, name: 'mine', _version: 4 }, null, []],
    ['a list they added to, I overwrite', { id, tags: ['x', 'a'], _version: 4 }, { tags: ['x'] }, ['tags']],
  ];
  for (const [what, retry, base, fields] of cases) {
    const lost = overwrittenFields(site, retry, base, remote);
    assert.deepEqual(
      lost.map((l) => l.field),
      fields,
      what,
    );
    for (const l of lost) assert.deepEqual([l.mine, l.theirs], [retry[l.field], remote[l.field as keyof typeof remote]], what);
  }
});

test('discardedByDelete: a stale delete throws away what the other device changed since this device last saw the record', () => {
  const deleted = { id, name: 'n', code: 'c', tags: ['x'], _version: 2 };
  assert.deepEqual(
    discardedByDelete(site, deleted, null, { id, name: 'n2', code: 'c', tags: ['x', 'y'], _version: 3 }).map((l) => [l.field, l.theirs]),
    [
      ['name', 'n2'],
      ['tags', ['x', 'y']],
    ],
  );
  // A field edited locally while the delete was queued: compared with its base, not the local edit.
  assert.deepEqual(discardedByDelete(site, { ...deleted, code: 'mine' }, { code: 'c' }, { id, name: 'n', code: 'c', tags: ['x'] }), []);
  assert.deepEqual(discardedByDelete(site, deleted, null, { id, name: 'zz', _deleted: true }), [], 'already a tombstone');
});

test('reapply: carries my change onto the current value', () => {
  const cases: Array<[string, string, unknown, unknown, unknown, unknown]> = [
    ['scalar takes mine', 'code', 'mine', 'theirs', 'later', 'mine'],
    ['list: my addition onto a later list', 'tags', ['x', 'b', 'a'], ['x', 'b'], ['x', 'b', 'c'], ['x', 'b', 'c', 'a']],
    ['list: duplicate removed from a later list', 'tags', ['x', 'a', 'b'], ['x', 'a', 'x', 'b'], ['x', 'a', 'x', 'b', 'c'], ['x', 'a', 'b', 'c']],
    ['list: nothing to do when already there', 'tags', ['x', 'a'], ['x'], ['x', 'a'], ['x', 'a']],
    [
      'embedded: my key over a later object',
      'location',
      { lat: 9, lon: 2, accuracyMeters: 5 },
      { lat: 9, lon: 2, accuracyMeters: 10 },
      { lat: 7, lon: 2, accuracyMeters: 10 },
      { lat: 7, lon: 2, accuracyMeters: 5 },
    ],
    ['embedded onto null takes mine', 'location', { lat: 1, lon: 2 }, null, null, { lat: 1, lon: 2 }],
  ];
  for (const [what, name, mine, theirs, current, expected] of cases) {
    assert.deepEqual(reapply(field(name), mine, theirs, current), expected, what);
  }
});

test("stale write joined to the stored list (AUTOMERGE): judged against the three-way merge with the other device's list", () => {
  const stale = { stale: true };
  const cases: Array<[string, unknown[], unknown[], unknown[], Record<string, unknown> | null, Record<string, [string, unknown]>]> = [
    // [what, base, mine, answered, context, expected]
    [
      'other device removed t3, my copy put it back',
      ['t3', 'u'],
      ['t3', 'u', 'a'],
      ['u', 't3', 'u', 'a'],
      stale,
      { tags: ['theirRemovalsUndone', ['u', 'a']] },
    ],
    ['removing an element removes every copy the join left', ['t9', 'd'], ['t9'], ['t9', 'd', 'x', 'd', 't9'], stale, { tags: ['listChanges', ['t9', 'x']] }],
    ['plain repeat of a kept element', ['x'], ['x', 'a'], ['x', 'b', 'x', 'a'], stale, { tags: ['duplicates', ['x', 'b', 'a']] }],
    ['not joined (a real merge): the usual rules', ['x'], ['x', 'a'], ['x', 'b', 'a'], stale, {}],
    ['empty stored list: a join only on a model seen joining', ['t3'], ['t3', 'a'], ['t3', 'a'], stale, {}],
    [
      'empty stored list on a joining model: the removal of t3 was undone',
      ['t3'],
      ['t3', 'a'],
      ['t3', 'a'],
      { stale: true, listsConcatenate: true },
      { tags: ['theirRemovalsUndone', ['a']] },
    ],
    ['not stale: never read as a join', ['x'], ['x', 'a'], ['y', 'x', 'a'], null, {}],
  ];
  for (const [what, base, mine, answered, context, expected] of cases) {
    const lost = overriddenFields(site, { id, tags: mine }, { tags: base }, { id, tags: answered }, context ?? {});
    assert.deepEqual(Object.fromEntries(lost.map((l) => [l.field, [l.kind, l.mine]])), expected, what);
  }
});

test('showsListConcatenation: evidence only from a stale answer that repeats an element kept from the base', () => {
  assert.equal(showsListConcatenation(site, { id, tags: ['x', 'a'] }, { tags: ['x'] }, { id, tags: ['x', 'b', 'x', 'a'] }, { stale: true }), true);
  assert.equal(showsListConcatenation(site, { id, tags: ['x', 'a'] }, { tags: ['x'] }, { id, tags: ['x', 'b', 'x', 'a'] }, { stale: false }), false);
  assert.equal(showsListConcatenation(site, { id, tags: ['a'] }, { tags: [] }, { id, tags: ['b', 'a'] }, { stale: true }), false, 'nothing kept from the base');
  assert.equal(showsListConcatenation(site, { id, tags: ['x', 'a'] }, { tags: ['x'] }, { id, tags: ['x', 'a'] }, { stale: true }), false);
});
