// The decisions behind the mounted attachment endpoint, table-driven and without I/O: settings and
// their refusals, where blobs live for a database URL, who may read / write a record's files,
// which fields hold attachments, whether a record still references a blob, malformed references
// in mutation input, the capability announcement and the config file's `attachments` keys.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ValidationError } from '../../../common/errors.js';
import { parseSchema } from '../../../common/schema/parse-schema.js';
import { getModel } from '../../../common/schema/model-fields.js';
import { mayAccessRecord, quotaKeyOf } from '../../../server/attachments/attachment-access.js';
import { blobStoreLocation } from '../../../server/attachments/attachment-mount.js';
import { attachmentFieldTest, hasAttachmentFields, recordReferences } from '../../../server/attachments/attachment-references.js';
import type { Identity } from '../../../server/auth/identity.js';
import { resolveAttachmentSettings, type AttachmentOptions } from '../../../server/config/attachment-settings.js';
import { parseServerConfig } from '../../../server/config/server-config.js';
import { outpostExtensions } from '../../../server/http/graphql-endpoint.js';
import { attachmentInputProblem } from '../../../server/resolvers/attachment-values.js';
import type { StoredItem } from '../../../server/storage/storage.js';

const schema = parseSchema(`
type Attachment { key: String! contentType: String! size: Int! sha256: String! name: String }
type Observation @model @auth(rules: [{ allow: owner }]) { id: ID! title: String photos: [Attachment!] cover: Attachment }
type Memo @model @auth(rules: [{ allow: public }]) { id: ID! text: String file: Attachment }
`);
const observation = getModel(schema, 'Observation');
const memo = getModel(schema, 'Memo');
const alice: Identity = { kind: 'user', sub: 's-a', username: 'alice', groups: [], claims: {}, provider: 'userPools' };
const bob: Identity = { kind: 'user', sub: 's-b', username: 'bob', groups: [], claims: {}, provider: 'userPools' };
const key: Identity = { kind: 'apiKey', keyId: 'k1' };
const SHA = 'a'.repeat(64);
const ref = { key: `Observation/r1/${SHA}`, contentType: 'image/png', size: 10, sha256: SHA, name: 'p.png' };

function stored(fields: Record<string, unknown>, deleted: boolean | null = null): StoredItem {
  return { id: 'r1', ...fields, _version: 1, _lastChangedAt: 1, _deleted: deleted };
}

test('resolveAttachmentSettings: defaults, and refusals naming attachments.<key>', () => {
  assert.deepEqual(resolveAttachmentSettings(undefined), {
    enabled: true,
    directory: undefined,
    maxFileBytes: 104_857_600,
    maxUserBytes: 5_368_709_120,
    retentionMs: 86_400_000,
  });
  const refused: Array<[AttachmentOptions, RegExp]> = [
    [{ maxFileBytes: 0 }, /^attachments\.maxFileBytes must be a whole number of bytes ≥ 1, got 0$/],
    [{ maxUserBytes: 1.5 }, /^attachments\.maxUserBytes must be a whole number of bytes ≥ 1, got 1\.5$/],
    [{ retentionMs: -1 }, /^attachments\.retentionMs must be a whole number of milliseconds ≥ 1/],
    [{ maxFileBytes: 10, maxUserBytes: 5 }, /^attachments\.maxFileBytes \(10\) must not exceed attachments\.maxUserBytes \(5\)/],
    [{ directory: ' ' }, /^attachments\.directory must be a non-empty path$/],
    [{ enabled: 'yes' as unknown as boolean }, /^attachments\.enabled must be true or false$/],
  ];
  for (const [options, message] of refused) {
    assert.throws(
      () => resolveAttachmentSettings(options),
      (e: unknown) => e instanceof ValidationError && message.test(e.message),
      JSON.stringify(options),
    );
  }
  assert.equal(resolveAttachmentSettings({ enabled: false, maxFileBytes: 5, maxUserBytes: 5 }).enabled, false);
});

test('blobStoreLocation: beside the SQLite file, an option, a temporary directory for :memory:, or the PostgreSQL database', () => {
  const rows: Array<[string, string | undefined, ReturnType<typeof blobStoreLocation>]> = [
    ['sqlite:.outpost/server.db', undefined, { kind: 'directory', directory: '.outpost/attachments' }],
    ['sqlite:/var/lib/outpost/db.sqlite', undefined, { kind: 'directory', directory: '/var/lib/outpost/attachments' }],
    ['sqlite:server.db', undefined, { kind: 'directory', directory: 'attachments' }],
    ['sqlite:/x/server.db', '/blobs', { kind: 'directory', directory: '/blobs' }],
    ['sqlite::memory:', undefined, { kind: 'temporary' }],
    ['sqlite::memory:', '/blobs', { kind: 'directory', directory: '/blobs' }],
    ['postgres://u@h/db', '/ignored', { kind: 'postgres', url: 'postgres://u@h/db' }],
    ['postgresql://u@h/db', undefined, { kind: 'postgres', url: 'postgresql://u@h/db' }],
  ];
  for (const [database, directory, expected] of rows) assert.deepEqual(blobStoreLocation(database, directory), expected, database);
  assert.throws(() => blobStoreLocation('mysql://x', undefined), ValidationError);
});

test('mayAccessRecord: read as reading the record, write as updating it; no files for missing or deleted records', () => {
  const owned = stored({ owner: 's-a::alice' });
  const rows: Array<[string, Identity, StoredItem | undefined, 'read' | 'write', boolean]> = [
    ['owner reads', alice, owned, 'read', true],
    ['owner writes', alice, owned, 'write', true],
    ['owner by sub alone', alice, stored({ owner: 's-a' }), 'write', true],
    ['other user reads', bob, owned, 'read', false],
    ['other user writes', bob, owned, 'write', false],
    ['API key on owner-only', key, owned, 'read', false],
    ['record not there', alice, undefined, 'read', false],
    ['record not there (write)', alice, undefined, 'write', false],
    ['deleted record', alice, stored({ owner: 's-a::alice' }, true), 'read', false],
    ['deleted record (write)', alice, stored({ owner: 's-a::alice' }, true), 'write', false],
  ];
  for (const [name, identity, item, access, expected] of rows) assert.equal(mayAccessRecord(observation, identity, item, access), expected, name);
  assert.equal(mayAccessRecord(memo, key, stored({}), 'write'), true, 'public: the API key');
  assert.equal(mayAccessRecord(memo, alice, stored({}), 'read'), false, 'public is the API key rule, not signed-in users');
});

test('quotaKeyOf: users by sub, API keys by id, never the same key', () => {
  assert.equal(quotaKeyOf(alice), 'user:s-a');
  assert.equal(quotaKeyOf(key), 'apiKey:k1');
  assert.notEqual(quotaKeyOf({ kind: 'user', sub: 'k1', username: 'k', groups: [], claims: {}, provider: 'oidc' }), quotaKeyOf(key));
});

test('attachment fields come from the schema', () => {
  const isAttachmentField = attachmentFieldTest(schema);
  const rows: Array<[string, string, boolean]> = [
    ['Observation', 'photos', true],
    ['Observation', 'cover', true],
    ['Observation', 'title', false],
    ['Observation', 'nope', false],
    ['Memo', 'file', true],
    ['Attachment', 'key', false],
    ['constructor', 'photos', false],
  ];
  for (const [model, field, expected] of rows) assert.equal(isAttachmentField(model, field), expected, `${model}.${field}`);
  assert.equal(hasAttachmentFields(schema), true);
  assert.equal(hasAttachmentFields(parseSchema('type Note @model { id: ID! text: String }')), false);
});

test('recordReferences: a live record whose attachment fields hold the sha-256', () => {
  const other = 'b'.repeat(64);
  const rows: Array<[string, StoredItem | undefined, string, boolean]> = [
    ['in a list', stored({ photos: [ref] }), SHA, true],
    ['in a single field', stored({ cover: ref }), SHA, true],
    ['another file', stored({ photos: [ref] }), other, false],
    ['no attachments', stored({ photos: null, cover: null }), SHA, false],
    ['deleted record', stored({ photos: [ref] }, true), SHA, false],
    ['no record', undefined, SHA, false],
    ['a malformed reference does not count', stored({ photos: [{ ...ref, contentType: 'x' }] }), SHA, false],
    ['a non-attachment field does not count', stored({ title: SHA }), SHA, false],
  ];
  for (const [name, item, sha256, expected] of rows) assert.equal(recordReferences(schema, observation, item, sha256), expected, name);
});

test('attachmentInputProblem: the first malformed reference, with its path', () => {
  const rows: Array<[Record<string, unknown>, { path: string; problem: RegExp } | null]> = [
    [{ photos: [ref], cover: ref }, null],
    [{ photos: null, cover: null }, null],
    [{ title: 'anything' }, null],
    [{ photos: [ref, { ...ref, sha256: 'A'.repeat(64) }] }, { path: 'Observation.photos[1]', problem: /sha256 must be 64 lower-case hex/ }],
    [{ cover: { ...ref, size: -1 } }, { path: 'Observation.cover', problem: /size must be a whole number of bytes/ }],
    [{ cover: { ...ref, key: '' } }, { path: 'Observation.cover', problem: /key must be a non-empty string/ }],
    [{ cover: { ...ref, name: 3 } }, { path: 'Observation.cover', problem: /name must be a string or null/ }],
  ];
  for (const [values, expected] of rows) {
    const found = attachmentInputProblem(schema, observation, values);
    if (expected === null) assert.equal(found, null, JSON.stringify(values));
    else {
      assert.equal(found?.path, expected.path, JSON.stringify(values));
      assert.match(found?.problem ?? '', expected.problem);
    }
  }
});

test('outpostExtensions: attachments and its path only when mounted, after the others', () => {
  assert.deepEqual(outpostExtensions(10), { outpost: { version: 1, capabilities: ['mutationBatching', 'mutationIds', 'syncTotals'], maxItemBytes: 10 } });
  assert.deepEqual(outpostExtensions(10, new Map([['syncX', 2]]), '/attachments/'), {
    outpost: {
      version: 1,
      capabilities: ['mutationBatching', 'mutationIds', 'syncTotals', 'attachments'],
      maxItemBytes: 10,
      attachmentsPath: '/attachments/',
      syncTotals: { syncX: 2 },
    },
  });
});

test('config file: the attachments keys, refused with their path', () => {
  const config = parseServerConfig({ attachments: { enabled: false, directory: 'blobs', maxFileBytes: 10, maxUserBytes: 20, retentionMinutes: 60 } });
  assert.equal(config.attachments?.retentionMinutes, 60);
  const refused: Array<[unknown, RegExp]> = [
    [{ attachments: { maxFileBytes: 0 } }, /attachments\.maxFileBytes/],
    [{ attachments: { retentionHours: 1 } }, /attachments.*retentionHours/],
    [{ attachments: { enabled: 'no' } }, /attachments\.enabled/],
    [{ attachments: { directory: '' } }, /attachments\.directory/],
  ];
  for (const [value, message] of refused) {
    assert.throws(
      () => parseServerConfig(value, 'cfg.json'),
      (e: unknown) => e instanceof ValidationError && message.test(e.message),
      JSON.stringify(value),
    );
  }
});
