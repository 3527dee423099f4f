// The sign-in form's identity-provider and passphrase decisions: the oidc request, the tab a key
// moves to, and which refusals ask for the passphrase.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EMPTY_FIELDS, passphraseProblem, passphraseStepFor, signInRequest, submitLabel, tabForKey } from '../../../renderer/sign-in-form.js';

test('the oidc request sends issuer, client id, and scopes / access token only when asked', () => {
  const fields = { ...EMPTY_FIELDS, server: 'https://sync.example.com', issuer: ' https://login.example.com ', clientId: 'app' };
  assert.deepEqual(signInRequest('oidc', fields), { mode: 'oidc', server: 'https://sync.example.com', issuer: 'https://login.example.com', clientId: 'app' });
  assert.deepEqual(signInRequest('oidc', { ...fields, scopes: ' openid  email ', tokenUse: 'access' }, 'a passphrase!'), {
    mode: 'oidc',
    server: 'https://sync.example.com',
    issuer: 'https://login.example.com',
    clientId: 'app',
    scopes: ['openid', 'email'],
    tokenUse: 'access',
    passphrase: 'a passphrase!',
  });
  assert.equal(submitLabel('oidc', true), 'Waiting for your browser…');
});

test('arrow keys wrap between the tabs, Home and End go to the ends, other keys do nothing', () => {
  assert.equal(tabForKey('password', 'ArrowRight'), 'apiKey');
  assert.equal(tabForKey('password', 'ArrowLeft'), 'offline');
  assert.equal(tabForKey('offline', 'ArrowRight'), 'password');
  assert.equal(tabForKey('apiKey', 'Home'), 'password');
  assert.equal(tabForKey('apiKey', 'End'), 'offline');
  assert.equal(tabForKey('apiKey', 'a'), null);
});

test('ProfileKeyError passphraseNeeded asks; wrongPassphrase asks saying so; anything else does not', () => {
  assert.deepEqual(passphraseStepFor({ code: 'ProfileKeyError', reason: 'passphraseNeeded' }), { kind: 'ask', wrong: false, confirm: false });
  assert.deepEqual(passphraseStepFor({ code: 'ProfileKeyError', reason: 'newPassphraseNeeded' }), { kind: 'ask', wrong: false, confirm: true });
  assert.deepEqual(passphraseStepFor({ code: 'ProfileKeyError', reason: 'wrongPassphrase' }), { kind: 'ask', wrong: true, confirm: false });
  assert.deepEqual(passphraseStepFor({ code: 'ProfileKeyError', reason: 'keyMissing' }), { kind: 'none' });
  assert.deepEqual(passphraseStepFor({ code: 'Unauthorized', reason: 'passphraseNeeded' }), { kind: 'none' });
  assert.equal(passphraseProblem('short', null), 'Use at least 10 characters.');
  assert.equal(passphraseProblem('long enough!', 'long enough?'), 'The two passphrases differ.');
  assert.equal(passphraseProblem('long enough!', 'long enough!'), null);
});
