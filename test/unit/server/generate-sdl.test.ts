import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildSchema, printType, type GraphQLNamedType } from 'graphql';
import { generateSdl } from '../../../server/graphql/generate-sdl.js';
import { postSchema } from './post-schema-fixture.js';

const sdl = generateSdl(postSchema);
const schema = buildSchema(sdl);

function printed(name: string): string {
  const type: GraphQLNamedType | undefined | null = schema.getType(name);
  assert.ok(type, `type ${name} missing`);
  return printType(type);
}

test('the SDL is a valid GraphQL schema', () => {
  assert.ok(schema.getQueryType());
  assert.ok(schema.getMutationType());
  assert.ok(schema.getSubscriptionType());
});

test('object type carries timestamps, implicit owner and sync metadata (§1.2)', () => {
  assert.equal(
    printed('Post'),
    `type Post {
  id: ID!
  title: String!
  rating: Int
  tags: [String]
  status: PostStatus
  comments(filter: ModelCommentFilterInput, sortDirection: ModelSortDirection, limit: Int, nextToken: String): ModelCommentConnection
  createdAt: AWSDateTime!
  updatedAt: AWSDateTime!
  owner: String
  _version: Int!
  _deleted: Boolean
  _lastChangedAt: AWSTimestamp!
}`,
  );
  assert.match(printed('Comment'), /\n {2}post: Post\n/);
  assert.equal(printed('ModelPostConnection'), 'type ModelPostConnection {\n  items: [Post]!\n  nextToken: String\n  startedAt: AWSTimestamp\n}');
});

test('queries, mutations and subscriptions have AppSync names and arguments (§1.3, §1.4, §1.6)', () => {
  const q = printed('Query');
  assert.match(q, /getPost\(id: ID!\): Post/);
  assert.match(q, /listPosts\(filter: ModelPostFilterInput, limit: Int, nextToken: String\): ModelPostConnection/);
  assert.match(q, /syncPosts\(filter: ModelPostFilterInput, limit: Int, nextToken: String, lastSync: AWSTimestamp\): ModelPostConnection/);
  assert.match(q, /syncComments\(/);
  const m = printed('Mutation');
  assert.match(m, /createPost\(input: CreatePostInput!, condition: ModelPostConditionInput\): Post/);
  assert.match(m, /updatePost\(input: UpdatePostInput!, condition: ModelPostConditionInput\): Post/);
  assert.match(m, /deletePost\(input: DeletePostInput!, condition: ModelPostConditionInput\): Post/);
  assert.match(sdl, /onCreatePost\(filter: ModelSubscriptionPostFilterInput, owner: String\): Post @aws_subscribe\(mutations: \["createPost"\]\)/);
  assert.match(sdl, /onDeleteComment\(filter: ModelSubscriptionCommentFilterInput, owner: String\): Comment @aws_subscribe\(mutations: \["deleteComment"\]\)/);
});

test('mutation inputs: no implicit owner, no relations, optional id and _version (§1.4)', () => {
  assert.equal(
    printed('CreatePostInput'),
    `input CreatePostInput {
  id: ID
  title: String!
  rating: Int
  tags: [String]
  status: PostStatus
  createdAt: AWSDateTime
  updatedAt: AWSDateTime
  _version: Int
}`,
  );
  assert.equal(
    printed('UpdatePostInput'),
    `input UpdatePostInput {
  id: ID!
  title: String
  rating: Int
  tags: [String]
  status: PostStatus
  createdAt: AWSDateTime
  updatedAt: AWSDateTime
  _version: Int
}`,
  );
  assert.equal(printed('DeletePostInput'), 'input DeletePostInput {\n  id: ID!\n  _version: Int\n}');
  assert.match(printed('CreateCommentInput'), /postID: ID!/);
  assert.doesNotMatch(printed('CreateCommentInput'), /post:/);
});

test('filter, condition and subscription filter inputs (§1.5, §1.6)', () => {
  assert.equal(
    printed('ModelPostFilterInput'),
    `input ModelPostFilterInput {
  id: ModelIDInput
  title: ModelStringInput
  rating: ModelIntInput
  tags: ModelStringInput
  status: ModelPostStatusInput
  createdAt: ModelStringInput
  updatedAt: ModelStringInput
  owner: ModelStringInput
  and: [ModelPostFilterInput]
  or: [ModelPostFilterInput]
  not: ModelPostFilterInput
  _deleted: ModelBooleanInput
}`,
  );
  const condition = printed('ModelPostConditionInput');
  assert.doesNotMatch(condition, /\bid:/);
  assert.match(condition, /owner: ModelStringInput/);
  assert.match(condition, /not: ModelPostConditionInput/);
  const sub = printed('ModelSubscriptionPostFilterInput');
  assert.match(sub, /id: ModelSubscriptionIDInput/);
  assert.match(sub, /status: ModelSubscriptionStringInput/);
  assert.match(sub, /owner: ModelStringInput/);
  assert.doesNotMatch(sub, /not:/);
  assert.match(printed('ModelSubscriptionStringInput'), /in: \[String\]\n {2}notIn: \[String\]/);
});

test('shared scalar inputs have every AppSync operator', () => {
  assert.equal(
    printed('ModelStringInput'),
    `input ModelStringInput {
  ne: String
  eq: String
  le: String
  lt: String
  ge: String
  gt: String
  contains: String
  notContains: String
  between: [String]
  beginsWith: String
  attributeExists: Boolean
  attributeType: ModelAttributeTypes
  size: ModelSizeInput
}`,
  );
  assert.match(printed('ModelAttributeTypes'), /_null/);
  assert.equal(printed('ModelPostStatusInput'), 'input ModelPostStatusInput {\n  eq: PostStatus\n  ne: PostStatus\n}');
  assert.match(printed('ModelPostStatusListInput'), /contains: PostStatus/);
});

test('the parser and the hand-written fixture of PROTOCOL.md §1.1 give the same SDL', async () => {
  const { parseSchema } = await import('../../../common/schema/parse-schema.js');
  const parsed = parseSchema(`
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
  assert.equal(generateSdl(parsed), sdl);
});

test('the example app schema: embedded types get an input twin and stay out of filters', async () => {
  const { readFileSync } = await import('node:fs');
  const { parseSchema } = await import('../../../common/schema/parse-schema.js');
  const app = buildSchema(generateSdl(parseSchema(readFileSync(new URL('../../../schema/schema.graphql', import.meta.url), 'utf8'))));
  const t = (name: string) => printType(app.getType(name) as GraphQLNamedType);
  assert.match(t('CreateSiteInput'), /location: GeoPointInput/);
  assert.match(t('GeoPointInput'), /latitude: Float!/);
  assert.doesNotMatch(t('ModelSiteFilterInput'), /location/);
  assert.match(t('ModelObservationFilterInput'), /severity: ModelSeverityInput/);
  assert.match(t('ModelObservationFilterInput'), /measurements: ModelFloatInput/);
  assert.match(t('Site'), /inspections\(inspectedAt: ModelStringKeyConditionInput, filter: ModelInspectionFilterInput, sortDirection: ModelSortDirection/);
  assert.match(t('ModelStringKeyConditionInput'), /beginsWith: String/);
  assert.match(t('Inspection'), /site: Site\n/);
});

test('composite primary keys: key arguments on get, every key field required in inputs, none in conditions', async () => {
  const { parseSchema } = await import('../../../common/schema/parse-schema.js');
  const gql = buildSchema(
    generateSdl(
      parseSchema(`
type Reading @model { deviceId: ID! @primaryKey(sortKeyFields: ["takenAt"]) takenAt: AWSDateTime! value: Float }
`),
    ),
  );
  const t = (name: string) => printType(gql.getType(name) as GraphQLNamedType);
  assert.match(t('Query'), /getReading\(deviceId: ID!, takenAt: AWSDateTime!\): Reading/);
  assert.match(t('CreateReadingInput'), /deviceId: ID!\n {2}takenAt: AWSDateTime!/);
  assert.match(t('UpdateReadingInput'), /deviceId: ID!\n {2}takenAt: AWSDateTime!/);
  assert.match(t('DeleteReadingInput'), /deviceId: ID!\n {2}takenAt: AWSDateTime!\n {2}_version: Int/);
  assert.doesNotMatch(t('ModelReadingConditionInput'), /deviceId|takenAt/);
});
