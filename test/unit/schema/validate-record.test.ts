// validateRecord: what each scalar accepts and refuses, required/null rules per mode, enums, lists,
// embedded objects, relation fields and metadata — each refusal naming Model.field and the rule.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseSchema } from '../../../common/schema/parse-schema.js';
import { validateRecord } from '../../../common/schema/validate-record.js';
import { scalarRule } from '../../../common/schema/scalars.js';
import { ValidationError } from '../../../common/errors.js';
import { SCALAR_TYPES, type ScalarTypeName } from '../../../common/schema/types.js';
import { BLOG_SDL } from './blog-schema.js';

const example = parseSchema(readFileSync(new URL('../../../schema/schema.graphql', import.meta.url), 'utf8'));
const blog = parseSchema(BLOG_SDL);

// One model with an optional field of every scalar, so each is checked through validateRecord itself.
const scalarsSchema = parseSchema(`type Sample @model {\n  id: ID!\n${SCALAR_TYPES.map((s) => `  v${s}: ${s}`).join('\n')}\n}`);

const accepted: Record<ScalarTypeName, unknown[]> = {
  ID: ['a', 'f47ac10b-58cc-4372-a567-0e02b2c3d479', '42'],
  String: ['', 'plain', 'é ß 😀 日本語', ' spaces ', 'line\nbreak'],
  Int: [0, -1, 42, 2147483647, -2147483648],
  Float: [0, -0.5, 3.14, 1e300, -1e-300, 2147483648, Number.MAX_VALUE],
  Boolean: [true, false],
  AWSDate: ['2026-01-31', '2024-02-29', '2000-02-29', '1970-01-01Z', '1970-01-01-07:00', '1970-01-01+05:30', '1970-01-01+05:30:15'],
  AWSTime: ['12:30', '12:30Z', '12:30:24', '12:30:24-07:00', '12:30:24.500+05:30', '00:00:00.123456789', '23:59:59.9Z'],
  AWSDateTime: ['2026-11-25T06:28:50Z', '2026-11-25T06:28:50.123Z', '2026-11-25T06:28Z', '2026-11-25T06:28:50.123456789+05:30', '2024-02-29T23:59:59-07:00:30'],
  AWSTimestamp: [0, 1764052130, -86400, Number.MAX_SAFE_INTEGER],
  AWSEmail: ['user@example.com', 'first.last+tag@sub.example.co.uk', "o'brien@example.org", 'x_y-z@a-b.io'],
  AWSJSON: ['{}', '[]', '{"a":[1,2,{"b":null}]}', '"text"', '42', 'null', 'true', '{"é":"😀"}'],
  AWSURL: [
    'https://www.amazon.com/dp/B000NZW3KC/',
    'mailto:example@example.com',
    'http://localhost:8080/a/b?q=1#x',
    'ftp://files.example.com/x.zip',
    'https://example.com/search?u=http://x//y',
  ],
  AWSPhone: ['+1 206 555 0100', '+44 20 7946 0958', '+49-30-1234567', '206-555-0100', '(206) 555-0100', '12065550100', '+33123456789'],
  AWSIPAddress: [
    '192.0.2.1',
    '0.0.0.0',
    '255.255.255.255',
    '10.0.0.0/8',
    '192.168.1.0/24',
    '::1',
    '::',
    '2001:db8::1',
    '2001:0db8:0000:0000:0000:ff00:0042:8329',
    'fe80::/10',
    '::ffff:192.0.2.1',
    '2001:db8::/128',
  ],
};

const refused: Record<ScalarTypeName, unknown[]> = {
  ID: ['', 1, null, true, {}, 'a\uD800'],
  String: [1, true, ['a'], {}, '\uD83D', 'x\uDE00y'],
  Int: [2147483648, -2147483649, 1.5, NaN, Infinity, '1', 2 ** 53, true],
  Float: [NaN, Infinity, -Infinity, '1.5', false],
  Boolean: ['true', 1, 0],
  AWSDate: [
    '2026-02-30',
    '2025-02-29',
    '1900-02-29',
    '2026-13-01',
    '2026-00-10',
    '2026-1-1',
    '26-01-01',
    '2026-01-01T00:00Z',
    '2026-01-01+24:00',
    '2026/01/01',
    ' 2026-01-01',
    20260101,
  ],
  AWSTime: ['24:00', '12:60', '12:30:61', '12', '12:30:24.', '12:30:24.1234567890', '1:30', '12:30+5:30', '12:30 Z'],
  AWSDateTime: [
    '2026-11-25T06:28:50',
    '2026-11-25 06:28:50Z',
    '2026-02-30T00:00:00Z',
    '2026-11-25T25:00:00Z',
    '2026-11-25',
    '2026-11-25T06:28:50+0530',
    'yesterday',
    1764052130000,
  ],
  AWSTimestamp: [1.5, '1764052130', NaN, Number.MAX_SAFE_INTEGER + 1],
  AWSEmail: [
    'user',
    'user@',
    '@example.com',
    'user@example',
    'us er@example.com',
    'user@@example.com',
    '.user@example.com',
    'user.@example.com',
    'a..b@example.com',
    'user@-example.com',
    'user@example..com',
  ],
  AWSJSON: ['{', "{'a':1}", 'undefined', '', '{"a":1', { a: 1 }, 42],
  AWSURL: ['example.com', 'www.example.com/path', 'https://', 'http://x//y', 'https://example.com//double', 'http://exa mple.com', '', '://example.com'],
  AWSPhone: ['555-0100', '12345', '+1', 'phone', '206_555_0100', '+1234567890123456', '206--555-0100'],
  AWSIPAddress: [
    '256.0.0.1',
    '1.2.3',
    '1.2.3.4.5',
    '01.2.3.4',
    '192.168.1.0/33',
    '::1/129',
    '2001:db8:::1',
    '1:2:3:4:5:6:7:8:9',
    'gggg::1',
    '1.2.3.4::',
    '192.0.2.1/',
    'fe80::1%eth0',
    'localhost',
  ],
};

for (const scalar of SCALAR_TYPES) {
  test(`${scalar}: accepts ${accepted[scalar].length} valid values`, () => {
    for (const value of accepted[scalar]) {
      const out = validateRecord(scalarsSchema, 'Sample', { id: 's1', [`v${scalar}`]: value }, 'create');
      assert.equal(out[`v${scalar}`], value, `${scalar} should accept ${JSON.stringify(value)}`);
    }
  });
  test(`${scalar}: refuses ${refused[scalar].length} invalid values, naming Sample.v${scalar}`, () => {
    for (const value of refused[scalar]) {
      if (value === null) continue; // null is the optional-field case, checked below
      assert.throws(
        () => validateRecord(scalarsSchema, 'Sample', { id: 's1', [`v${scalar}`]: value }, 'create'),
        (error: unknown) => {
          assert.ok(error instanceof ValidationError, `${scalar} should refuse ${String(value)}`);
          assert.equal(error.path, `Sample.v${scalar}`);
          assert.equal(error.details?.rule, 'type');
          assert.match(error.message, new RegExp(`^Sample\\.v${scalar} \\(${scalar}\\) `));
          return true;
        },
        `${scalar} should refuse ${typeof value === 'string' ? JSON.stringify(value) : String(value)}`,
      );
    }
  });
}

test('ID refuses null only when required; scalarRule is usable on its own', () => {
  assert.equal(scalarRule('ID', null), 'must be a non-empty string of valid Unicode');
  assert.equal(scalarRule('Int', 7), undefined);
  assert.deepEqual(validateRecord(scalarsSchema, 'Sample', { id: 's1', vInt: null, vString: null }, 'create'), {
    id: 's1',
    vInt: null,
    vString: null,
  });
});

test('error messages say the rule and the offending value', () => {
  assert.throws(() => validateRecord(example, 'Inspection', { siteID: 's', title: 't', status: 'DRAFT', score: 2147483648 }, 'create'), {
    name: 'ValidationError',
    message: 'Inspection.score (Int) must be an integer from -2147483648 to 2147483647 (got 2147483648)',
    path: 'Inspection.score',
  });
  assert.throws(() => validateRecord(example, 'Inspection', { inspectedAt: '2026-02-30T10:00:00Z' }, 'update'), {
    message:
      'Inspection.inspectedAt (AWSDateTime) must be an ISO-8601 date-time YYYY-MM-DDThh:mm[:ss[.sss]] with Z or ±hh:mm[:ss] (got "2026-02-30T10:00:00Z")',
  });
  assert.throws(() => validateRecord(example, 'Observation', { measurements: [1, NaN] }, 'update'), {
    message: 'Observation.measurements[1] (Float) must be a finite number (got NaN)',
    path: 'Observation.measurements[1]',
  });
});

test('create: required fields present and non-null; id, read-only and implicit fields may be absent', () => {
  const out = validateRecord(example, 'Site', { name: 'North pier' }, 'create');
  assert.deepEqual(out, { name: 'North pier' });
  assert.throws(() => validateRecord(example, 'Site', {}, 'create'), {
    message: 'Site.name is required',
    path: 'Site.name',
    details: { rule: 'required', path: 'Site.name' },
  });
  assert.throws(() => validateRecord(example, 'Site', { name: null }, 'create'), { message: 'Site.name is required and may not be null' });
  assert.throws(() => validateRecord(example, 'Inspection', { siteID: 's', title: 't' }, 'create'), { message: 'Inspection.status is required' });
  // Custom primary keys are not generated: they must be given.
  assert.throws(() => validateRecord(blog, 'Blog', { title: 'T' }, 'create'), { message: 'Blog.slug is required' });
  assert.throws(() => validateRecord(blog, 'Comment', { postID: 'p', body: 'b' }, 'create'), { message: 'Comment.number is required' });
  assert.throws(() => validateRecord(example, 'Site', { id: '', name: 'x' }, 'create'), { path: 'Site.id' });
});

test('update: only present fields are checked; required ones may not become null', () => {
  assert.deepEqual(validateRecord(example, 'Inspection', { id: 'i1', notes: null }, 'update'), { id: 'i1', notes: null });
  assert.deepEqual(validateRecord(example, 'Inspection', { score: 3 }, 'update'), { score: 3 });
  assert.throws(() => validateRecord(example, 'Inspection', { id: 'i1', title: null }, 'update'), {
    message: 'Inspection.title is required and may not be null',
    details: { rule: 'required', path: 'Inspection.title' },
  });
});

test('unknown fields and models', () => {
  assert.throws(() => validateRecord(example, 'Site', { name: 'x', colour: 'red' }, 'create'), {
    message: 'Site.colour is not a field of Site (fields: id, name, code, location, tags, createdAt, updatedAt, owner)',
    details: { rule: 'unknown-field', path: 'Site.colour' },
  });
  assert.throws(() => validateRecord(example, 'Place', {}, 'create'), {
    name: 'ValidationError',
    message: 'unknown model "Place" (known models: Site, Inspection, Observation)',
  });
  assert.throws(() => validateRecord(example, 'Site', ['name'], 'create'), { details: { rule: 'not-an-object', path: 'Site' } });
  assert.throws(() => validateRecord(example, 'Site', null, 'create'), { message: 'a Site record must be an object (got null)' });
});

test('enums and enum lists', () => {
  assert.throws(() => validateRecord(example, 'Observation', { severity: 'low' }, 'update'), {
    message: 'Observation.severity must be one of Severity: LOW, MEDIUM, HIGH, CRITICAL (got "low")',
    details: { rule: 'enum', path: 'Observation.severity' },
  });
  assert.deepEqual(validateRecord(blog, 'Post', { topics: ['NEWS', 'TECH'] }, 'update'), { topics: ['NEWS', 'TECH'] });
  assert.throws(() => validateRecord(blog, 'Post', { topics: ['NEWS', null] }, 'update'), {
    message: 'Post.topics[1]: items of Post.topics may not be null',
    path: 'Post.topics[1]',
  });
  assert.throws(() => validateRecord(blog, 'Post', { topics: 'NEWS' }, 'update'), { message: 'Post.topics must be a list (got "NEWS")' });
  assert.throws(() => validateRecord(blog, 'Post', { topics: null }, 'update'), { message: 'Post.topics is required and may not be null' });
  assert.throws(() => validateRecord(blog, 'Post', { topics: ['SPORT'] }, 'update'), {
    path: 'Post.topics[0]',
    details: { rule: 'enum', path: 'Post.topics[0]' },
  });
});

test('lists: nullable items allowed when the schema allows them; elements type-checked', () => {
  assert.deepEqual(validateRecord(example, 'Site', { tags: ['a', null, 'é'] }, 'update'), { tags: ['a', null, 'é'] });
  assert.deepEqual(validateRecord(example, 'Site', { tags: [] }, 'update'), { tags: [] });
  assert.throws(() => validateRecord(example, 'Site', { tags: ['a', 2] }, 'update'), { path: 'Site.tags[1]' });
});

test('embedded objects are checked recursively and copied', () => {
  const location = { latitude: 51.5, longitude: -0.12 };
  const out = validateRecord(example, 'Site', { name: 'x', location }, 'create');
  assert.deepEqual(out.location, location);
  assert.notEqual(out.location, location);
  assert.throws(() => validateRecord(example, 'Site', { location: { latitude: 'north', longitude: 0 } }, 'update'), {
    message: 'Site.location.latitude (Float) must be a finite number (got "north")',
    path: 'Site.location.latitude',
  });
  // Embedded objects are written whole, so their required fields apply on update too.
  assert.throws(() => validateRecord(example, 'Site', { location: { latitude: 1 } }, 'update'), { message: 'Site.location.longitude is required' });
  assert.throws(() => validateRecord(example, 'Site', { location: { latitude: 1, longitude: 2, altitude: 3 } }, 'update'), {
    message: 'Site.location.altitude is not a field of GeoPoint (fields: latitude, longitude, accuracyMeters)',
  });
  assert.throws(() => validateRecord(example, 'Site', { location: [1, 2] }, 'update'), { message: 'Site.location (GeoPoint) must be an object (got [1,2])' });
  assert.throws(() => validateRecord(blog, 'Blog', { settings: { languages: ['en', null] } }, 'update'), { path: 'Blog.settings.languages[1]' });
  assert.throws(() => validateRecord(blog, 'Blog', { settings: { contact: 'nobody' } }, 'update'), { path: 'Blog.settings.contact' });
});

test('relation fields are refused with the foreign key to set instead', () => {
  assert.throws(() => validateRecord(example, 'Inspection', { site: { id: 's1' } }, 'update'), {
    message: "Inspection.site is a relation: set Inspection.siteID to the Site's key instead",
    details: { rule: 'relation', path: 'Inspection.site' },
  });
  assert.throws(() => validateRecord(example, 'Site', { inspections: [] }, 'update'), {
    message: 'Site.inspections is a relation: save each Inspection with Inspection.siteID set instead',
  });
  assert.throws(() => validateRecord(blog, 'Author', { profile: null }, 'update'), {
    message: "Author.profile is a relation: set Author.profileID to the Profile's key instead",
  });
});

test('metadata fields: numbers and booleans only', () => {
  const ok = validateRecord(example, 'Site', { id: 's', name: 'x', _version: 3, _lastChangedAt: 1764052130123, _deleted: null }, 'update');
  assert.deepEqual(ok, { id: 's', name: 'x', _version: 3, _lastChangedAt: 1764052130123, _deleted: null });
  assert.equal(validateRecord(example, 'Site', { _deleted: true }, 'update')._deleted, true);
  assert.throws(() => validateRecord(example, 'Site', { _version: '3' }, 'update'), {
    path: 'Site._version',
    details: { rule: 'metadata', path: 'Site._version' },
  });
  assert.throws(() => validateRecord(example, 'Site', { _version: -1 }, 'update'), { path: 'Site._version' });
  assert.throws(() => validateRecord(example, 'Site', { _lastChangedAt: 1.5 }, 'update'), { path: 'Site._lastChangedAt' });
  assert.throws(() => validateRecord(example, 'Site', { _deleted: 'yes' }, 'update'), { message: 'Site._deleted must be true, false or null (got "yes")' });
  assert.throws(() => validateRecord(example, 'Site', { _ttl: 5 }, 'update'), { details: { rule: 'unknown-field', path: 'Site._ttl' } });
});

test('normalised copy: undefined dropped, schema order, input not mutated', () => {
  const input = { owner: 'sub-1::alice', name: 'x', code: undefined, tags: ['a'], _version: 1 };
  const out = validateRecord(example, 'Site', input, 'create');
  assert.deepEqual(Object.keys(out), ['name', 'tags', 'owner', '_version']);
  assert.notEqual(out.tags, input.tags);
  assert.deepEqual(input, { owner: 'sub-1::alice', name: 'x', code: undefined, tags: ['a'], _version: 1 });
  // Server-set timestamps may be present (records merged from the server) but must be valid.
  assert.throws(() => validateRecord(example, 'Site', { createdAt: 'now' }, 'update'), { path: 'Site.createdAt' });
});
