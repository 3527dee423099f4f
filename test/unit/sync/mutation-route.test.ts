// A mutation's route is a value: its modes as given, and a batching key that is shared by one-mode
// routes and unique for routes that fall back between modes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_ROUTE, mutationRoute } from '../../../main/sync/core/mutation-route.js';

test('one mode: the mode list is the key, so such mutations share requests', () => {
  assert.deepEqual(mutationRoute(['jwt'], 1), { modes: ['jwt'], key: 'jwt' });
  assert.equal(mutationRoute(['jwt'], 1).key, mutationRoute(['jwt'], 2).key);
  assert.notEqual(mutationRoute(['jwt'], 1).key, mutationRoute(['apiKey'], 1).key);
});

test('several modes: a key of its own per mutation (a refusal then cannot have applied another mutation)', () => {
  const a = mutationRoute(['apiKey', 'jwt'], 7);
  const b = mutationRoute(['apiKey', 'jwt'], 8);
  assert.deepEqual(a.modes, ['apiKey', 'jwt']);
  assert.notEqual(a.key, b.key);
  assert.notEqual(a.key, mutationRoute(['apiKey'], 7).key);
});

test('the modes are copied: a caller changing its list later does not reroute a queued mutation', () => {
  const modes: Array<'apiKey' | 'jwt'> = ['jwt', 'apiKey'];
  const route = mutationRoute(modes, 1);
  modes.reverse();
  assert.deepEqual(route.modes, ['jwt', 'apiKey']);
});

test('the default route: no modes, one key for all', () => {
  assert.deepEqual(DEFAULT_ROUTE, { modes: [], key: '' });
  assert.deepEqual(mutationRoute([], 3), DEFAULT_ROUTE);
});
