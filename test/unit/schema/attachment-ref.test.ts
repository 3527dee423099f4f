// Attachment references are recognised by their shape; malformed values are named precisely.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSchema } from '../../../common/schema/parse-schema.js';
import { getModel } from '../../../common/schema/model-fields.js';
import { attachmentFields, attachmentKey, attachmentRefProblem, attachmentRefsOf, isAttachmentType } from '../../../common/schema/attachment-ref.js';

const SDL = `
type Attachment { key: String! contentType: String! size: Int! sha256: String! name: String width: Int }
type NotQuite { key: String! contentType: String! size: String! sha256: String! }
type Optional { key: String contentType: String! size: Int! sha256: String! }
type GeoPoint { latitude: Float! longitude: Float! }
type Note @model {
  id: ID!
  photos: [Attachment!]
  cover: Attachment
  odd: NotQuite
  loose: Optional
  at: GeoPoint
  title: String
}`;
const schema = parseSchema(SDL);
const note = getModel(schema, 'Note');
const sha = 'a'.repeat(64);
const ref = { key: attachmentKey('Note', 'n 1', sha), contentType: 'image/jpeg', size: 12, sha256: sha, name: 'IMG_1.jpg' };

test('a non-model type is an attachment reference by its shape: four required fields of the right scalars, name optional', () => {
  assert.equal(isAttachmentType(schema.embeddedTypes.Attachment), true);
  assert.equal(isAttachmentType(schema.embeddedTypes.NotQuite), false, 'size must be Int');
  assert.equal(isAttachmentType(schema.embeddedTypes.Optional), false, 'key must be required');
  assert.equal(isAttachmentType(schema.embeddedTypes.GeoPoint), false);
  assert.deepEqual(
    attachmentFields(schema, note).map((f) => f.name),
    ['photos', 'cover'],
  );
});

test('the key is the server blob id, each part URI-encoded', () => {
  assert.equal(ref.key, `Note/n%201/${sha}`);
});

test('attachmentRefsOf collects single and list fields, skipping malformed values and filling a missing name with null', () => {
  const { name: _name, ...unnamed } = ref;
  const refs = attachmentRefsOf(schema, note, { id: 'n 1', photos: [ref, { ...ref, sha256: 'nope' }], cover: unnamed, title: 'x' });
  assert.deepEqual(refs, [ref, { ...unnamed, name: null }]);
  assert.deepEqual(attachmentRefsOf(schema, note, { id: 'n 1', photos: null }), []);
});

test('attachmentRefProblem names what is wrong', () => {
  const cases: Array<[unknown, RegExp | null]> = [
    [ref, null],
    [{ ...ref, name: null }, null],
    ['x', /must be an object/],
    [[ref], /must be an object/],
    [{ ...ref, key: '' }, /key must be a non-empty string/],
    [{ ...ref, contentType: 'jpeg' }, /contentType "jpeg" is not a MIME type/],
    [{ ...ref, size: -1 }, /size must be a whole number/],
    [{ ...ref, size: 1.5 }, /size must be a whole number/],
    [{ ...ref, sha256: sha.toUpperCase() }, /sha256 must be 64 lower-case hex/],
    [{ ...ref, name: 3 }, /name must be a string or null/],
  ];
  for (const [value, expected] of cases) {
    const problem = attachmentRefProblem(value);
    if (expected === null) assert.equal(problem, null, JSON.stringify(value));
    else assert.match(problem ?? '', expected, JSON.stringify(value));
  }
});
