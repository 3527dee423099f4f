import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSchema } from '../../../common/schema/parse-schema.js';
import type { Identity } from '../../../server/auth/identity.js';
import { canRead, createAccess, readAccess, writeAccess } from '../../../server/resolvers/model-access.js';

const schema = parseSchema(`
type Owned @model @auth(rules: [{ allow: owner }]) { id: ID! }
type Mixed @model @auth(rules: [{ allow: owner }, { allow: public, operations: [read] }, { allow: groups, groups: ["Admins"] }]) { id: ID! }
type Team @model @auth(rules: [{ allow: groups, groupsField: "teams" }]) { id: ID! teams: [String] }
type Signed @model @auth(rules: [{ allow: private, operations: [read] }, { allow: owner, ownerField: "author", identityClaim: "username" }]) { id: ID! author: String }
`);
const m = (name: string) => {
  const model = schema.models[name];
  assert.ok(model);
  return model;
};
const alice: Identity = { kind: 'user', sub: 's-a', username: 'alice', groups: [], claims: {}, provider: 'userPools' };
const admin: Identity = { kind: 'user', sub: 's-x', username: 'root', groups: ['Admins'], claims: {}, provider: 'userPools' };
const key: Identity = { kind: 'apiKey', keyId: 'k1' };

test('owner rules: reads narrowed to the caller, matching <sub>::<username>, sub or username', () => {
  const access = readAccess(m('Owned'), alice);
  assert.equal(access.kind, 'owned');
  for (const owner of ['s-a::alice', 's-a', 'alice']) assert.ok(canRead(access, { owner }), owner);
  assert.ok(!canRead(access, { owner: 's-b::bob' }));
  assert.ok(!canRead(access, { owner: null }));
  assert.equal(readAccess(m('Owned'), key).kind, 'none');
});

test('create fills the owner; update/delete only by the owner', () => {
  assert.deepEqual(createAccess(m('Owned'), alice, {}), { fill: { owner: 's-a::alice' } });
  assert.equal(createAccess(m('Owned'), key, {}), undefined);
  assert.ok(writeAccess(m('Owned'), alice, 'update', { owner: 's-a::alice' }));
  assert.ok(!writeAccess(m('Owned'), alice, 'delete', { owner: 'bob' }));
});

test('public read for API keys, static groups grant everything', () => {
  assert.equal(readAccess(m('Mixed'), key).kind, 'all');
  assert.equal(createAccess(m('Mixed'), key, {}), undefined);
  assert.equal(readAccess(m('Mixed'), admin).kind, 'all');
  assert.ok(writeAccess(m('Mixed'), admin, 'delete', { owner: 'someone' }));
});

test('private read and a custom owner field with the username claim', () => {
  assert.equal(readAccess(m('Signed'), alice).kind, 'all');
  assert.deepEqual(createAccess(m('Signed'), alice, {}), { fill: { author: 'alice' } });
  // An explicit owner value naming someone else is refused when only the owner rule grants create.
  assert.equal(createAccess(m('Signed'), alice, { author: 'bob' }), undefined);
  assert.ok(writeAccess(m('Signed'), alice, 'update', { author: 'alice' }));
  assert.ok(!writeAccess(m('Signed'), alice, 'update', { author: 'bob' }));
});

test("dynamic group rules: records whose groups field holds one of the caller's groups", () => {
  const field: Identity = { kind: 'user', sub: 's-f', username: 'fay', groups: ['north'], claims: {}, provider: 'userPools' };
  const access = readAccess(m('Team'), field);
  assert.equal(access.kind, 'owned');
  assert.ok(canRead(access, { teams: ['south', 'north'] }));
  assert.ok(!canRead(access, { teams: ['south'] }));
  assert.ok(writeAccess(m('Team'), field, 'update', { teams: ['north'] }));
  assert.ok(!writeAccess(m('Team'), field, 'update', { teams: [] }));
  assert.deepEqual(createAccess(m('Team'), field, { teams: ['north'] }), { fill: {} });
  assert.equal(createAccess(m('Team'), field, { teams: ['south'] }), undefined);
  assert.equal(readAccess(m('Team'), alice).kind, 'none');
});
