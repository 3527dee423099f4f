// The app's identity-provider sign-in (main/auth/sign-in.ts mode 'oidc') end to end: a real
// provider (oidc-provider on loopback) whose login and consent pages Chromium fills in, a real
// Outpost server trusting that issuer, the refresh token kept in a credential store, the token
// refreshed at the provider before expiry, resume from the kept refresh token, a refresh token
// revoked at the provider ending the sign-in (told once), cancel, and a wrong audience or issuer
// refused at sign-in with a message naming which.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { OutpostError } from '../../../common/errors.js';
import type { ParsedRequestOf } from '../../../common/ipc/contract.js';
import { memoryCredentialStore } from '../../../main/auth/credential-store.js';
import { PendingSignIn } from '../../../main/auth/oidc-profile.js';
import { forgetSignIn, resumeSignIn, signIn, type SignInDeps } from '../../../main/auth/sign-in.js';
import { CHROMIUM, launchChromium } from '../../e2e/support/desktop-harness.js';
import { startHarness, type Harness } from '../server/server-harness.js';
import { OIDC_CLIENT_ID, providerSignInPage, startOidcTestProvider, type OidcTestProvider } from './oidc-test-provider.js';

/** The server's base URL (sign-in takes the server, not its /graphql endpoint). */
const base = (h: Harness): string => new URL(h.server.url).origin;
const skip = existsSync(CHROMIUM) ? undefined : `no Chromium at ${CHROMIUM}`;

describe('the app signs in with an identity provider', { skip }, () => {
  let provider: OidcTestProvider;
  let browser: Browser;
  let harness: Harness;

  before(async () => {
    // Tokens live 65 s: inside the 60 s skew after 5 s, so the session must refresh soon after sign-in.
    provider = await startOidcTestProvider({ idTokenTtlSec: 65 });
    browser = await launchChromium();
    harness = await startHarness('sqlite', { auth: { issuers: [{ issuer: provider.issuer, jwksUrl: provider.jwksUrl, audience: OIDC_CLIENT_ID }] } });
  });
  after(async () => {
    await harness?.close();
    await browser?.close();
    await provider?.close();
  });

  /** The system browser: the provider's login page, then its consent page, as a user fills them in. */
  const openBrowser = (login: string) => providerSignInPage(browser, login);

  const request = (server: string): ParsedRequestOf<'signIn'> => ({
    mode: 'oidc',
    server,
    issuer: provider.issuer,
    clientId: OIDC_CLIENT_ID,
    scopes: ['openid', 'profile', 'email', 'offline_access'],
  });

  test('sign in, the server takes the token, refresh, resume from the keychain, revoked refresh ends the sign-in once', async () => {
    const credentials = memoryCredentialStore('test store');
    const ended: string[] = [];
    const deps: SignInDeps = {
      credentials,
      openBrowser: openBrowser('maria'),
      allowHttpIssuer: true,
      onSignInEnded: (id, message) => ended.push(`${id} ${message}`),
    };
    const signedIn = await signIn(request(base(harness)), deps);
    assert.equal(signedIn.profile.mode, 'oidc');
    assert.equal(signedIn.profile.username, 'maria');
    assert.equal(signedIn.profile.oidc?.subject, 'maria');
    assert.equal(signedIn.credentialStorage(), 'test store');
    assert.equal(signedIn.credentials.kind, 'userPools');
    if (signedIn.credentials.kind !== 'userPools') return;
    const session = signedIn.credentials.session;
    const first = await session.accessToken();
    assert.equal((await harness.gql({ headers: { authorization: first } }, 'query { listPosts { items { id } } }')).status, 200);

    const keptBefore = await credentials.get(signedIn.profile.server!, `oidc:${provider.issuer}#maria`);
    assert.ok(keptBefore, 'the refresh token is kept in the credential store');
    // Expires within the skew: the next accessToken() refreshes at the provider.
    await new Promise((r) => setTimeout(r, 5_500));
    const second = await session.accessToken();
    assert.notEqual(second, first, 'a new token before the old one expired');
    const keptAfter = await credentials.get(signedIn.profile.server!, `oidc:${provider.issuer}#maria`);
    assert.notEqual(keptAfter, keptBefore, 'the rotated refresh token replaced the kept one');

    // A restart: resume from the kept refresh token, no browser, the token fetched lazily.
    const resumed = await resumeSignIn(signedIn.profile, { ...deps, openBrowser: async () => assert.fail('no browser on resume') });
    assert.ok(resumed && resumed.credentials.kind === 'userPools');
    if (!resumed || resumed.credentials.kind !== 'userPools') return;
    const third = await resumed.credentials.session.accessToken();
    assert.equal((await harness.gql({ headers: { authorization: third } }, 'query { listPosts { items { id } } }')).status, 200);

    const live = await credentials.get(signedIn.profile.server!, `oidc:${provider.issuer}#maria`);
    await provider.revoke(live!);
    await assert.rejects(resumed.credentials.session.refresh(), (err) => err instanceof OutpostError && /sign in again/.test(err.message));
    await assert.rejects(resumed.credentials.session.refresh(), /sign in again/);
    assert.equal(ended.length, 1, 'told once');
    assert.match(ended[0]!, new RegExp(`^${signedIn.profile.id} `));

    await forgetSignIn(signedIn.profile, deps);
    assert.equal(await credentials.get(signedIn.profile.server!, `oidc:${provider.issuer}#maria`), null);
  });

  test('cancelSignIn stops a sign-in waiting for the browser', async () => {
    const pendingSignIn = new PendingSignIn();
    let opened = '';
    const deps: SignInDeps = {
      credentials: memoryCredentialStore(),
      allowHttpIssuer: true,
      pendingSignIn,
      openBrowser: async (url) => {
        opened = url;
      },
    };
    const waiting = signIn(request(base(harness)), deps);
    for (let i = 0; i < 50 && opened === ''; i++) await new Promise((r) => setTimeout(r, 100));
    assert.match(opened, /code_challenge_method=S256/);
    assert.equal(pendingSignIn.cancel(), true);
    await assert.rejects(waiting, /cancelled/);
    assert.equal(pendingSignIn.cancel(), false, 'nothing waits any more');
  });

  test('a server trusting another audience, or another issuer, refuses at sign-in naming which', async () => {
    const otherAudience = await startHarness('sqlite', {
      auth: { issuers: [{ issuer: provider.issuer, jwksUrl: provider.jwksUrl, audience: 'some-other-app' }] },
    });
    const otherIssuer = await startHarness('sqlite', {
      auth: { issuers: [{ issuer: 'https://login.example.com', jwksUrl: provider.jwksUrl, audience: OIDC_CLIENT_ID }] },
    });
    try {
      const deps = (login: string): SignInDeps => ({ credentials: memoryCredentialStore(), openBrowser: openBrowser(login), allowHttpIssuer: true });
      await assert.rejects(
        signIn(request(base(otherAudience)), deps('ines')),
        (err) => err instanceof OutpostError && /wrong audience/.test(err.message) && err.message.includes(OIDC_CLIENT_ID),
      );
      await assert.rejects(
        signIn(request(base(otherIssuer)), deps('ines')),
        (err) => err instanceof OutpostError && /wrong issuer/.test(err.message) && err.message.includes(provider.issuer),
      );
    } finally {
      await otherAudience.close();
      await otherIssuer.close();
    }
  });
});
