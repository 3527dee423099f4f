import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'graphql';
import { parseSchema } from '../../../common/schema/parse-schema.js';
import {
  getQueryDocument,
  mutationDocument,
  mutationVariables,
  readSyncPage,
  selectionSet,
  subscriptionDocument,
  syncQueryDocument,
} from '../../../main/sync/graphql-documents.js';
import { exampleSchema } from './example-schema.js';

// PROTOCOL.md §1.1's running example.
const postSchema = parseSchema(`
type Post @model @auth(rules: [{ allow: owner }, { allow: public, operations: [read] }]) {
  id: ID!
  title: String!
  rating: Int
  tags: [String]
  status: PostStatus
  comments: [Comment] @hasMany(indexName: "byPost", fields: ["id"])
}
type Comment @model @auth(rules: [{ allow: owner }]) {
  id: ID!
  postID: ID! @index(name: "byPost")
  content: String
  post: Post @belongsTo(fields: ["postID"])
}
enum PostStatus { ACTIVE INACTIVE }
`);
const Post = postSchema.models.Post;
const Comment = postSchema.models.Comment;
const words = (s: string) => s.split(/\s+/).filter(Boolean).join(' ');

test('selection set follows DataStore: definition order, implicit owner, metadata, belongs-to key', () => {
  assert.equal(words(selectionSet(postSchema, Post)), 'id title rating tags status createdAt updatedAt owner _version _lastChangedAt _deleted');
  assert.equal(words(selectionSet(postSchema, Comment)), 'id postID content createdAt updatedAt owner _version _lastChangedAt _deleted post { id _deleted }');
  assert.equal(
    words(selectionSet(exampleSchema, exampleSchema.models.Site)),
    'id name code tags createdAt updatedAt owner location { latitude longitude accuracyMeters } _version _lastChangedAt _deleted',
  );
});

test('the sync query is exactly §1.7 and parses', () => {
  const { query, field } = syncQueryDocument(postSchema, Post);
  assert.equal(field, 'syncPosts');
  assert.equal(
    words(query),
    words(`query operation($limit: Int, $nextToken: String, $lastSync: AWSTimestamp, $filter: ModelPostFilterInput){
      syncPosts(limit: $limit, nextToken: $nextToken, lastSync: $lastSync, filter: $filter){
        items { id title rating tags status createdAt updatedAt owner _version _lastChangedAt _deleted }
        nextToken startedAt } }`),
  );
  parse(query);
});

test('mutation documents: create has no condition, update/delete declare ModelXConditionInput', () => {
  const create = mutationDocument(postSchema, Post, 'Create');
  assert.match(words(create.query), /^mutation operation\(\$input: CreatePostInput!\)\{ createPost\(input: \$input\)\{ id title/);
  const update = mutationDocument(postSchema, Post, 'Update');
  assert.match(
    words(update.query),
    /^mutation operation\(\$input: UpdatePostInput!, \$condition: ModelPostConditionInput\)\{ updatePost\(input: \$input, condition: \$condition\)\{/,
  );
  assert.equal(mutationDocument(postSchema, Post, 'Delete').field, 'deletePost');
  for (const op of [create, update]) parse(op.query);
  const get = getQueryDocument(postSchema, Post);
  assert.match(words(get.query), /^query operation\(\$id: ID!\)\{ getPost\(id: \$id\)\{ id title/);
});

test('subscriptions declare $filter and owner only when asked, comma-joined as DataStore does', () => {
  assert.match(words(subscriptionDocument(postSchema, Post, 'onCreate').query), /^subscription operation\{ onCreatePost\{ id title/);
  const filtered = subscriptionDocument(postSchema, Post, 'onUpdate', { withFilter: true, ownerArguments: ['owner'] });
  assert.match(
    words(filtered.query),
    /^subscription operation\(\$filter: ModelSubscriptionPostFilterInput,\$owner: String!\)\{ onUpdatePost\(filter: \$filter,owner: \$owner\)\{/,
  );
  parse(filtered.query);
  const ownerOnly = subscriptionDocument(postSchema, Post, 'onDelete', { withFilter: false, ownerArguments: ['owner', 'editor'] });
  assert.match(
    words(ownerOnly.query),
    /^subscription operation\(\$owner: String!,\$editor: String!\)\{ onDeletePost\(owner: \$owner,editor: \$editor\)\{ id title/,
  );
  assert.equal(ownerOnly.field, 'onDeletePost');
  parse(ownerOnly.query);
  assert.match(
    words(subscriptionDocument(postSchema, Post, 'onCreate', { withFilter: false, ownerArguments: [] }).query),
    /^subscription operation\{ onCreatePost\{/,
  );
});

test('create variables: sendable fields only, never timestamps, implicit owner or metadata', () => {
  const data = {
    id: 'p1',
    title: 'Hello',
    rating: 5,
    tags: ['a'],
    status: 'ACTIVE',
    createdAt: 'x',
    updatedAt: 'y',
    owner: 'sub::alice',
    _version: undefined,
    _lastChangedAt: 3,
    _deleted: null,
  };
  assert.deepEqual(mutationVariables(Post, 'Create', data, null), { input: { id: 'p1', title: 'Hello', rating: 5, tags: ['a'], status: 'ACTIVE' } });
});

test('create variables: a field the entry does not hold is never sent, an explicit null is (issue 10)', () => {
  const cases: Array<{ name: string; data: Record<string, unknown>; input: Record<string, unknown> }> = [
    { name: 'only the key and what the user set', data: { id: 'p1', title: 'Hello' }, input: { id: 'p1', title: 'Hello' } },
    { name: 'an explicit null the user set', data: { id: 'p1', title: 'Hello', status: null }, input: { id: 'p1', title: 'Hello', status: null } },
    { name: 'undefined is unset', data: { id: 'p1', title: 'Hello', rating: undefined }, input: { id: 'p1', title: 'Hello' } },
    { name: 'an empty list the user set', data: { id: 'p1', title: 'Hello', tags: [] }, input: { id: 'p1', title: 'Hello', tags: [] } },
  ];
  for (const c of cases) assert.deepEqual(mutationVariables(Post, 'Create', c.data, null), { input: c.input }, c.name);
  // Every unset optional field of the model stays out of the input (no `"status": null`).
  const sent = mutationVariables(Post, 'Create', { id: 'p2', title: 't' }, null).input as Record<string, unknown>;
  assert.deepEqual(Object.keys(sent).sort(), ['id', 'title']);
});

test('update variables: changed fields, key and _version; a cleared field is sent as null', () => {
  const vars = mutationVariables(Post, 'Update', { id: 'p1', title: 'Hello again', rating: undefined, _version: 1, _lastChangedAt: 9 }, null);
  assert.deepEqual(vars, { input: { id: 'p1', title: 'Hello again', rating: null, _version: 1 }, condition: null });
});

test('delete variables: key and _version with the condition', () => {
  const condition = { and: [{ rating: { lt: 3 } }] };
  assert.deepEqual(mutationVariables(Post, 'Delete', { id: 'p1', title: 'x', _version: 2 }, condition), { input: { id: 'p1', _version: 2 }, condition });
});

test('an explicitly declared owner field is sent, but never as null', () => {
  const schema = parseSchema(`type Note @model @auth(rules: [{ allow: owner }]) { id: ID! body: String owner: String }`);
  const Note = schema.models.Note;
  assert.deepEqual(mutationVariables(Note, 'Create', { id: 'n', body: 'b', owner: 'bob' }, null), { input: { id: 'n', body: 'b', owner: 'bob' } });
  assert.deepEqual(mutationVariables(Note, 'Create', { id: 'n', body: 'b', owner: null }, null), { input: { id: 'n', body: 'b' } });
});

test('sync pages: null items dropped, missing startedAt is an error naming the field', () => {
  const page = readSyncPage('syncPosts', { syncPosts: { items: [{ id: 'a' }, null], nextToken: null, startedAt: 5 } });
  assert.deepEqual(page, { items: [{ id: 'a' }], nextToken: null, startedAt: 5 });
  assert.throws(() => readSyncPage('syncPosts', { syncPosts: { items: [], nextToken: null } }), /syncPosts.startedAt/);
  assert.throws(() => readSyncPage('syncPosts', { syncPosts: null }), /no syncPosts/);
});
