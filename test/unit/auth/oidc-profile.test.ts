// The identity-provider sign-in's decisions: which refusal the server gave, the words a user reads,
// the profile's name from the provider's claims, and one waiting sign-in at a time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { displayNameOf, oidcCredentialUser, PendingSignIn, refusalKind, refusalMessage } from '../../../main/auth/oidc-profile.js';

const settings = { issuer: 'https://login.example.com', clientId: 'outpost-desktop' };

test('a refusal naming the audience or client id is an audience refusal; one naming the issuer an issuer refusal', () => {
  assert.equal(refusalKind('Token rejected: its "aud" claim is not acceptable — it was issued for another application (client id)'), 'audience');
  assert.equal(refusalKind('Token issuer "https://x" is not trusted by this server'), 'issuer');
  assert.equal(refusalKind('Unauthorized'), 'other');
});

test('the message names the server, the client id or issuer, and what the server said', () => {
  const audience = refusalMessage('https://sync.example.com', settings, 'its "aud" claim is not acceptable');
  assert.match(audience, /^sync\.example\.com refused the sign-in: .*client id outpost-desktop.*\(wrong audience\)/);
  const issuer = refusalMessage('https://sync.example.com', settings, 'Token issuer "x" is not trusted');
  assert.match(issuer, /does not trust the identity provider https:\/\/login\.example\.com \(wrong issuer\)/);
  assert.match(refusalMessage('https://sync.example.com', { ...settings, tokenUse: 'access' }, 'HTTP 401'), /access token\): HTTP 401$/);
});

test('the profile is named by preferred_username, else email, else the subject', () => {
  assert.equal(displayNameOf({ preferred_username: 'maria', email: 'm@example.com' }, 's1'), 'maria');
  assert.equal(displayNameOf({ email: 'm@example.com' }, 's1'), 'm@example.com');
  assert.equal(displayNameOf({ preferred_username: '  ' }, 's1'), 's1');
  assert.equal(oidcCredentialUser('https://i', 's1'), 'oidc:https://i#s1');
});

test('a new sign-in cancels the one still waiting; done() of an old one leaves the new one cancellable', () => {
  const pending = new PendingSignIn();
  assert.equal(pending.cancel(), false);
  const first = pending.begin();
  const second = pending.begin();
  assert.equal(first.signal.aborted, true);
  first.done();
  assert.equal(pending.cancel(), true);
  assert.equal(second.signal.aborted, true);
  second.done();
  assert.equal(pending.cancel(), false);
});
