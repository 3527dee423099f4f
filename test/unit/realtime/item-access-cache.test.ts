// Item checks shared across connections: callers that decide alike share one check, callers that
// differ never do, and a shared, memoized check gives every item the verdict a fresh one gives.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Unauthorized } from '../../../common/errors.js';
import { parseSchema } from '../../../common/schema/parse-schema.js';
import type { Identity } from '../../../server/auth/identity.js';
import { ItemAccessCache, lastItemMemo } from '../../../server/realtime/item-access-cache.js';
import { authorizeSubscription } from '../../../server/realtime/subscription-authorization.js';

const schema = parseSchema(`
type Note @model @auth(rules: [{ allow: owner }, { allow: groups, groups: ["admins"] }]) {
  id: ID!
  owner: String
}
type Board @model @auth(rules: [{ allow: groups, groupsField: "teams" }]) {
  id: ID!
  teams: [String]
}
`);
const note = schema.models.Note!;
const board = schema.models.Board!;

function user(username: string, groups: string[] = [], device = 'a'): Identity {
  // A device's token differs (claims beyond the owner's), the decision does not.
  return { kind: 'user', sub: `sub-${username}`, username, groups, claims: { sub: `sub-${username}`, device }, provider: 'userPools' };
}

describe('ItemAccessCache', () => {
  it('shares one check between devices of one user and keeps users, groups and owner arguments apart', () => {
    const cache = new ItemAccessCache();
    const a1 = cache.authorize(note, user('alice', [], 'laptop'), 'onCreateNote', {});
    assert.equal(cache.authorize(note, user('alice', [], 'tablet'), 'onUpdateNote', {}), a1);
    assert.notEqual(cache.authorize(note, user('bob'), 'onCreateNote', {}), a1);
    assert.notEqual(cache.authorize(note, user('alice', ['admins']), 'onCreateNote', {}), a1);
    assert.notEqual(cache.authorize(note, user('alice'), 'onCreateNote', { owner: 'alice' }), a1);
    assert.notEqual(cache.authorize(board, user('alice', ['red']), 'onCreateBoard', {}), a1);
  });

  it('a refusal is decided for each start, even when an equal caller’s check is cached', () => {
    const cache = new ItemAccessCache();
    cache.authorize(note, user('alice'), 'onCreateNote', {});
    assert.throws(
      () => cache.authorize(note, user('alice'), 'onDeleteNote', { owner: 'bob' }),
      (e) => e instanceof Unauthorized && e.message.includes('onDeleteNote'),
    );
  });

  it('evicts the least recently used past its capacity', () => {
    const cache = new ItemAccessCache(2);
    const alice = cache.authorize(note, user('alice'), 'onCreateNote', {});
    cache.authorize(note, user('bob'), 'onCreateNote', {});
    cache.authorize(note, user('alice'), 'onCreateNote', {});
    cache.authorize(note, user('carol'), 'onCreateNote', {});
    assert.equal(cache.authorize(note, user('alice'), 'onCreateNote', {}), alice);
    assert.notEqual(cache.authorize(note, user('bob'), 'onCreateNote', {}), undefined);
  });

  it('the shared, memoized check agrees with a fresh one on every item, in any order of items and callers', () => {
    const names = ['alice', 'bob', 'carol'];
    const owners = fc.constantFrom('alice', 'sub-alice', 'sub-bob::bob', 'carol', null);
    const visit = fc.record({ caller: fc.constantFrom(...names), admin: fc.boolean(), item: fc.integer({ min: 0, max: 5 }) });
    fc.assert(
      fc.property(
        fc.array(fc.record({ owner: owners, teams: fc.array(fc.constantFrom('red', 'blue', 'admins'), { maxLength: 2 }) }), { minLength: 6, maxLength: 6 }),
        fc.array(visit, { maxLength: 40 }),
        (items, visits) => {
          const cache = new ItemAccessCache();
          for (const v of visits) {
            const identity = user(v.caller, v.admin ? ['admins', 'red'] : ['blue']);
            const item = items[v.item]!;
            for (const model of [note, board]) {
              const root = `onCreate${model.name}`;
              assert.equal(cache.authorize(model, identity, root, {})(item), authorizeSubscription(model, identity, root, {})(item));
            }
          }
        },
      ),
      { seed: Number(process.env.FC_SEED ?? Date.now() % 2 ** 31), verbose: true },
    );
  });

  it('lastItemMemo runs the check once per item object and again for another object with equal content', () => {
    let calls = 0;
    const check = lastItemMemo((item) => {
      calls++;
      return item.ok === true;
    });
    const item = { ok: true };
    assert.equal(check(item), true);
    assert.equal(check(item), true);
    assert.equal(calls, 1);
    assert.equal(check({ ok: false }), false);
    assert.equal(check(item), true);
    assert.equal(calls, 3);
  });
});
