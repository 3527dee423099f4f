// What an identity may do with each model, from the schema's @auth rules: tables over the example
// schema and the blog schema, and a seeded property test that agrees with the server's own
// enforcement (server/resolvers/model-access.ts) on random rules, identities and records.
import { seededRandom } from '../../../main/sync/core/retry-policy.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseSchema } from '../../../common/schema/parse-schema.js';
import {
  checkCreate,
  checkWrite,
  fieldHolds,
  modelPermissions,
  ownerFillOf,
  readsNothing,
  schemaPermissions,
  whoMay,
  type AccessIdentity,
  type ModelAction,
} from '../../../common/schema/model-permissions.js';
import type { AuthOperation, AuthProvider, AuthRule, FieldDef, ModelDef, ModelRecord } from '../../../common/schema/types.js';
import { createAccess, protectedOwnerFields, readAccess, writeAccess } from '../../../server/resolvers/model-access.js';
import type { Identity } from '../../../server/auth/identity.js';
import { BLOG_SDL } from './blog-schema.js';

const example = parseSchema(readFileSync(new URL('../../../schema/schema.graphql', import.meta.url), 'utf8'), 'schema/schema.graphql');
const blog = parseSchema(BLOG_SDL, 'blog.graphql');

function user(username: string, groups: string[] = [], claims: Record<string, unknown> = {}): AccessIdentity {
  const sub = `sub-${username}`;
  return { kind: 'user', sub, username, groups, claims: { sub, username, 'cognito:username': username, 'cognito:groups': groups, ...claims } };
}
const key: AccessIdentity = { kind: 'apiKey' };
const alice = user('alice');
const bob = user('bob');
const admin = user('ada', ['Admin']);
const teamMember = user('tim', ['team-1']);

type Perm = [read: boolean, create: boolean, update: boolean, remove: boolean];
const perm = ([read, create, update, del]: Perm) => ({ read, create, update, delete: del });

test('model permissions per identity: example and blog schemas', () => {
  const cases: Array<[string, ModelDef, AccessIdentity | null, Perm]> = [
    ['Site, API key: owner-only gives a key nothing', example.models.Site!, key, [false, false, false, false]],
    ['Observation, API key', example.models.Observation!, key, [false, false, false, false]],
    ['Site, a user: their own records', example.models.Site!, alice, [true, true, true, true]],
    ['Site, offline (no identity)', example.models.Site!, null, [true, true, true, true]],
    // owner [create, read] + a custom (Lambda) rule granting everything: the server decides.
    ['Comment, API key: custom rule is unknown → allowed', blog.models.Comment!, key, [true, true, true, true]],
    ['Post, API key', blog.models.Post!, key, [false, false, false, false]],
    ['Post, a user: owner of their posts', blog.models.Post!, alice, [true, true, true, true]],
    ['Post, a team member: editors update/read, owner rule for the rest', blog.models.Post!, teamMember, [true, true, true, true]],
    // groups Admin/Editors for everything; IAM rules for reads are the backend's to judge.
    ['Blog, API key: IAM read unknown, no create', blog.models.Blog!, key, [true, false, false, false]],
    ['Blog, a user outside the groups', blog.models.Blog!, alice, [true, false, false, false]],
    ['Blog, an Admin', blog.models.Blog!, admin, [true, true, true, true]],
    ['Author, API key: private is for users', blog.models.Author!, key, [false, false, false, false]],
    ['Author, a user', blog.models.Author!, alice, [true, true, true, true]],
    ['Profile, API key: no rules, open', blog.models.Profile!, key, [true, true, true, true]],
  ];
  for (const [what, model, identity, expected] of cases) assert.deepEqual(modelPermissions(model, identity), perm(expected), what);
  assert.deepEqual(Object.keys(schemaPermissions(example, key)), ['Site', 'Inspection', 'Observation']);
});

test('readsNothing: an API key on the owner-only example schema; not a user, not offline, not the blog', () => {
  const cases: Array<[string, typeof example, AccessIdentity | null, boolean]> = [
    ['example, API key', example, key, true],
    ['example, user', example, alice, false],
    ['example, offline', example, null, false],
    ['blog, API key (Profile is open)', blog, key, false],
    ['a user-only schema, API key', parseSchema('type A @model @auth(rules: [{ allow: private }]) { id: ID! }'), key, true],
    ['a group-only schema, user outside the group', parseSchema('type A @model @auth(rules: [{ allow: groups, groups: ["x"] }]) { id: ID! }'), alice, true],
  ];
  for (const [what, schema, identity, expected] of cases) assert.equal(readsNothing(schema, identity), expected, what);
});

test('whoMay names who the rules let do an action', () => {
  const cases: Array<[ModelDef, ModelAction, string]> = [
    [example.models.Site!, 'create', 'only signed-in owners'],
    [blog.models.Blog!, 'create', 'only members of Admin or Editors'],
    [blog.models.Blog!, 'read', 'only members of Admin or Editors, unauthenticated IAM callers or signed-in IAM callers'],
    [blog.models.Post!, 'update', 'only members of the groups named in Post.editors or signed-in owners'],
    [blog.models.Post!, 'delete', 'only signed-in owners'],
    [blog.models.Comment!, 'update', 'only callers a custom (Lambda) authorizer admits'],
    [blog.models.Author!, 'create', 'only signed-in users'],
    [blog.models.Profile!, 'delete', 'every signed-in caller'],
    [parseSchema('type A @model @auth(rules: [{ allow: public, operations: [read] }]) { id: ID! }').models.A!, 'create', 'no one'],
  ];
  for (const [model, action, text] of cases) assert.equal(whoMay(model, action), text, `${model.name} ${action}`);
});

test('ownerFillOf: the owner values the server fills on create', () => {
  const cases: Array<[string, ModelDef, AccessIdentity | null, ModelRecord, Record<string, string>]> = [
    ['Site, user: sub::username', example.models.Site!, alice, { name: 'x' }, { owner: 'sub-alice::alice' }],
    ['Site, owner given', example.models.Site!, alice, { owner: 'alice' }, {}],
    ['Site, API key', example.models.Site!, key, {}, {}],
    ['Site, offline', example.models.Site!, null, {}, {}],
    ['Post: identityClaim sub into author', blog.models.Post!, alice, { author: null }, { author: 'sub-alice' }],
    ['Comment: owner [create, read]', blog.models.Comment!, alice, {}, { owner: 'sub-alice::alice' }],
  ];
  for (const [what, model, identity, record, fill] of cases) assert.deepEqual(ownerFillOf(model, identity, record), fill, what);
});

test('checkCreate: refused with a message naming the model, the sign-in and who may', () => {
  const Site = example.models.Site!;
  const cases: Array<[string, ModelDef, AccessIdentity | null, ModelRecord, string | null]> = [
    [
      'API key on owner-only Site',
      Site,
      key,
      { name: 'N1' },
      'You cannot add Sites with this sign-in (an API key): the schema lets only signed-in owners create them.',
    ],
    ['user: the server makes them owner', Site, alice, { name: 'N1', owner: null }, null],
    ['user naming themselves by username', Site, alice, { owner: 'alice' }, null],
    [
      'user naming someone else',
      Site,
      alice,
      { owner: 'sub-bob::bob' },
      'You cannot add this Site for someone else (signed in as alice): the schema lets only signed-in owners create Sites, so Site.owner must name you.',
    ],
    ['offline', Site, null, { owner: 'sub-bob::bob' }, null],
    [
      'Blog by a user outside the groups',
      blog.models.Blog!,
      alice,
      { slug: 'b' },
      'You cannot add Blogs with this sign-in (signed in as alice): the schema lets only members of Admin or Editors create them.',
    ],
    ['Blog by an Admin', blog.models.Blog!, admin, { slug: 'b' }, null],
    ['Comment by API key (custom rule: server decides)', blog.models.Comment!, key, {}, null],
    ['Post by a team member: editors do not grant create, owner rule fills author', blog.models.Post!, teamMember, { editors: ['team-1'] }, null],
    [
      'Author (private) by API key',
      blog.models.Author!,
      key,
      {},
      'You cannot add Authors with this sign-in (an API key): the schema lets only signed-in users create them.',
    ],
  ];
  for (const [what, model, identity, record, reason] of cases) {
    const decision = checkCreate(model, identity, record);
    assert.deepEqual(decision, reason === null ? { allowed: true } : { allowed: false, reason }, what);
  }
});

test('checkWrite: update/delete of records owned by someone else are refused', () => {
  const Site = example.models.Site!;
  const Post = blog.models.Post!;
  const cases: Array<[string, ModelDef, AccessIdentity | null, 'update' | 'delete', ModelRecord, ModelRecord | undefined, string | null]> = [
    ['own Site (sub::username)', Site, alice, 'update', { owner: 'sub-alice::alice' }, undefined, null],
    ['own Site (username alone)', Site, alice, 'delete', { owner: 'alice' }, undefined, null],
    ['own Site (sub alone)', Site, alice, 'update', { owner: 'sub-alice' }, undefined, null],
    ['Site not synced yet (owner empty: the server fills the creator)', Site, alice, 'update', { owner: null }, undefined, null],
    [
      "bob's Site",
      Site,
      alice,
      'update',
      { owner: 'sub-bob::bob' },
      undefined,
      'You cannot change this Site (signed in as alice): it belongs to someone else (Site.owner does not name you), and the schema lets only signed-in owners change Sites.',
    ],
    [
      "bob's Site, delete",
      Site,
      alice,
      'delete',
      { owner: 'sub-bob::bob' },
      undefined,
      'You cannot delete this Site (signed in as alice): it belongs to someone else (Site.owner does not name you), and the schema lets only signed-in owners delete Sites.',
    ],
    [
      'API key',
      Site,
      key,
      'delete',
      { owner: 'sub-alice::alice' },
      undefined,
      'You cannot delete Sites with this sign-in (an API key): the schema lets only signed-in owners delete them.',
    ],
    ['offline', Site, null, 'delete', { owner: 'sub-bob::bob' }, undefined, null],
    [
      'handing own Site to bob',
      Site,
      alice,
      'update',
      { owner: 'sub-alice::alice' },
      { owner: 'sub-bob::bob' },
      'You cannot hand this Site to someone else (signed in as alice): Site.owner must keep naming its owner.',
    ],
    [
      'clearing the owner',
      Site,
      alice,
      'update',
      { owner: 'sub-alice::alice' },
      { owner: null },
      'You cannot hand this Site to someone else (signed in as alice): Site.owner must keep naming its owner.',
    ],
    ['owner unchanged', Site, alice, 'update', { owner: 'sub-alice::alice', name: 'a' }, { owner: 'sub-alice::alice', name: 'b' }, null],
    ['not synced yet, owner still empty', Site, alice, 'update', { owner: null, name: 'a' }, { owner: null, name: 'b' }, null],
    [
      'Post: author by sub; a username does not name them',
      Post,
      alice,
      'update',
      { author: 'alice' },
      undefined,
      'You cannot change this Post (signed in as alice): it belongs to someone else (Post.author does not name you), and the schema lets only members of the groups named in Post.editors or signed-in owners change Posts.',
    ],
    ['Post: a member of a group in editors may update', Post, teamMember, 'update', { author: 'sub-bob', editors: ['team-1'] }, undefined, null],
    [
      'Post: … but not delete',
      Post,
      teamMember,
      'delete',
      { author: 'sub-bob', editors: ['team-1'] },
      undefined,
      'You cannot delete this Post (signed in as tim): it belongs to someone else (Post.author does not name you), and the schema lets only signed-in owners delete Posts.',
    ],
    ['Blog: an Admin may delete any', blog.models.Blog!, admin, 'delete', { slug: 'b' }, undefined, null],
    [
      'Blog: a user outside the groups',
      blog.models.Blog!,
      bob,
      'update',
      { slug: 'b' },
      undefined,
      'You cannot change Blogs with this sign-in (signed in as bob): the schema lets only members of Admin or Editors change them.',
    ],
  ];
  for (const [what, model, identity, action, record, next, reason] of cases) {
    const decision = checkWrite(model, identity, action, record, next);
    assert.deepEqual(decision, reason === null ? { allowed: true } : { allowed: false, reason }, what);
  }
});

// ---- agreement with the server's enforcement, on random rules, identities and records ----

const OPS: readonly AuthOperation[] = ['create', 'update', 'delete', 'read', 'get', 'list', 'sync', 'listen', 'search'];
const PROVIDERS: Record<AuthRule['allow'], readonly AuthProvider[]> = {
  owner: ['userPools', 'oidc'],
  groups: ['userPools', 'oidc'],
  private: ['userPools', 'oidc', 'iam'],
  public: ['apiKey', 'iam'],
  custom: ['function'],
};

function fieldDef(name: string, isList: boolean): FieldDef {
  return {
    name,
    type: { kind: 'scalar', name: name === 'id' ? 'ID' : 'String' },
    isList,
    isRequired: name === 'id',
    isListItemRequired: false,
    isReadOnly: false,
    isImplicit: false,
  };
}

test('agrees with the server’s model-access on random rules, identities and records', () => {
  const seed = Number(process.env.PERMISSIONS_SEED ?? Math.floor(Math.random() * 2 ** 31));
  console.log(`model-permissions property seed: ${seed} (replay with PERMISSIONS_SEED=${seed})`);
  const random = seededRandom(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const some = <T>(list: readonly T[]): T[] => {
    const out = list.filter(() => random() < 0.4);
    return out.length > 0 ? out : [pick(list)];
  };

  const randomRule = (): AuthRule => {
    const allow = pick<AuthRule['allow']>(['owner', 'owner', 'groups', 'groups', 'private', 'public', 'custom']);
    const provider = random() < 0.8 ? PROVIDERS[allow][0]! : pick(PROVIDERS[allow]);
    const operations = random() < 0.4 ? (['create', 'update', 'delete', 'read'] as AuthOperation[]) : some(OPS);
    if (allow === 'owner') {
      return {
        allow,
        provider,
        operations,
        ownerField: pick(['owner', 'owner', 'editors']),
        identityClaim: pick(['sub::username', 'sub', 'username', 'cognito:username', 'email']),
      };
    }
    if (allow === 'groups') {
      const groupClaim = pick(['cognito:groups', 'cognito:groups', 'custom:groups']);
      return random() < 0.5
        ? { allow, provider, operations, groups: some(['A', 'B']), groupClaim }
        : { allow, provider, operations, groupsField: pick(['teams', 'team']), groupClaim };
    }
    return { allow, provider, operations };
  };
  const randomIdentity = (): Identity => {
    if (random() < 0.25) return { kind: 'apiKey', keyId: 'k1' };
    const username = pick(['alice', 'bob']);
    const sub = `sub-${username}`;
    const groups = some(['A', 'B', 'T1', 'T2']).slice(0, Math.floor(random() * 3));
    const claims: Record<string, unknown> = { sub, username, 'cognito:username': username, 'cognito:groups': groups };
    if (random() < 0.5) claims.email = `${username}@example.test`;
    if (random() < 0.5) claims['custom:groups'] = pick(['A T1', 'B,T2', '', 'T1']);
    return { kind: 'user', sub, username, groups, claims, provider: pick(['userPools', 'oidc']) };
  };
  const ownerValues = (identity: Identity): unknown[] => {
    const mine =
      identity.kind === 'user' ? [`${identity.sub}::${identity.username}`, identity.sub, identity.username, `${identity.username}@example.test`] : [];
    return [null, 'sub-carol::carol', 'carol', ...mine];
  };
  const randomRecord = (identity: Identity): ModelRecord => ({
    id: 'r1',
    owner: pick(ownerValues(identity)),
    editors: pick([null, [], ['carol'], [pick(ownerValues(identity))]]),
    teams: pick([null, [], ['T1'], ['Z'], ['A', 'T2']]),
    team: pick([null, 'T1', 'T2', 'Z']),
  });

  const fields = [fieldDef('id', false), fieldDef('owner', false), fieldDef('editors', true), fieldDef('teams', true), fieldDef('team', false)];
  let exactCases = 0;
  for (let round = 0; round < 4000; round++) {
    const rules = Array.from({ length: Math.floor(random() * 4) }, randomRule);
    const model: ModelDef = {
      name: 'M',
      pluralName: 'Ms',
      fields,
      primaryKey: ['id'],
      indexes: [],
      auth: rules,
      timestamps: { createdAt: null, updatedAt: null },
    };
    const identity = randomIdentity();
    const record = randomRecord(identity);
    const next: ModelRecord = {
      ...record,
      ...(random() < 0.5 ? { owner: pick(ownerValues(identity)) } : {}),
      ...(random() < 0.3 ? { editors: [pick(ownerValues(identity))] } : {}),
    };
    const where = `seed ${seed} round ${round}: rules ${JSON.stringify(rules)} identity ${JSON.stringify(identity)} record ${JSON.stringify(record)} next ${JSON.stringify(next)}`;

    // Rules the client leaves to the server (custom, IAM) may only make it allow more, never less.
    const judgeable = rules.every((r) => r.allow !== 'custom' && r.provider !== 'function' && r.provider !== 'iam');
    // An owner field still empty counts as the caller's on the client (a record not synced yet).
    const noFill = Object.keys(ownerFillOf(model, identity, record)).length === 0;
    const agree = (client: boolean, server: boolean, what: string, exact: boolean): void => {
      if (server) assert.equal(client, true, `${what}: the server allows, the client refuses — ${where}`);
      if (exact) assert.equal(client, server, `${what}: client and server differ — ${where}`);
    };

    const perms = modelPermissions(model, identity);
    agree(perms.read, readAccess(model, identity).kind !== 'none', 'read', judgeable);
    const serverCreate = createAccess(model, identity, record) !== undefined;
    agree(checkCreate(model, identity, record).allowed, serverCreate, 'create', judgeable);
    agree(perms.create, serverCreate, 'model-level create', false);
    for (const action of ['update', 'delete'] as const) {
      const server = writeAccess(model, identity, action, record);
      agree(checkWrite(model, identity, action, record).allowed, server, action, judgeable && noFill);
      agree(perms[action], server, `model-level ${action}`, false);
    }
    // An update that changes owner fields: the server also refuses handing a record to someone else.
    const changed = (f: string) => JSON.stringify(next[f]) !== JSON.stringify(record[f]);
    const ownersOf = (v: unknown) => (typeof v === 'string' ? [v] : Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
    const serverUpdate =
      writeAccess(model, identity, 'update', record) &&
      (identity.kind !== 'user' || protectedOwnerFields(model, identity).every((f) => !changed(f) || fieldHolds(next[f], ownersOf(record[f]))));
    agree(checkWrite(model, identity, 'update', record, next).allowed, serverUpdate, 'update changing owners', judgeable && noFill);
    if (judgeable && noFill) exactCases++;
  }
  assert.ok(exactCases > 1000, `enough cases compared exactly (${exactCases})`);
});
