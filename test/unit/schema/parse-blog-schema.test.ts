// A second schema (blog-schema.ts), unlike the example app's, so the parser is not fitted to one input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSchema } from '../../../common/schema/parse-schema.js';
import { BLOG_SDL } from './blog-schema.js';

const schema = parseSchema(BLOG_SDL, 'blog.graphql');

test('models in declaration order; modelOrder puts parents first, ties in declaration order', () => {
  assert.deepEqual(Object.keys(schema.models), ['Comment', 'Post', 'Blog', 'Author', 'Profile']);
  assert.deepEqual(schema.modelOrder, ['Blog', 'Post', 'Comment', 'Author', 'Profile']);
});

test('custom and composite primary keys; index with queryField on the same field', () => {
  assert.deepEqual(schema.models.Blog.primaryKey, ['slug']);
  assert.deepEqual(schema.models.Comment.primaryKey, ['postID', 'number']);
  assert.deepEqual(schema.models.Comment.indexes, [{ name: 'byPost', fields: ['postID', 'number'], queryField: 'commentsByPost' }]);
  assert.deepEqual(schema.models.Post.indexes, [{ name: 'byBlog', fields: ['blogSlug', 'publishedOn'] }]);
});

test('relations: hasMany with default fields = key, custom key, self-reference, hasOne', () => {
  const relation = (model: string, fieldName: string): unknown => schema.models[model].fields.find((f) => f.name === fieldName)?.relation;
  assert.deepEqual(relation('Post', 'comments'), {
    kind: 'hasMany',
    relatedModel: 'Comment',
    fields: ['id'],
    indexName: 'byPost',
    associatedWith: ['postID'],
  });
  assert.deepEqual(relation('Blog', 'posts'), {
    kind: 'hasMany',
    relatedModel: 'Post',
    fields: ['slug'],
    indexName: 'byBlog',
    associatedWith: ['blogSlug'],
  });
  assert.deepEqual(relation('Post', 'blog'), { kind: 'belongsTo', relatedModel: 'Blog', fields: ['blogSlug'], associatedWith: ['slug'] });
  assert.deepEqual(relation('Post', 'previous'), { kind: 'belongsTo', relatedModel: 'Post', fields: ['previousID'], associatedWith: ['id'] });
  assert.deepEqual(relation('Author', 'profile'), { kind: 'hasOne', relatedModel: 'Profile', fields: ['profileID'], associatedWith: ['id'] });
});

test('timestamps: disabled, renamed, partly disabled; implicit fields appended', () => {
  const names = (model: string): string[] => schema.models[model].fields.map((f) => f.name);
  assert.deepEqual(schema.models.Post.timestamps, { createdAt: null, updatedAt: null });
  assert.deepEqual(names('Post'), [
    'id',
    'blogSlug',
    'blog',
    'previousID',
    'previous',
    'title',
    'status',
    'topics',
    'publishedOn',
    'metadata',
    'editors',
    'comments',
    'author',
  ]);
  assert.deepEqual(schema.models.Author.timestamps, { createdAt: 'joinedOn', updatedAt: null });
  assert.deepEqual(schema.models.Author.fields.at(-1), {
    name: 'joinedOn',
    type: { kind: 'scalar', name: 'AWSDateTime' },
    isList: false,
    isRequired: false,
    isListItemRequired: false,
    isReadOnly: true,
    isImplicit: true,
  });
  // The explicitly declared owner field stays a normal field: no implicit duplicate.
  assert.deepEqual(names('Comment'), ['postID', 'number', 'post', 'body', 'owner', 'createdAt', 'updatedAt']);
  assert.equal(schema.models.Comment.fields.find((f) => f.name === 'owner')?.isImplicit, false);
  assert.equal(schema.models.Post.fields.find((f) => f.name === 'author')?.isImplicit, true);
});

test('auth rules with defaults filled in', () => {
  assert.deepEqual(schema.models.Comment.auth, [
    { allow: 'owner', provider: 'userPools', ownerField: 'owner', identityClaim: 'sub::username', operations: ['create', 'read'] },
    { allow: 'custom', provider: 'function', operations: ['create', 'update', 'delete', 'read'] },
  ]);
  assert.deepEqual(schema.models.Post.auth, [
    { allow: 'groups', provider: 'userPools', groupsField: 'editors', groupClaim: 'cognito:groups', operations: ['update', 'read'] },
    { allow: 'owner', provider: 'userPools', ownerField: 'author', identityClaim: 'sub', operations: ['create', 'update', 'delete', 'read'] },
  ]);
  assert.deepEqual(schema.models.Blog.auth, [
    { allow: 'groups', provider: 'userPools', groups: ['Admin', 'Editors'], groupClaim: 'cognito:groups', operations: ['create', 'update', 'delete', 'read'] },
    { allow: 'public', provider: 'iam', operations: ['read', 'listen'] },
    { allow: 'private', provider: 'iam', operations: ['read'] },
  ]);
  assert.deepEqual(schema.models.Author.auth, [{ allow: 'private', provider: 'userPools', operations: ['create', 'update', 'delete', 'read'] }]);
  assert.deepEqual(schema.models.Profile.auth, []);
});

test('subscriptions setting', () => {
  assert.deepEqual(schema.models.Blog.subscriptions, { level: 'public', onCreate: ['onNewBlog'] });
  assert.deepEqual(schema.models.Profile.subscriptions, { level: 'off' });
  assert.deepEqual(schema.models.Post.subscriptions, { level: 'on' });
});

test('field shapes: enum lists with required items, AWSJSON, AWSDate, embedded lists', () => {
  const post = schema.models.Post;
  assert.deepEqual(
    post.fields.find((f) => f.name === 'topics'),
    {
      name: 'topics',
      type: { kind: 'enum', name: 'Topic' },
      isList: true,
      isRequired: true,
      isListItemRequired: true,
      isReadOnly: false,
      isImplicit: false,
    },
  );
  assert.deepEqual(post.fields.find((f) => f.name === 'metadata')?.type, { kind: 'scalar', name: 'AWSJSON' });
  assert.deepEqual(post.fields.find((f) => f.name === 'publishedOn')?.type, { kind: 'scalar', name: 'AWSDate' });
  const languages = schema.embeddedTypes.BlogSettings.fields.find((f) => f.name === 'languages');
  assert.equal(languages?.isList, true);
  assert.equal(languages?.isRequired, false);
  assert.equal(languages?.isListItemRequired, true);
});

test('plural names follow Amplify (pluralize)', () => {
  const plural = (name: string): string => parseSchema(`type ${name} @model { id: ID! }`).models[name].pluralName;
  assert.equal(plural('Category'), 'Categories');
  assert.equal(plural('Person'), 'People');
  assert.equal(plural('Status'), 'Statuses');
  assert.equal(plural('Equipment'), 'Equipment');
  assert.equal(schema.models.Blog.pluralName, 'Blogs');
  assert.equal(schema.models.Profile.pluralName, 'Profiles');
});

test("Amplify's `input AMPLIFY { globalAuthRule }` applies to models without their own @auth", () => {
  const sdl = `
# This "input" configures a global authorization rule to enable public access to all models in this schema.
input AMPLIFY { globalAuthRule: AuthRule = { allow: public } }
type Todo @model { id: ID! content: String }
type Note @model @auth(rules: [{ allow: owner }]) { id: ID! text: String }
`;
  const parsed = parseSchema(sdl);
  assert.deepEqual(parsed.models.Todo.auth, [{ allow: 'public', provider: 'apiKey', operations: ['create', 'update', 'delete', 'read'] }]);
  assert.deepEqual(
    parsed.models.Note.auth.map((r) => r.allow),
    ['owner'],
  );
  assert.deepEqual(Object.keys(parsed.embeddedTypes), []);
});
