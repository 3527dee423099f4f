// Who may open a subscription and which records it delivers, over models with each kind of rule.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Unauthorized } from '../../../common/errors.js';
import { parseSchema } from '../../../common/schema/parse-schema.js';
import type { Identity } from '../../../server/auth/identity.js';
import { authorizeSubscription } from '../../../server/realtime/subscription-authorization.js';

const schema = parseSchema(`
type Note @model @auth(rules: [{ allow: owner }, { allow: groups, groups: ["admins"] }]) {
  id: ID!
  text: String
}
type Doc @model @auth(rules: [{ allow: owner, ownerField: "author", identityClaim: "sub" }, { allow: owner, ownerField: "editors", operations: [update, read] }]) {
  id: ID!
  author: String
  editors: [String]
}
type Board @model @auth(rules: [{ allow: groups, groupsField: "teams" }]) {
  id: ID!
  teams: [String]
}
type Feed @model @auth(rules: [{ allow: public, operations: [read] }]) {
  id: ID!
}
type Inbox @model @auth(rules: [{ allow: owner, operations: [create, update] }]) {
  id: ID!
}
type Open @model {
  id: ID!
}
`);
const model = (name: string) => schema.models[name];

function user(username: string, groups: string[] = []): Identity {
  return { kind: 'user', sub: `sub-${username}`, username, groups, claims: { sub: `sub-${username}` }, provider: 'userPools' };
}
const apiKey: Identity = { kind: 'apiKey', keyId: 'k' };
const alice = user('alice');
const admin = user('root', ['admins']);

function denied(fn: () => unknown, field: string): void {
  assert.throws(fn, (e) => e instanceof Unauthorized && e.message === `Not Authorized to access ${field} on type Subscription`);
}

describe('authorizeSubscription', () => {
  it('owner rule: omitted argument delivers the caller’s records in every claim form, nobody else’s', () => {
    const access = authorizeSubscription(model('Note'), alice, 'onCreateNote', {});
    assert.equal(access({ owner: 'sub-alice::alice' }), true);
    assert.equal(access({ owner: 'alice' }), true);
    assert.equal(access({ owner: 'sub-alice' }), true);
    assert.equal(access({ owner: 'sub-bob::bob' }), false);
    assert.equal(access({ owner: null }), false);
    assert.equal(access({}), false);
  });

  it('owner rule: an argument naming someone else is Unauthorized; naming the caller narrows to them', () => {
    denied(() => authorizeSubscription(model('Note'), alice, 'onCreateNote', { owner: 'sub-bob::bob' }), 'onCreateNote');
    const access = authorizeSubscription(model('Note'), alice, 'onCreateNote', { owner: 'alice' });
    assert.equal(access({ owner: 'sub-alice::alice' }), true);
    assert.equal(access({ owner: 'bob' }), false);
  });

  it('static group member sees everything; an owner argument then only narrows, in any claim form', () => {
    assert.equal(authorizeSubscription(model('Note'), admin, 'onCreateNote', {})({ owner: 'sub-bob::bob' }), true);
    const narrowed = authorizeSubscription(model('Note'), admin, 'onCreateNote', { owner: 'bob' });
    assert.equal(narrowed({ owner: 'sub-bob::bob' }), true);
    assert.equal(narrowed({ owner: 'sub-alice::alice' }), false);
  });

  it('custom owner field and identity claim, and list owner fields', () => {
    const access = authorizeSubscription(model('Doc'), alice, 'onUpdateDoc', {});
    assert.equal(access({ author: 'sub-alice' }), true);
    assert.equal(access({ author: 'alice' }), false, 'identityClaim "sub" matches the sub only');
    assert.equal(access({ author: 'x', editors: ['bob', 'sub-alice::alice'] }), true);
    assert.equal(access({ author: 'x', editors: ['bob'] }), false);
  });

  it('dynamic groups deliver records listing one of the caller’s groups', () => {
    const access = authorizeSubscription(model('Board'), user('carol', ['north']), 'onCreateBoard', {});
    assert.equal(access({ teams: ['south', 'north'] }), true);
    assert.equal(access({ teams: ['south'] }), false);
    denied(() => authorizeSubscription(model('Board'), user('dan'), 'onCreateBoard', {}), 'onCreateBoard');
  });

  it('API keys: public apiKey read rule allows, owner-only models refuse', () => {
    assert.equal(authorizeSubscription(model('Feed'), apiKey, 'onCreateFeed', {})({ id: '1' }), true);
    denied(() => authorizeSubscription(model('Note'), apiKey, 'onCreateNote', {}), 'onCreateNote');
    denied(() => authorizeSubscription(model('Feed'), alice, 'onCreateFeed', {}), 'onCreateFeed');
  });

  it('a rule that does not grant read or listen does not allow subscribing; no @auth allows everyone', () => {
    denied(() => authorizeSubscription(model('Inbox'), alice, 'onCreateInbox', {}), 'onCreateInbox');
    assert.equal(authorizeSubscription(model('Open'), apiKey, 'onCreateOpen', {})({ id: '1' }), true);
    assert.equal(authorizeSubscription(model('Open'), alice, 'onCreateOpen', {})({ id: '1' }), true);
  });
});
