import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ValidationError } from '../../../common/errors.js';
import { checkApiKeyDays, checkPassword, normalizeGroups, normalizeUsername } from '../../../server/auth/account-rules.js';

function fails(fn: () => unknown, path: string, message: RegExp): void {
  assert.throws(fn, (err) => err instanceof ValidationError && err.path === path && message.test(err.message));
}

test('usernames are trimmed, lower-cased and limited to a safe alphabet', () => {
  assert.equal(normalizeUsername('  Alice.Smith@Example.org '), 'alice.smith@example.org');
  assert.equal(normalizeUsername('field-worker_7+a'), 'field-worker_7+a');
  fails(() => normalizeUsername(''), 'username', /must not be empty/);
  fails(() => normalizeUsername('a'.repeat(129)), 'username', /at most 128/);
  fails(() => normalizeUsername('sub::name'), 'username', /may contain only/);
  fails(() => normalizeUsername('two words'), 'username', /may contain only/);
  fails(() => normalizeUsername('.hidden'), 'username', /start with a letter or digit/);
  fails(() => normalizeUsername(42), 'username', /must be a string/);
});

test('passwords need 8 to 1024 characters and must differ from the username', () => {
  checkPassword('eight ch');
  checkPassword('\u{1F600}'.repeat(8));
  fails(() => checkPassword('seven c'), 'password', /at least 8/);
  fails(() => checkPassword('x'.repeat(1025)), 'password', /at most 1024/);
  fails(() => checkPassword('         '), 'password', /whitespace/);
  fails(() => checkPassword('Fieldworker', 'fieldworker'), 'password', /same as the username/);
  fails(() => checkPassword(undefined), 'password', /must be a string/);
});

test('groups are de-duplicated and validated', () => {
  assert.deepEqual(normalizeGroups(['Admins', 'field', 'Admins']), ['Admins', 'field']);
  fails(() => normalizeGroups(['ok', '']), 'groups', /group "" is invalid/);
  fails(() => normalizeGroups([3]), 'groups', /group 3 is invalid/);
});

test('API key lifetimes are whole days within bounds', () => {
  checkApiKeyDays(1);
  checkApiKeyDays(3650);
  fails(() => checkApiKeyDays(0), 'days', /from 1 to 3650/);
  fails(() => checkApiKeyDays(3651), 'days', /from 1 to 3650/);
  fails(() => checkApiKeyDays(Number.NaN), 'days', /whole number/);
});
