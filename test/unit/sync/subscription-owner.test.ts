// The owner-argument decision of subscriptions (PROTOCOL.md §1.6, §6.3) over parsed @auth rules
// and token claims, and the request each `start` sends for a token.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'graphql';
import { UnsecuredJWT } from 'jose';
import { parseSchema } from '../../../common/schema/parse-schema.js';
import type { ModelDef } from '../../../common/schema/types.js';
import { subscriptionOwnerArguments, subscriptionRequestFor, tokenClaims, type TokenClaims } from '../../../main/sync/subscription-owner.js';

/** One model `T` with the given @auth rules (and @model arguments), parsed as the app parses it. */
function modelWith(rules: string, options: { modelArgs?: string; fields?: string } = {}): ModelDef {
  const sdl = `type T @model${options.modelArgs ?? ''} @auth(rules: [${rules}]) { id: ID! title: String ${options.fields ?? ''} }`;
  return parseSchema(sdl).models.T;
}

const alice: TokenClaims = {
  sub: 'a1b2',
  username: 'alice',
  'cognito:username': 'alice',
  'cognito:groups': ['field'],
  email: 'alice@example.org',
};
const jwt = (claims: TokenClaims | null) => ({ type: 'jwt' as const, claims });
const owners = (model: ModelDef, claims: TokenClaims | null = alice) => subscriptionOwnerArguments(model, jwt(claims));

test('an owner rule with the default claim sends the cognito:username claim as `owner`', () => {
  assert.deepEqual(owners(modelWith('{ allow: owner }')), { owner: 'alice' });
  // The transformer's default `sub::username` (as our parser fills it) means the username claim too.
  assert.deepEqual(owners(modelWith('{ allow: owner, identityClaim: "sub::username" }')), { owner: 'alice' });
  // A hand-built rule without identityClaim: DataStore's default.
  const bare = modelWith('{ allow: owner }');
  const rule = { allow: 'owner' as const, operations: ['read' as const] };
  assert.deepEqual(subscriptionOwnerArguments({ ...bare, auth: [rule] }, jwt(alice)), { owner: 'alice' });
});

test('a custom identityClaim and ownerField are read from the token as named', () => {
  assert.deepEqual(owners(modelWith('{ allow: owner, identityClaim: "username" }')), { owner: 'alice' });
  assert.deepEqual(owners(modelWith('{ allow: owner, identityClaim: "sub" }')), { owner: 'a1b2' });
  assert.deepEqual(owners(modelWith('{ allow: owner, ownerField: "author", identityClaim: "email" }', { fields: 'author: String' })), {
    author: 'alice@example.org',
  });
});

test('a claim the token lacks (or that is not text) omits the argument: the server filters at run time', () => {
  assert.deepEqual(owners(modelWith('{ allow: owner, identityClaim: "custom:tenant" }')), {});
  assert.deepEqual(owners(modelWith('{ allow: owner }'), { sub: 'a1b2', username: 'alice' }), {}, 'no cognito:username claim');
  assert.deepEqual(owners(modelWith('{ allow: owner, identityClaim: "sub" }'), { sub: 42 }), {});
  assert.deepEqual(owners(modelWith('{ allow: owner, identityClaim: "email" }'), { ...alice, email: '' }), {});
});

test('a list owner field takes no argument', () => {
  assert.deepEqual(owners(modelWith('{ allow: owner, ownerField: "editors" }', { fields: 'editors: [String]' })), {});
  const mixed = modelWith('{ allow: owner, ownerField: "editors" }, { allow: owner }', { fields: 'editors: [String]' });
  assert.deepEqual(owners(mixed), { owner: 'alice' });
});

test('a static group rule granting read that the caller is in suppresses every owner argument', () => {
  assert.deepEqual(owners(modelWith('{ allow: owner }, { allow: groups, groups: ["field"] }')), {});
  assert.deepEqual(owners(modelWith('{ allow: owner }, { allow: groups, groups: ["admin"] }')), { owner: 'alice' }, 'not a member');
  assert.deepEqual(
    owners(modelWith('{ allow: owner }, { allow: groups, groups: ["field"], operations: [create] }')),
    { owner: 'alice' },
    'the group does not grant read',
  );
  assert.deepEqual(owners(modelWith('{ allow: owner }, { allow: groups, groups: ["field"], operations: [listen] }')), {});
  // A custom group claim, as a list, a JSON list in a string or a separated string.
  const custom = modelWith('{ allow: owner }, { allow: groups, groups: ["ops"], groupClaim: "roles" }');
  assert.deepEqual(owners(custom), { owner: 'alice' }, 'no roles claim');
  assert.deepEqual(owners(custom, { ...alice, roles: ['ops'] }), {});
  assert.deepEqual(owners(custom, { ...alice, roles: '["ops","x"]' }), {});
  assert.deepEqual(owners(custom, { ...alice, roles: 'x, ops' }), {});
  // A dynamic group rule grants per record: it suppresses nothing.
  assert.deepEqual(owners(modelWith('{ allow: owner }, { allow: groups, groupsField: "teams" }', { fields: 'teams: [String]' })), { owner: 'alice' });
});

test('public subscriptions, subscriptions off and owner rules without read send no argument', () => {
  assert.deepEqual(owners(modelWith('{ allow: owner }', { modelArgs: '(subscriptions: { level: public })' })), {});
  assert.deepEqual(owners(modelWith('{ allow: owner }', { modelArgs: '(subscriptions: { level: off })' })), {});
  assert.deepEqual(owners(modelWith('{ allow: owner, operations: [create, update, delete] }, { allow: private, operations: [read] }')), {});
  assert.deepEqual(owners(modelWith('{ allow: owner, operations: [listen] }')), { owner: 'alice' });
  assert.deepEqual(owners(modelWith('{ allow: owner, operations: [get, list, sync] }')), {}, 'no listen: the rule does not authorize subscriptions');
});

test('an API key, or no readable token, never sends an owner argument', () => {
  const model = modelWith('{ allow: owner }, { allow: public }');
  assert.deepEqual(subscriptionOwnerArguments(model, { type: 'apiKey' }), {});
  assert.deepEqual(owners(model, null), {});
  assert.equal(tokenClaims(null), null);
  assert.equal(tokenClaims('not-a-valid-token'), null);
  assert.equal(tokenClaims('a.b.c'), null);
});

test('several owner rules send one argument per owner field; the first rule of a field gives its value', () => {
  const model = modelWith('{ allow: owner }, { allow: owner, ownerField: "editor", identityClaim: "sub" }, { allow: owner, identityClaim: "email" }', {
    fields: 'editor: String',
  });
  assert.deepEqual(owners(model), { owner: 'alice', editor: 'a1b2' });
  // The first rule of `owner` has no value in this token: the next rule of that field gives it.
  assert.deepEqual(owners(model, { sub: 'a1b2', email: 'alice@example.org' }), { owner: 'alice@example.org', editor: 'a1b2' });
  // Rules for API-key, IAM or Lambda callers do not apply to a JWT caller.
  assert.deepEqual(owners(modelWith('{ allow: owner, provider: oidc }, { allow: private, provider: iam }')), { owner: 'alice' });
});

test('each start is built from its token: owner variables and declarations follow the claims, the filter stays', () => {
  const schema = parseSchema('type T @model @auth(rules: [{ allow: owner }]) { id: ID! title: String }');
  const model = schema.models.T;
  const filter = { and: [{ title: { eq: 'x' } }] };
  const request = subscriptionRequestFor(schema, model, 'onUpdate', { auth: 'jwt', filter });
  const token = new UnsecuredJWT({ sub: 'a1b2', 'cognito:username': 'alice' }).encode();
  const withOwner = request(token);
  assert.deepEqual(withOwner.variables, { filter, owner: 'alice' });
  assert.match(
    withOwner.query,
    /^subscription operation\(\$filter: ModelSubscriptionTFilterInput,\$owner: String!\)\{\n {2}onUpdateT\(filter: \$filter,owner: \$owner\)\{/,
  );
  parse(withOwner.query);
  const bob = request(new UnsecuredJWT({ sub: 'b3', 'cognito:username': 'bob' }).encode());
  assert.deepEqual(bob.variables, { filter, owner: 'bob' });
  const unreadable = request('not-a-jwt');
  assert.deepEqual(unreadable.variables, { filter });
  assert.match(unreadable.query, /^subscription operation\(\$filter: ModelSubscriptionTFilterInput\)\{/);
  const byKey = subscriptionRequestFor(schema, model, 'onCreate', { auth: 'apiKey', filter: null })(null);
  assert.deepEqual(byKey.variables, {});
  assert.match(byKey.query, /^subscription operation\{\n {2}onCreateT\{/);
});
