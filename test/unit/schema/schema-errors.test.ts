// Every way a schema can be refused: a SchemaError naming file, line, column and what is wrong.
// In each case `▶` marks where the error must point; it is removed before parsing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSchema } from '../../../common/schema/parse-schema.js';
import { SchemaError } from '../../../common/errors.js';

const MARK = '▶';

/** Parses `marked` (without the marker) and checks the SchemaError's message and position. */
function expectSchemaError(marked: string, message: RegExp): SchemaError {
  const at = marked.indexOf(MARK);
  assert.notEqual(at, -1, 'test case needs a ▶ marker');
  const before = marked.slice(0, at).split('\n');
  const line = before.length;
  const column = before[before.length - 1].length + 1;
  const sdl = marked.replace(MARK, '');
  let caught: unknown;
  try {
    parseSchema(sdl, 'test.graphql');
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof SchemaError, `expected a SchemaError for:\n${sdl}\ngot ${String(caught)}`);
  assert.match(caught.message, message);
  assert.deepEqual(caught.location, { file: 'test.graphql', line, column }, caught.message);
  assert.ok(caught.message.startsWith(`test.graphql:${line}:${column}: `), caught.message);
  return caught;
}

const cases: Array<[string, string, RegExp]> = [
  ['GraphQL syntax error', 'type Site @model {\n  id: ID!\n  name: String\n▶', /Syntax Error: Expected Name, found <EOF>/],
  ['syntax error mid-line', 'type Site @model {\n  id: ID!\n  name ▶String\n}', /Syntax Error: Expected ":", found Name "String"/],
  ['unknown field type', 'type Site @model {\n  id: ID!\n  owner2: ▶Person\n}', /unknown type "Person" for field Site\.owner2/],
  ['unknown type inside a list', 'type Site @model {\n  id: ID!\n  tags: [▶Tag!]\n}', /unknown type "Tag"/],
  [
    'unknown directive on a type',
    'type Site @model ▶@searchable {\n  id: ID!\n}',
    /unknown directive @searchable is not supported on type Site \(allowed here: @model, @auth\)/,
  ],
  ['unknown directive on a field', 'type Site @model {\n  id: ID!\n  name: String ▶@default(value: "x")\n}', /unknown directive @default/],
  ['v1 @key directive', 'type Site @model ▶@key(fields: ["id"]) {\n  id: ID!\n}', /unknown directive @key/],
  [
    'field-level @auth',
    'type Site @model {\n  id: ID!\n  secret: String ▶@auth(rules: [{ allow: owner }])\n}',
    /directive @auth is not supported on field Site\.secret/,
  ],
  [
    '@auth on a non-model type',
    'type Geo ▶@auth(rules: [{ allow: owner }]) {\n  lat: Float\n}',
    /directive @auth is not supported on type Geo \(no directives are allowed here\)/,
  ],
  ['@index on a non-model type', 'type Geo {\n  lat: Float ▶@index(name: "x")\n}', /directive @index is not supported on field Geo\.lat of non-model type Geo/],
  [
    'unknown directive argument',
    'type Site @model(▶ttl: 3600) {\n  id: ID!\n}',
    /unknown argument "ttl" on @model \(known arguments: queries, mutations, subscriptions, timestamps\)/,
  ],
  ['unknown @index argument', 'type Site @model {\n  id: ID!\n  code: String @index(name: "byCode", ▶sortKey: "x")\n}', /unknown argument "sortKey" on @index/],
  ['unknown timestamps key', 'type Site @model(timestamps: { ▶created: "c" }) {\n  id: ID!\n}', /unknown key "created" in @model\(timestamps:\) of Site/],
  ['@model(mutations:) refused', 'type Site @model(▶mutations: null) {\n  id: ID!\n}', /@model\(mutations: …\) is not supported on Site/],
  [
    'bad subscriptions level',
    'type Site @model(subscriptions: { level: ▶loud }) {\n  id: ID!\n}',
    /subscriptions\.level must be one of on, off, public \(got "loud"\)/,
  ],
  ['model without id', 'type ▶Site @model {\n  name: String\n}', /model Site needs an "id: ID!" field \(or a @primaryKey on another field\)/],
  ['model with optional id', 'type Site @model {\n  id: ▶ID\n}', /model Site needs an "id: ID!" field/],
  ['model with String id', 'type Site @model {\n  id: ▶String!\n}', /model Site needs an "id: ID!" field/],
  [
    '@primaryKey naming a missing sort field',
    'type Site @model {\n  code: String! ▶@primaryKey(sortKeyFields: ["zone"])\n}',
    /@primaryKey of Site names field "zone", which Site does not have \(fields: code\)/,
  ],
  ['@primaryKey on an optional field', 'type Site @model {\n  code: String ▶@primaryKey\n}', /primary key field Site\.code must be required \(code: String!\)/],
  ['two @primaryKey', 'type Site @model {\n  a: ID! @primaryKey\n  b: ID! ▶@primaryKey\n}', /Site has more than one @primaryKey/],
  [
    '@index naming a missing sort field',
    'type Site @model {\n  id: ID!\n  code: String ▶@index(name: "byCode", sortKeyFields: ["createdOn"])\n}',
    /@index "byCode" names field "createdOn", which Site does not have/,
  ],
  ['@index without a name', 'type Site @model {\n  id: ID!\n  code: String ▶@index\n}', /@index on Site\.code needs a name/],
  [
    'duplicate index name',
    'type Site @model {\n  id: ID!\n  a: String @index(name: "byX")\n  b: String @index(▶name: "byX")\n}',
    /duplicate index name "byX" on Site/,
  ],
  [
    '@index on a list',
    'type Site @model {\n  id: ID!\n  tags: [String] ▶@index(name: "byTag")\n}',
    /@index "byTag" field Site\.tags must be a single scalar or enum value/,
  ],
  [
    '@belongsTo naming a missing field',
    'type Site @model {\n  id: ID!\n}\ntype Visit @model {\n  id: ID!\n  site: Site ▶@belongsTo(fields: ["siteId"])\n}',
    /@belongsTo on Visit\.site names field "siteId", which Visit does not have \(fields: id\)/,
  ],
  [
    '@belongsTo without fields',
    'type Site @model {\n  id: ID!\n}\ntype Visit @model {\n  id: ID!\n  site: Site ▶@belongsTo\n}',
    /@belongsTo on Visit\.site needs fields/,
  ],
  [
    '@belongsTo with the wrong key arity',
    'type Site @model {\n  a: ID! @primaryKey(sortKeyFields: ["b"])\n  b: ID!\n}\ntype Visit @model {\n  id: ID!\n  siteA: ID\n  site: Site @belongsTo(▶fields: ["siteA"])\n}',
    /1 field\(s\) given, but the Site key has 2 \(a, b\)/,
  ],
  [
    '@hasMany naming an index that does not exist',
    'type Site @model {\n  id: ID!\n  visits: [Visit] @hasMany(indexName: ▶"bySite", fields: ["id"])\n}\ntype Visit @model {\n  id: ID!\n  siteID: ID!\n}',
    /Visit has no @index named "bySite" \(it has no indexes\)/,
  ],
  [
    '@hasMany without indexName',
    'type Site @model {\n  id: ID!\n  visits: [Visit] ▶@hasMany\n}\ntype Visit @model {\n  id: ID!\n}',
    /@hasMany on Site\.visits needs indexName/,
  ],
  [
    '@hasMany on a non-list',
    'type Site @model {\n  id: ID!\n  visit: ▶Visit @hasMany(indexName: "bySite")\n}\ntype Visit @model {\n  id: ID!\n  siteID: ID! @index(name: "bySite")\n}',
    /@hasMany field Site\.visit must be a list: \[Visit\]/,
  ],
  [
    'relation to a non-model type',
    'type Geo {\n  lat: Float\n}\ntype Site @model {\n  id: ID!\n  geoID: ID\n  geo: Geo ▶@hasOne(fields: ["geoID"])\n}',
    /@hasOne on Site\.geo needs a @model type, but Geo is not a model/,
  ],
  [
    'model field without a relation directive',
    'type Site @model {\n  id: ID!\n}\ntype Visit @model {\n  id: ID!\n  site: ▶Site\n}',
    /field Visit\.site refers to model Site without @hasMany, @hasOne or @belongsTo/,
  ],
  [
    'non-model type holding a model',
    'type Site @model {\n  id: ID!\n}\ntype Geo {\n  site: ▶Site\n}',
    /non-model type Geo cannot hold model Site \(Geo\.site\)/,
  ],
  [
    'two relation directives on a field',
    'type Site @model {\n  id: ID!\n}\ntype Visit @model {\n  id: ID!\n  siteID: ID\n  site: Site @belongsTo(fields: ["siteID"]) ▶@hasOne(fields: ["siteID"])\n}',
    /field Visit\.site has more than one relation directive/,
  ],
  ['duplicate type', 'enum Status { A }\ntype Site @model {\n  id: ID!\n}\nenum ▶Status { B }', /duplicate type "Status" \(first defined at line 1\)/],
  ['duplicate field', 'type Site @model {\n  id: ID!\n  name: String\n  ▶name: String!\n}', /duplicate field "Site\.name"/],
  ['duplicate enum value', 'enum Status { A B ▶A }', /duplicate value "A" in enum Status/],
  ['reserved _version', 'type Site @model {\n  id: ID!\n  ▶_version: Int\n}', /field name "Site\._version" is reserved/],
  ['reserved _deleted', 'type Site @model {\n  id: ID!\n  ▶_deleted: Boolean\n}', /field name "Site\._deleted" is reserved/],
  ['reserved _lastChangedAt', 'type Site @model {\n  id: ID!\n  ▶_lastChangedAt: AWSTimestamp\n}', /"Site\._lastChangedAt" is reserved/],
  ['reserved leading underscore', 'type Geo {\n  ▶_internal: String\n}', /"Geo\._internal" is reserved: names starting with "_"/],
  [
    'belongsTo cycle',
    'type A @model {\n  id: ID!\n  bID: ID\n  b: B ▶@belongsTo(fields: ["bID"])\n}\ntype B @model {\n  id: ID!\n  aID: ID\n  a: A @belongsTo(fields: ["aID"])\n}',
    /@belongsTo cycle: A → B → A/,
  ],
  [
    'three-model cycle',
    'type A @model {\n  id: ID!\n  cID: ID\n  c: C ▶@belongsTo(fields: ["cID"])\n}\ntype B @model {\n  id: ID!\n  aID: ID\n  a: A @belongsTo(fields: ["aID"])\n}\ntype C @model {\n  id: ID!\n  bID: ID\n  b: B @belongsTo(fields: ["bID"])\n}',
    /@belongsTo cycle: A → C → B → A/,
  ],
  ['auth rule without allow', 'type Site @model @auth(rules: [▶{ provider: apiKey }]) {\n  id: ID!\n}', /an @auth rule of Site needs "allow"/],
  [
    'unknown auth strategy',
    'type Site @model @auth(rules: [{ allow: ▶everyone }]) {\n  id: ID!\n}',
    /"allow" must be one of owner, groups, private, public, custom \(got "everyone"\)/,
  ],
  [
    'unknown auth rule key',
    'type Site @model @auth(rules: [{ allow: owner, ▶mutations: [create] }]) {\n  id: ID!\n}',
    /unknown key "mutations" in an @auth rule of Site/,
  ],
  [
    'provider not valid for the strategy',
    'type Site @model @auth(rules: [{ allow: owner, provider: ▶apiKey }]) {\n  id: ID!\n}',
    /provider apiKey cannot be used with allow: owner \(use userPools or oidc\)/,
  ],
  [
    'unknown operation',
    'type Site @model @auth(rules: [{ allow: public, operations: [read, ▶write] }]) {\n  id: ID!\n}',
    /each entry of "operations" must be one of create, update, delete, read/,
  ],
  [
    'ownerField on a public rule',
    'type Site @model @auth(rules: [{ allow: public, ▶ownerField: "x" }]) {\n  id: ID!\n}',
    /"ownerField" applies only to allow: owner rules, not allow: public/,
  ],
  [
    'groups rule with neither groups nor groupsField',
    'type Site @model @auth(rules: [▶{ allow: groups }]) {\n  id: ID!\n}',
    /needs exactly one of "groups" \(static\) or "groupsField" \(dynamic\)/,
  ],
  [
    'groupsField not declared',
    'type Site @model ▶@auth(rules: [{ allow: groups, groupsField: "teams" }]) {\n  id: ID!\n}',
    /groupsField "teams" is not a field of Site; declare it/,
  ],
  [
    'owner field of the wrong type',
    'type Site @model @auth(rules: [{ allow: owner }]) {\n  id: ID!\n  owner: ▶Int\n}',
    /Site\.owner is used by an @auth owner rule, so it must be String, ID or a list of them/,
  ],
  ['@auth given twice', 'type Site @model @auth(rules: [{ allow: owner }]) ▶@auth(rules: [{ allow: public }]) {\n  id: ID!\n}', /@auth given twice on Site/],
  ['input type', 'type Site @model {\n  id: ID!\n}\n▶input SiteFilter {\n  id: ID\n}', /input object type definition is not supported in an Outpost schema/],
  ['AMPLIFY input with an unknown field', 'input AMPLIFY {\n  ▶debug: Boolean\n}', /unknown field "debug" in input AMPLIFY \(known: globalAuthRule\)/],
  ['AMPLIFY globalAuthRule without a rule', 'input AMPLIFY {\n  ▶globalAuthRule: AuthRule\n}', /AMPLIFY\.globalAuthRule needs a rule as its default value/],
  [
    'AMPLIFY globalAuthRule with a bad rule',
    'input AMPLIFY { globalAuthRule: AuthRule = { allow: ▶anyone } }\ntype T @model {\n  id: ID!\n}',
    /"allow" must be one of owner/,
  ],
  ['interface', '▶interface Node {\n  id: ID!\n}', /interface type definition is not supported/],
  ['custom Query type', 'type ▶Query {\n  ping: String\n}', /custom Query type is not supported/],
  ['type named like a scalar', 'type ▶AWSDate {\n  x: String\n}', /type name "AWSDate" is a built-in scalar/],
  ['nested list', 'type Site @model {\n  id: ID!\n  grid: [▶[Int]]\n}', /lists of lists are not supported \(Site\.grid\)/],
  ['field arguments', 'type Site @model {\n  id: ID!\n  name(▶locale: String): String\n}', /field arguments are not supported \(Site\.name\)/],
];

for (const [name, sdl, message] of cases) {
  test(`schema error: ${name}`, () => {
    expectSchemaError(sdl, message);
  });
}

test('error text names the file, line and column literally', () => {
  const sdl = 'enum Status { OPEN }\n\ntype Task @model {\n  id: ID!\n  status: Statuss\n}\n';
  assert.throws(() => parseSchema(sdl, 'schema/tasks.graphql'), {
    name: 'SchemaError',
    message: 'schema/tasks.graphql:5:11: unknown type "Statuss" for field Task.status (not a scalar, enum or type defined in this schema)',
  });
  assert.throws(() => parseSchema('type A {'), { message: '<schema>:1:9: Syntax Error: Expected Name, found <EOF>.' });
});

test('SchemaError survives JSON (IPC) with its location', () => {
  const error = expectSchemaError('type Site @model {\n  id: ID!\n  x: ▶Nope\n}', /unknown type/);
  assert.deepEqual(JSON.parse(JSON.stringify(error)), {
    code: 'SchemaError',
    message: error.message,
    details: { file: 'test.graphql', line: 3, column: 6 },
  });
});

test('self-referencing @belongsTo is not a cycle', () => {
  const schema = parseSchema('type Node @model {\n  id: ID!\n  parentID: ID\n  parent: Node @belongsTo(fields: ["parentID"])\n}');
  assert.deepEqual(schema.modelOrder, ['Node']);
});
