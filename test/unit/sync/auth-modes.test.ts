import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import type { AuthOperation, AuthRule } from '../../../common/schema/types.js';
import { isUnauthorizedAnswer, modelAuthModes } from '../../../main/sync/auth-modes.js';

const ALL: readonly AuthOperation[] = ['create', 'update', 'delete', 'read'];
const rule = (allow: AuthRule['allow'], extra: Partial<AuthRule> = {}): AuthRule => ({ allow, operations: ALL, ...extra });
const both = { apiKey: true, jwt: true };

test('public-only model: API key for every operation; nothing without an API key', () => {
  const model = { auth: [rule('public')] };
  for (const op of ['create', 'read', 'update', 'delete'] as const) assert.deepEqual(modelAuthModes(model, op, both), ['apiKey']);
  assert.deepEqual(modelAuthModes(model, 'read', { apiKey: false, jwt: true }), []);
});

test('owner-only model: JWT when signed in, nothing otherwise', () => {
  const model = { auth: [rule('owner')] };
  assert.deepEqual(modelAuthModes(model, 'read', both), ['jwt']);
  assert.deepEqual(modelAuthModes(model, 'create', { apiKey: true, jwt: false }), []);
});

test('owner before public regardless of rule order; per-operation lists', () => {
  const model = { auth: [rule('public', { operations: ['read'] }), rule('owner')] };
  assert.deepEqual(modelAuthModes(model, 'read', both), ['jwt', 'apiKey']);
  assert.deepEqual(modelAuthModes(model, 'create', both), ['jwt']);
  assert.deepEqual(modelAuthModes(model, 'read', { apiKey: true, jwt: false }), ['apiKey']);
});

test('granular read operations count as read; listen-only still reads', () => {
  const model = { auth: [rule('public', { operations: ['sync', 'get'] })] };
  assert.deepEqual(modelAuthModes(model, 'read', both), ['apiKey']);
  assert.deepEqual(modelAuthModes(model, 'update', both), []);
});

test('providers: oidc and userPools map to jwt (deduplicated); iam and function are skipped', () => {
  const model = {
    auth: [
      rule('public', { provider: 'iam' }),
      rule('private', { provider: 'oidc' }),
      rule('groups', { groups: ['a'] }),
      rule('custom'),
      rule('private', { provider: 'iam' }),
    ],
  };
  assert.deepEqual(modelAuthModes(model, 'read', both), ['jwt']);
  assert.deepEqual(modelAuthModes(model, 'read', { apiKey: true, jwt: false }), []);
});

test('private with userPools and public with apiKey: jwt then apiKey', () => {
  const model = { auth: [rule('public'), rule('private')] };
  assert.deepEqual(modelAuthModes(model, 'delete', both), ['jwt', 'apiKey']);
});

test('no rules: empty (the default mode applies)', () => {
  assert.deepEqual(modelAuthModes({ auth: [] }, 'read', both), []);
});

test('isUnauthorizedAnswer: 401/403 and Unauthorized error types only', () => {
  const answer = (httpStatus: number | null, errorType: string | null) => ({ httpStatus, errors: errorType === null ? [] : [{ message: 'm', errorType }] });
  assert.equal(isUnauthorizedAnswer(answer(401, null)), true);
  assert.equal(isUnauthorizedAnswer(answer(403, null)), true);
  assert.equal(isUnauthorizedAnswer(answer(200, 'Unauthorized')), true);
  assert.equal(isUnauthorizedAnswer(answer(200, 'UnauthorizedException')), true);
  assert.equal(isUnauthorizedAnswer(answer(200, 'ConflictUnhandled')), false);
  assert.equal(isUnauthorizedAnswer(answer(500, null)), false);
  assert.equal(isUnauthorizedAnswer(answer(null, null)), false);
});

test('multiAuthProviders: null with DEFAULT, credentials by mode with MULTI_AUTH, bad combinations refused', async () => {
  const { multiAuthProviders } = await import('../../../main/sync/auth-modes.js');
  const { staticTokenProvider } = await import('../../../main/sync/sync-auth.js');
  const key = { type: 'apiKey', apiKey: 'k' } as const;
  const jwt = { type: 'jwt', tokens: staticTokenProvider('t') } as const;
  assert.equal(multiAuthProviders(undefined, key), null);
  assert.equal(multiAuthProviders('DEFAULT', jwt, []), null);
  assert.deepEqual([...(multiAuthProviders('MULTI_AUTH', jwt, [key]) ?? new Map()).keys()], ['jwt', 'apiKey']);
  assert.throws(() => multiAuthProviders('DEFAULT', jwt, [key]), /additionalAuth needs authModeStrategy 'MULTI_AUTH'/);
  assert.throws(() => multiAuthProviders('MULTI_AUTH', key, [key]), /two apiKey providers/);
  assert.throws(() => multiAuthProviders('OTHER' as 'DEFAULT', key), /authModeStrategy must be/);
});
