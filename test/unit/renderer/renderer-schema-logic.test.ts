// The renderer's schema-driven logic without a browser: the filter builder can only produce
// predicates main accepts, form values round-trip through every field type, and lists, forms and
// pickers are derived from the schema (checked on a second schema too, so nothing is hard-coded).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { validatePredicate } from '../../../common/predicates/validate-predicate.js';
import { parseSchema } from '../../../common/schema/parse-schema.js';
import { validateRecord } from '../../../common/schema/validate-record.js';
import { filterableFields, toPredicate, type Condition } from '../../../renderer/filter-draft.js';
import { blankRaw, fromRaw, toRaw } from '../../../renderer/form-values.js';
import { formFields, listColumns, navigationModels, recordLabel, relationFor, titleField } from '../../../renderer/schema-view.js';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const schema = parseSchema(readFileSync(join(root, 'schema/schema.graphql'), 'utf8'));
const other = parseSchema(`
  enum Colour { RED GREEN }
  type Dims { w: Int! h: Int }
  type Shelf @model { id: ID! label: String! books: [Book] @hasMany(indexName: "byShelf", fields: ["id"]) }
  type Book @model {
    id: ID!
    shelfID: ID! @index(name: "byShelf")
    shelf: Shelf @belongsTo(fields: ["shelfID"])
    title: String!
    colour: Colour
    pages: Int
    price: Float
    read: Boolean
    published: AWSDate
    seenAt: AWSDateTime
    meta: AWSJSON
    dims: Dims
    dimsHistory: [Dims]
    ratings: [Int]
  }
`);

const sampleText: Record<string, string> = { string: 'ab', integer: '3', float: '2.5', boolean: 'true', enum: '' };

test('every field × operator the builder offers becomes a predicate main accepts', () => {
  for (const s of [schema, other]) {
    for (const model of navigationModels(s)) {
      for (const field of filterableFields(model)) {
        for (const op of field.operators) {
          const enumValue = field.kind === 'enum' ? s.enums[field.typeName].values[0] : undefined;
          const text = enumValue ?? sampleText[field.kind];
          const condition: Condition = { field: field.name, op, value: op === 'attributeExists' ? 'true' : text, value2: text };
          const predicate = toPredicate(model, { combine: 'and', conditions: [condition] });
          assert.ok(predicate, `${model.name}.${field.name} ${op}`);
          assert.doesNotThrow(() => validatePredicate(s, model.name, predicate), `${model.name}.${field.name} ${op}: ${JSON.stringify(predicate)}`);
        }
      }
    }
  }
  const site = schema.models.Site;
  assert.equal(toPredicate(site, { combine: 'or', conditions: [] }), undefined);
  assert.deepEqual(toPredicate(site, { combine: 'or', conditions: [{ field: 'name', op: 'in', value: 'a, b', value2: '' }] }), {
    or: [{ field: 'name', op: 'in', value: ['a', 'b'] }],
  });
});

test('form values round-trip for scalars, enums, dates, lists and embedded types', () => {
  const book = other.models.Book;
  const record = {
    title: 'Dune',
    colour: 'RED',
    pages: 412,
    price: 9.5,
    read: false,
    published: '1965-08-01',
    seenAt: '2026-01-02T03:04:00.000Z',
    dims: { w: 10, h: null },
    dimsHistory: [{ w: 1, h: 2 }],
    ratings: [5, 4],
    shelfID: 'shelf-1',
    meta: '{"a":1}',
  } as Record<string, unknown>;
  const back: Record<string, unknown> = {};
  for (const field of formFields(book)) back[field.name] = fromRaw(other, field, toRaw(other, field, record[field.name]));
  for (const [key, value] of Object.entries(record)) assert.deepEqual(back[key], value, key);
  assert.doesNotThrow(() => validateRecord(other, 'Book', back, 'create'));
  // Blank inputs become null, a blank embedded object null, text that is not a number stays text for main to refuse.
  const dims = book.fields.find((f) => f.name === 'dims')!;
  assert.equal(fromRaw(other, dims, blankRaw(other, dims)), null);
  const pages = book.fields.find((f) => f.name === 'pages')!;
  assert.equal(fromRaw(other, pages, ''), null);
  assert.equal(fromRaw(other, pages, 'twelve'), 'twelve');
});

test('screens are derived from the schema: columns, form fields, pickers, titles, navigation order', () => {
  assert.deepEqual(
    navigationModels(schema).map((m) => m.name),
    ['Site', 'Inspection', 'Observation'],
  );
  assert.deepEqual(
    navigationModels(other).map((m) => m.name),
    ['Shelf', 'Book'],
  );
  const inspection = schema.models.Inspection;
  assert.deepEqual(relationFor(inspection, 'siteID'), { relatedModel: 'Site', field: 'site' });
  assert.equal(relationFor(inspection, 'title'), undefined);
  const form = formFields(inspection).map((f) => f.name);
  assert.ok(form.includes('siteID') && form.includes('status') && !form.includes('site') && !form.includes('id') && !form.includes('createdAt'));
  assert.ok(!formFields(schema.models.Site).some((f) => f.name === 'owner'), 'the owner field is set by the server');
  assert.deepEqual(
    listColumns(schema.models.Site)
      .slice(0, 2)
      .map((f) => f.name),
    ['name', 'code'],
  );
  assert.equal(titleField(schema.models.Site), 'name');
  assert.equal(titleField(other.models.Book), 'title');
  assert.equal(recordLabel(other.models.Shelf, { id: 'abcdef123456', label: 'Top' }), 'Top');
  assert.equal(recordLabel(other.models.Shelf, { id: 'abcdef123456', label: '' }), '#abcdef12');
});
