// The size of a record as the server counts it (UTF-8 bytes of the stored item's JSON, sync
// metadata aside: the server's own `itemBytes`) and the problem named when it is over the limit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseSchema } from '../../../common/schema/parse-schema.js';
import {
  DEFAULT_MAX_ITEM_BYTES,
  formatBytes,
  itemLimitOf,
  itemSizeProblem,
  itemTooLargeError,
  measureItem,
  storedItemOf,
  utf8ByteLength,
} from '../../../common/schema/item-size.js';
import { ValidationError } from '../../../common/errors.js';
import { itemBytes } from '../../../server/resolvers/mutation-resolvers.js';
import { BLOG_SDL } from './blog-schema.js';
import type { ModelRecord } from '../../../common/schema/types.js';

const example = parseSchema(readFileSync(new URL('../../../schema/schema.graphql', import.meta.url), 'utf8'), 'schema/schema.graphql');
const blog = parseSchema(BLOG_SDL, 'blog.graphql');
const Observation = example.models.Observation!;

test('utf8ByteLength counts what Buffer.byteLength counts, not UTF-16 units', () => {
  const cases: Array<[string, number]> = [
    ['', 0],
    ['a', 1],
    ['é', 2],
    ['€', 3],
    ['😀', 4],
    ['\ud83d', 3], // a lone surrogate encodes as U+FFFD
    ['\ude00x', 4],
    ['aé€😀', 10],
    ['é'.repeat(700_000), 1_400_000],
  ];
  for (const [text, bytes] of cases) {
    assert.equal(utf8ByteLength(text), bytes, JSON.stringify(text.slice(0, 8)));
    assert.equal(utf8ByteLength(text), Buffer.byteLength(text, 'utf8'));
  }
  assert.equal('é'.repeat(700_000).length, 700_000, 'the trap: JS length counts characters');
});

test('the stored item: every stored field (null when unset) and the widest timestamps, no metadata', () => {
  const item = storedItemOf(Observation, { inspectionID: 'i1', category: 'crack', severity: 'LOW' }, { kind: 'create', fill: { owner: 'sub-1::alice' } });
  assert.deepEqual(item, {
    id: '00000000-0000-0000-0000-000000000000',
    inspectionID: 'i1',
    category: 'crack',
    severity: 'LOW',
    description: null,
    measurements: null,
    resolved: null,
    photoUrl: null,
    photos: null,
    createdAt: '0000-00-00T00:00:00.000Z',
    updatedAt: '0000-00-00T00:00:00.000Z',
    owner: 'sub-1::alice',
  });
  // An update keeps createdAt and the key; metadata of the local row is not counted.
  const updated = storedItemOf(
    Observation,
    { id: 'o1', createdAt: '2026-01-02T03:04:05.678Z', _version: 9, _lastChangedAt: 1, _deleted: null },
    { kind: 'update' },
  );
  assert.equal(updated.id, 'o1');
  assert.equal(updated.createdAt, '2026-01-02T03:04:05.678Z');
  assert.equal('_version' in updated || '_lastChangedAt' in updated || '_deleted' in updated, false);
  // Relations are not stored; renamed/disabled timestamps follow the model.
  const post = storedItemOf(blog.models.Post!, { id: 'p' }, { kind: 'create' });
  assert.equal('blog' in post || 'comments' in post || 'createdAt' in post, false);
  const author = storedItemOf(blog.models.Author!, { id: 'a' }, { kind: 'create' });
  assert.equal(author.joinedOn, '0000-00-00T00:00:00.000Z');
  assert.equal('updatedAt' in author, false);
});

test('measureItem: the total is the JSON byte length; fields are ranked by their share', () => {
  const item = storedItemOf(
    Observation,
    { id: 'o1', category: 'c', severity: 'LOW', description: 'é'.repeat(20), photoUrl: 'https://x.test/a/much/longer/path/to/the/photo.png' },
    { kind: 'update' },
  );
  const size = measureItem(item);
  assert.equal(size.bytes, Buffer.byteLength(JSON.stringify(item), 'utf8'));
  assert.equal(size.fields[0]?.field, 'photoUrl');
  assert.deepEqual(size.fields[1], { field: 'description', bytes: '"description":'.length + 42 + 1 });
  // The shares plus the braces, less the last comma, add up to the total.
  assert.equal(size.fields.reduce((n, f) => n + f.bytes, 0) + 2 - 1, size.bytes);
});

test('formatBytes: DynamoDB units (1 KB = 1,024 bytes); "up" never under-states', () => {
  const cases: Array<[number, 'nearest' | 'up', string]> = [
    [1, 'nearest', '1 byte'],
    [812, 'nearest', '812 bytes'],
    [1024, 'nearest', '1 KB'],
    [1536, 'nearest', '1.5 KB'],
    [409_600, 'nearest', '400 KB'],
    [1_400_000, 'nearest', '1.3 MB'],
    [1_025, 'nearest', '1 KB'],
    [1_025, 'up', '1.1 KB'],
    [990_400, 'up', '968 KB'],
  ];
  for (const [bytes, round, text] of cases) assert.equal(formatBytes(bytes, round), text, `${bytes} ${round}`);
});

test('itemLimitOf: the announced limit when there is one, else DynamoDB’s 400 KB', () => {
  const cases: Array<[number | null | undefined, number]> = [
    [undefined, 409_600],
    [null, 409_600],
    [0, 409_600],
    [-5, 409_600],
    [1.5, 409_600],
    [1000, 1000],
    [1_048_576, 1_048_576],
  ];
  for (const [announced, limit] of cases) assert.equal(itemLimitOf(announced), limit, String(announced));
  assert.equal(DEFAULT_MAX_ITEM_BYTES, 409_600);
});

test('a 700,000-character "é" description (1.4 MB) is refused naming Observation.description', () => {
  const record = { id: 'o1', inspectionID: 'i1', category: 'crack', severity: 'HIGH', description: 'é'.repeat(700_000) };
  const problem = itemSizeProblem(Observation, record, { kind: 'create' });
  assert.ok(problem);
  assert.equal(problem.path, 'Observation.description');
  assert.equal(problem.limit, 409_600);
  assert.equal(problem.bytes, itemBytes(storedItemOf(Observation, record, { kind: 'create' })));
  assert.match(
    problem.message,
    /^Observation\.description makes this record 1\.3 MB \(1,400,\d{3} bytes\); the server accepts at most 400 KB \(409,600 bytes\) per record\. Shorten Observation\.description by at least 968 KB\.$/,
  );
  const error = itemTooLargeError(problem);
  assert.ok(error instanceof ValidationError);
  assert.equal(error.path, 'Observation.description');
  assert.equal(error.details?.rule, 'too-large');
});

test('the limit is exact: a record of exactly the limit passes, one byte more is refused', () => {
  const base = { id: 'o1', inspectionID: 'i1', category: 'crack', severity: 'HIGH', description: '' };
  const empty = measureItem(storedItemOf(Observation, base, { kind: 'create' })).bytes;
  for (const [limit, char] of [
    [409_600, 'a'],
    [409_600, 'é'],
    [2_000, 'a'],
    [2_000, 'é'],
  ] as const) {
    const room = limit - empty;
    const fits = char.repeat(Math.floor(room / Buffer.byteLength(char))) + (room % Buffer.byteLength(char) === 1 ? 'a' : '');
    assert.equal(Buffer.byteLength(fits), room);
    assert.equal(itemSizeProblem(Observation, { ...base, description: fits }, { kind: 'create', limit }), null, `${limit} ${char}`);
    const problem = itemSizeProblem(Observation, { ...base, description: fits + 'a' }, { kind: 'create', limit });
    assert.equal(problem?.bytes, limit + 1);
    assert.match(problem.message, /by at least 1 byte\.$/);
  }
});

test('no single field makes it large: the three largest are named', () => {
  const schema = parseSchema(`type Note @model { id: ID! a: String b: String c: String d: String }`);
  const record = { id: 'n', a: 'x'.repeat(150_000), b: 'y'.repeat(140_000), c: 'z'.repeat(130_000), d: 'w' };
  const problem = itemSizeProblem(schema.models.Note!, record, { kind: 'update' });
  assert.ok(problem);
  assert.equal(problem.path, 'Note.a');
  assert.deepEqual(
    problem.largest.map((f) => f.path),
    ['Note.a', 'Note.b', 'Note.c'],
  );
  assert.match(
    problem.message,
    /^This Note record is 410 KB \(420,\d{3} bytes\), largest fields Note\.a \(146 KB\), Note\.b \(137 KB\), Note\.c \(127 KB\); the server accepts at most 400 KB \(409,600 bytes\) per record\. Shorten them by at least \d+(\.\d)? KB in all\.$/,
  );
});

test('embedded objects, lists and AWSJSON count as their JSON', () => {
  const Site = example.models.Site!;
  const record = { id: 's', name: 'Nørth', location: { latitude: 1.5, longitude: -2, accuracyMeters: null }, tags: ['å', 'b'] };
  const item = storedItemOf(Site, record, { kind: 'update' });
  assert.equal(measureItem(item).bytes, Buffer.byteLength(JSON.stringify(item)));
  const json = storedItemOf(blog.models.Post!, { id: 'p', metadata: '{"ü":1}' }, { kind: 'update' });
  assert.equal(measureItem(json).bytes, Buffer.byteLength(JSON.stringify(json)));
});

test('agrees with the server’s itemBytes on the item the server builds (timestamps stamped, metadata added)', () => {
  const cases: Array<[string, ModelRecord]> = [
    ['empty', {}],
    ['accents', { id: 'o1', category: 'é€😀', description: 'ñ'.repeat(1000), measurements: [1.5, -2, 3e21] }],
    ['control characters and quotes', { id: 'o2', category: '"\\\n\t\u0001', photoUrl: 'https://x.test/?q="a"' }],
  ];
  for (const [what, record] of cases) {
    const client = measureItem(storedItemOf(Observation, record, { kind: 'create', fill: { owner: 'sub-1::alice' } })).bytes;
    // What resolveCreate measures: every stored field, the key, the owner fill, both timestamps now.
    const now = new Date().toISOString();
    const server = itemBytes({
      ...Object.fromEntries(
        ['id', 'inspectionID', 'category', 'severity', 'description', 'measurements', 'resolved', 'photoUrl', 'photos', 'createdAt', 'updatedAt', 'owner'].map(
          (f) => [f, null],
        ),
      ),
      ...record,
      id: record.id ?? '0b5e8a52-3c1e-4d7f-9a6b-2f4c8d9e1a3b',
      owner: 'sub-1::alice',
      createdAt: now,
      updatedAt: now,
      _version: 1,
      _lastChangedAt: Date.now(),
      _deleted: null,
    });
    assert.equal(client, server, what);
  }
});
