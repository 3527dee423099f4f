// FIELD_MERGE's rules, table-driven: scalars, lists, embedded objects, nulls and absent values,
// and the missing base (AUTOMERGE's result).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { automerge } from '../../../server/resolvers/automerge.js';
import { fieldMerge, mergeLists, mergeValue } from '../../../server/resolvers/field-merge.js';

interface Row {
  readonly name: string;
  readonly base: unknown;
  readonly stored: unknown;
  readonly incoming: unknown;
  readonly result: unknown;
}

const scalarRows: Row[] = [
  { name: 'only the client changed it', base: 'a', stored: 'a', incoming: 'b', result: 'b' },
  { name: 'only the server side changed it (the client sent the base value)', base: 'a', stored: 'c', incoming: 'a', result: 'c' },
  { name: 'both changed it to the same value', base: 'a', stored: 'b', incoming: 'b', result: 'b' },
  { name: 'both changed it differently: the server value is kept', base: 'a', stored: 'c', incoming: 'b', result: 'c' },
  { name: 'numbers: both changed', base: 1, stored: 2, incoming: 3, result: 2 },
  { name: 'booleans: only the client changed', base: false, stored: false, incoming: true, result: true },
  { name: 'the client set a value where base and server hold null', base: null, stored: null, incoming: 'x', result: 'x' },
  { name: 'the client cleared it (null is a value)', base: 'a', stored: 'a', incoming: null, result: null },
  { name: 'the server side cleared it, the client changed it: the server (null) is kept', base: 'a', stored: null, incoming: 'b', result: null },
  { name: 'the server side set it from null, the client set another value', base: null, stored: 's', incoming: 'c', result: 's' },
  { name: 'absent in the base reads as null', base: undefined, stored: null, incoming: 'x', result: 'x' },
  { name: 'absent in the stored item reads as null', base: null, stored: undefined, incoming: 5, result: 5 },
];

const listRows: Row[] = [
  { name: 'only the client changed the list', base: ['a'], stored: ['a'], incoming: ['a', 'b'], result: ['a', 'b'] },
  { name: 'the client added, the server side added', base: ['a'], stored: ['a', 's'], incoming: ['a', 'c'], result: ['a', 's', 'c'] },
  { name: 'the client removed, the server side added', base: ['a', 'b'], stored: ['a', 'b', 's'], incoming: ['a'], result: ['a', 's'] },
  { name: 'the client added, the server side removed', base: ['a', 'b'], stored: ['b'], incoming: ['a', 'b', 'c'], result: ['b', 'c'] },
  { name: 'both added the same element: once', base: ['a'], stored: ['a', 'x', 's'], incoming: ['a', 'x'], result: ['a', 'x', 's'] },
  { name: 'both removed the same element', base: ['a', 'b', 'c'], stored: ['a', 'c'], incoming: ['a', 'b'], result: ['a'] },
  { name: 'duplicates the client added are counted', base: ['a'], stored: ['a', 's'], incoming: ['a', 'a', 'a'], result: ['a', 's', 'a', 'a'] },
  {
    name: 'the server order is kept, client additions follow in the client order',
    base: ['a', 'b'],
    stored: ['b', 'a', 's'],
    incoming: ['z', 'a', 'b', 'y'],
    result: ['b', 'a', 's', 'z', 'y'],
  },
  { name: 'a null base list counts as empty when both set lists', base: null, stored: ['s'], incoming: ['c', 's'], result: ['s', 'c'] },
  { name: 'numbers and objects compare by value', base: [1, { k: 1 }], stored: [1, { k: 1 }, 2], incoming: [{ k: 1 }, 3], result: [{ k: 1 }, 2, 3] },
  { name: 'the server side cleared the list (null), the client added: null kept', base: ['a'], stored: null, incoming: ['a', 'b'], result: null },
  {
    name: 'the client cleared the list (null), the server side added: the server list kept',
    base: ['a'],
    stored: ['a', 's'],
    incoming: null,
    result: ['a', 's'],
  },
  { name: 'the client emptied the list, the server side added', base: ['a', 'b'], stored: ['a', 'b', 's'], incoming: [], result: ['s'] },
];

const objectRows: Row[] = [
  {
    name: 'different keys changed on each side both survive',
    base: { lat: 1, lon: 2, acc: 5 },
    stored: { lat: 9, lon: 2, acc: 5 },
    incoming: { lat: 1, lon: 2, acc: 3 },
    result: { lat: 9, lon: 2, acc: 3 },
  },
  {
    name: 'the same key changed on both sides: the server value',
    base: { lat: 1, lon: 2 },
    stored: { lat: 9, lon: 2 },
    incoming: { lat: 7, lon: 2 },
    result: { lat: 9, lon: 2 },
  },
  {
    name: 'a key the client left out reads as null (the client cleared it)',
    base: { lat: 1, acc: 5 },
    stored: { lat: 9, acc: 5 },
    incoming: { lat: 1 },
    result: { lat: 9, acc: null },
  },
  {
    name: 'nested lists merge three-way',
    base: { tags: ['a'], n: 1 },
    stored: { tags: ['a', 's'], n: 2 },
    incoming: { tags: ['a', 'c'], n: 1 },
    result: { tags: ['a', 's', 'c'], n: 2 },
  },
  {
    name: 'nested objects merge per key',
    base: { o: { x: 1, y: 1 } },
    stored: { o: { x: 2, y: 1 } },
    incoming: { o: { x: 1, y: 3 } },
    result: { o: { x: 2, y: 3 } },
  },
  { name: 'a null base object counts as empty when both set objects', base: null, stored: { a: 1 }, incoming: { a: 2, b: 3 }, result: { a: 1, b: 3 } },
  { name: 'the server side cleared the object, the client changed a key: null kept', base: { a: 1 }, stored: null, incoming: { a: 2 }, result: null },
  {
    name: 'explicit null keys compare equal to absent ones',
    base: { a: 1, b: null },
    stored: { a: 1, c: 0 },
    incoming: { a: 1, b: null, c: 4 },
    result: { a: 1, b: null, c: 0 },
  },
];

for (const [group, rows] of [
  ['scalars', scalarRows],
  ['lists', listRows],
  ['embedded objects', objectRows],
] as const) {
  for (const row of rows) {
    test(`${group}: ${row.name}`, () => {
      assert.deepEqual(mergeValue(row.base, row.stored, row.incoming), row.result);
    });
  }
}

test('fieldMerge: fields not sent keep the stored value; key and metadata come from the stored item', () => {
  const base = { id: 's1', name: 'A', code: 'K1', tags: ['a'], loc: { lat: 1, acc: 5 }, _version: 1 };
  const stored = { id: 's1', name: 'B', code: 'K1', tags: ['a', 'b'], loc: { lat: 1, acc: 5 }, note: 'server', _version: 2 };
  const merged = fieldMerge(base, stored, { code: 'K2', name: 'C', tags: ['a', 'c'], loc: { lat: 1, acc: 3 } });
  assert.deepEqual(merged, { id: 's1', name: 'B', code: 'K2', tags: ['a', 'b', 'c'], loc: { lat: 1, acc: 3 }, note: 'server', _version: 2 });
});

test('fieldMerge: issue 9 scenario 1 — a stale device keeps its one-sided edits', () => {
  const base = { code: 'OLD', name: 'Site', location: { latitude: 1, longitude: 2, accuracyMeters: 10 } };
  const stored = { code: 'B-CODE', name: 'B-NAME', location: { latitude: 1, longitude: 2, accuracyMeters: 10 } };
  const merged = fieldMerge(base, stored, { code: 'A-CODE', location: { latitude: 1, longitude: 2, accuracyMeters: 3 } });
  assert.deepEqual(merged, { code: 'B-CODE', name: 'B-NAME', location: { latitude: 1, longitude: 2, accuracyMeters: 3 } });
});

test('fieldMerge without a base is AUTOMERGE exactly', () => {
  const rows: Array<[Record<string, unknown>, Record<string, unknown>]> = [
    [
      { id: 'p', title: 'A', tags: ['x'], status: null },
      { title: 'B', tags: ['x', 'y'], status: 'ACTIVE' },
    ],
    [{ loc: { lat: 1, tags: ['a'] } }, { loc: { lat: 2, lon: 5, tags: ['a'] } }],
    [{ a: 1 }, { a: null, b: 2 }],
  ];
  for (const [stored, changes] of rows) assert.deepEqual(fieldMerge(undefined, stored, changes), automerge(stored, changes));
});

test('mergeLists does not mutate its inputs', () => {
  const base = ['a'];
  const stored = ['a', 's'];
  const incoming = ['c'];
  assert.deepEqual(mergeLists(base, stored, incoming), ['s', 'c']);
  assert.deepEqual([base, stored, incoming], [['a'], ['a', 's'], ['c']]);
});
