import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ValidationError } from '../../../common/errors.js';
import { columnTypeFor, decodeColumnValue, encodeColumnValue } from '../../../common/predicates/column-codec.js';
import { METADATA_FIELD_DEFS, columnFields } from '../../../common/predicates/column-fields.js';
import type { FieldDef, ModelDef } from '../../../common/schema/types.js';
import { exampleSchema, readingSchema } from './schema-fixture.js';

const reading = readingSchema.models.Reading;
const f = (model: ModelDef, name: string): FieldDef => {
  const found = columnFields(model).find((x) => x.name === name);
  assert.ok(found, name);
  return found;
};

test('stored fields drop relations and append metadata', () => {
  assert.deepEqual(
    columnFields(exampleSchema.models.Inspection).map((x) => x.name),
    [
      'id',
      'siteID',
      'title',
      'status',
      'score',
      'notes',
      'inspectedAt',
      'attachments',
      'createdAt',
      'updatedAt',
      'owner',
      '_version',
      '_lastChangedAt',
      '_deleted',
    ],
  );
  assert.deepEqual(
    METADATA_FIELD_DEFS.map((x) => x.name),
    ['_version', '_lastChangedAt', '_deleted'],
  );
});

test('stored fields add implicit timestamps and owner a hand-built model lacks', () => {
  const bare: ModelDef = {
    ...exampleSchema.models.Site,
    fields: exampleSchema.models.Site.fields.filter((x) => !x.isImplicit),
    timestamps: { createdAt: 'created', updatedAt: null },
    auth: [{ allow: 'owner', ownerField: 'author', operations: ['read'] }],
  };
  assert.deepEqual(
    columnFields(bare).map((x) => x.name),
    ['id', 'name', 'code', 'location', 'tags', 'created', 'author', '_version', '_lastChangedAt', '_deleted'],
  );
});

test('column types per dialect', () => {
  const types = (dialect: 'sqlite' | 'postgres') => Object.fromEntries(columnFields(reading).map((x) => [x.name, columnTypeFor(x, dialect)]));
  assert.deepEqual(types('sqlite'), {
    deviceId: 'TEXT',
    takenAt: 'TEXT',
    label: 'TEXT',
    count: 'INTEGER',
    value: 'REAL',
    ok: 'INTEGER',
    day: 'TEXT',
    time: 'TEXT',
    epoch: 'INTEGER',
    email: 'TEXT',
    payload: 'TEXT',
    url: 'TEXT',
    phone: 'TEXT',
    ip: 'TEXT',
    level: 'TEXT',
    counts: 'TEXT',
    flags: 'TEXT',
    levels: 'TEXT',
    days: 'TEXT',
    createdAt: 'TEXT',
    updatedAt: 'TEXT',
    owner: 'TEXT',
    _version: 'INTEGER',
    _lastChangedAt: 'INTEGER',
    _deleted: 'INTEGER',
  });
  const pg = types('postgres');
  assert.equal(pg.count, 'BIGINT');
  assert.equal(pg.epoch, 'BIGINT');
  assert.equal(pg.value, 'DOUBLE PRECISION');
  assert.equal(pg.ok, 'BOOLEAN');
  assert.equal(pg._deleted, 'BOOLEAN');
  assert.equal(pg.counts, 'TEXT');
  assert.equal(columnTypeFor(f(exampleSchema.models.Site, 'location')), 'TEXT');
  assert.throws(() => columnTypeFor(exampleSchema.models.Inspection.fields.find((x) => x.name === 'site')!), ValidationError);
});

test('values round-trip through both dialects', () => {
  const cases: [string, unknown, unknown, unknown][] = [
    // field, value, sqlite form, postgres form
    ['label', 'é ß 😀 %_\\', 'é ß 😀 %_\\', 'é ß 😀 %_\\'],
    ['count', -2147483648, -2147483648, -2147483648],
    ['value', -1.5e300, -1.5e300, -1.5e300],
    ['ok', true, 1, true],
    ['ok', false, 0, false],
    ['epoch', 1_700_000_000_123, 1_700_000_000_123, 1_700_000_000_123],
    ['level', 'Mid', 'Mid', 'Mid'],
    ['counts', [1, null, -3], '[1,null,-3]', '[1,null,-3]'],
    ['flags', [true, false], '[true,false]', '[true,false]'],
    ['payload', '{"a": [1, 2]}', '{"a": [1, 2]}', '{"a": [1, 2]}'],
    ['label', null, null, null],
  ];
  for (const [name, value, sqlite, postgres] of cases) {
    const field = f(reading, name);
    assert.deepEqual(encodeColumnValue(field, value), sqlite, name);
    assert.deepEqual(encodeColumnValue(field, value, 'postgres'), postgres, name);
    assert.deepEqual(decodeColumnValue(field, sqlite), value, name);
    assert.deepEqual(decodeColumnValue(field, postgres, 'postgres'), value, name);
  }
  const location = f(exampleSchema.models.Site, 'location');
  assert.equal(encodeColumnValue(location, { latitude: 1, longitude: 2 }), '{"latitude":1,"longitude":2}');
  assert.deepEqual(decodeColumnValue(location, '{"latitude":1,"longitude":2}'), { latitude: 1, longitude: 2 });
  assert.equal(encodeColumnValue(f(reading, 'payload'), { a: 1 }), '{"a":1}');
  assert.equal(encodeColumnValue(f(reading, 'label'), undefined), null);
  // Drivers' other shapes: node-postgres BIGINT as text, better-sqlite3 safe-integer mode.
  assert.equal(decodeColumnValue(f(reading, 'epoch'), '1700000000123', 'postgres'), 1_700_000_000_123);
  assert.equal(decodeColumnValue(f(reading, 'count'), 7n), 7);
});

test('values of the wrong JavaScript type are refused before storage', () => {
  assert.throws(() => encodeColumnValue(f(reading, 'count'), '5'), { message: 'count (Int) needs an integer, got "5"' });
  assert.throws(() => encodeColumnValue(f(reading, 'count'), 1.5), { message: 'count (Int) needs an integer, got 1.5' });
  assert.throws(() => encodeColumnValue(f(reading, 'value'), Number.NaN), { message: 'value (Float) needs a finite number, got NaN' });
  assert.throws(() => encodeColumnValue(f(reading, 'ok'), 1), { message: 'ok (Boolean) needs true or false, got 1' });
  assert.throws(() => encodeColumnValue(f(reading, 'counts'), 1), { message: 'counts ([Int]) needs an array, got 1' });
  assert.throws(() => encodeColumnValue(f(exampleSchema.models.Site, 'location'), [1]), { message: 'location (GeoPoint) needs an object, got [1]' });
  assert.throws(() => encodeColumnValue(f(reading, 'label'), 3), { message: 'label (String) needs a string, got 3' });
});
