// The shared model lookups: which fields are columns, which a client may send, which are relations.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseSchema } from '../../../common/schema/parse-schema.js';
import {
  belongsToFields,
  getField,
  getModel,
  inputFields,
  isTimestampField,
  ownerFieldNames,
  relationFields,
  storedFields,
} from '../../../common/schema/model-fields.js';
import { ValidationError } from '../../../common/errors.js';
import { BLOG_SDL } from './blog-schema.js';

const example = parseSchema(readFileSync(new URL('../../../schema/schema.graphql', import.meta.url), 'utf8'));
const blog = parseSchema(BLOG_SDL);
const names = (fields: ReadonlyArray<{ name: string }>): string[] => fields.map((f) => f.name);

test('getModel returns the model or names the unknown one and lists the known ones', () => {
  assert.equal(getModel(example, 'Site').name, 'Site');
  assert.throws(
    () => getModel(example, 'site'),
    (error: unknown) => {
      assert.ok(error instanceof ValidationError);
      assert.equal(error.message, 'unknown model "site" (known models: Site, Inspection, Observation)');
      assert.equal(error.path, 'site');
      return true;
    },
  );
  assert.throws(() => getModel(example, 'toString'), { message: /unknown model "toString"/ });
});

test('getField names Model.field when missing', () => {
  assert.equal(getField(getModel(example, 'Site'), 'name').isRequired, true);
  assert.throws(() => getField(getModel(example, 'Site'), 'nam'), { message: /^unknown field Site\.nam \(fields: id, name, /, path: 'Site.nam' });
});

test('storedFields: every non-relation field, implicit ones included', () => {
  assert.deepEqual(names(storedFields(getModel(example, 'Inspection'))), [
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
  ]);
});

test('inputFields: stored, not read-only, not implicit owner; a declared owner field stays', () => {
  assert.deepEqual(names(inputFields(getModel(example, 'Site'))), ['id', 'name', 'code', 'location', 'tags']);
  assert.deepEqual(names(inputFields(getModel(blog, 'Comment'))), ['postID', 'number', 'body', 'owner']);
  assert.deepEqual(names(inputFields(getModel(blog, 'Post'))), [
    'id',
    'blogSlug',
    'previousID',
    'title',
    'status',
    'topics',
    'publishedOn',
    'metadata',
    'editors',
  ]);
});

test('relation, belongsTo, timestamp and owner lookups', () => {
  const inspection = getModel(example, 'Inspection');
  assert.deepEqual(names(relationFields(inspection)), ['site', 'observations']);
  assert.deepEqual(names(belongsToFields(inspection)), ['site']);
  assert.deepEqual(names(belongsToFields(getModel(blog, 'Post'))), ['blog', 'previous']);
  assert.equal(isTimestampField(inspection, 'updatedAt'), true);
  assert.equal(isTimestampField(getModel(blog, 'Author'), 'joinedOn'), true);
  assert.equal(isTimestampField(getModel(blog, 'Author'), 'updatedAt'), false);
  assert.deepEqual(ownerFieldNames(inspection), ['owner']);
  assert.deepEqual(ownerFieldNames(getModel(blog, 'Post')), ['author']);
  assert.deepEqual(ownerFieldNames(getModel(blog, 'Blog')), []);
});
