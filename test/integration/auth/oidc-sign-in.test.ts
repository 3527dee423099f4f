// Sign-in through an OpenID provider end to end (issue 15): a real provider (oidc-provider on
// loopback), its login and consent pages driven in Debian's Chromium by Playwright as a user would,
// authorization code + PKCE with the redirect caught on a loopback port, an Outpost server trusting
// that issuer and audience that accepts the ID token (owner = the provider's sub), refresh, a
// refresh token revoked at the provider, and a wrong issuer or audience refused with a clear message.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { OutpostError } from '../../../common/errors.js';
import { refreshOidcTokens, signInWithOidc, type OidcSettings } from '../../../main/auth/oidc-sign-in.js';
import { CHROMIUM, launchChromium } from '../../e2e/support/desktop-harness.js';
import { POST_FIELDS, startHarness, type Harness } from '../server/server-harness.js';
import { OIDC_CLIENT_ID, OIDC_FIXED_CLIENT_ID, providerSignInPage, startOidcTestProvider, type OidcTestProvider } from './oidc-test-provider.js';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A port nothing listens on now (the OS picks it, then it is let go). */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

const skip = existsSync(CHROMIUM) ? undefined : `no Chromium at ${CHROMIUM}`;
const CREATE_POST = `mutation create($input: CreatePostInput!) { createPost(input: $input) { ${POST_FIELDS} } }`;

describe('OIDC sign-in against a real provider', { skip }, () => {
  let provider: OidcTestProvider;
  let browser: Browser;
  let harness: Harness;
  let settings: OidcSettings;

  before(async () => {
    provider = await startOidcTestProvider();
    browser = await launchChromium();
    harness = await startHarness('sqlite', { auth: { issuers: [{ issuer: provider.issuer, jwksUrl: provider.jwksUrl, audience: OIDC_CLIENT_ID }] } });
    settings = {
      issuer: provider.issuer,
      clientId: OIDC_CLIENT_ID,
      scopes: ['openid', 'profile', 'email', 'offline_access'],
      extraParameters: { prompt: 'consent' },
    };
  });
  after(async () => {
    await harness?.close();
    await browser?.close();
    await provider?.close();
  });

  /** The system browser, noting in `seen` the words shown once it reaches the callback. */
  const browserSigningIn = (login: string, seen: { finalText?: string }) =>
    providerSignInPage(browser, login, (text) => {
      if (text !== undefined) seen.finalText = text;
    });

  test('sign in in the browser, sync with the ID token as the owner, refresh, then a revoked refresh token signs out', async () => {
    const seen: { finalText?: string } = {};
    const tokens = await signInWithOidc(settings, { openBrowser: browserSigningIn('maria', seen), allowHttpIssuer: true, timeoutMs: 60_000 });
    assert.equal(tokens.claims.sub, 'maria');
    assert.equal(tokens.claims.preferred_username, 'maria');
    assert.ok(tokens.refreshToken, 'offline_access gave a refresh token');
    assert.ok(tokens.expiresAt > Date.now());

    const asMaria = { headers: { authorization: tokens.token } };
    const created = await harness.gql(asMaria, CREATE_POST, { input: { title: 'from the field' } });
    assert.equal(created.status, 200, JSON.stringify(created.body));
    const post = (created.body.data as { createPost: { owner: string } }).createPost;
    assert.equal(post.owner, 'maria::maria', 'owner from the provider sub and preferred_username');
    for (let i = 0; i < 20 && seen.finalText === undefined; i++) await new Promise((r) => setTimeout(r, 100));
    assert.match(seen.finalText ?? '', /Signed in/);

    const refreshed = await refreshOidcTokens(settings, tokens.refreshToken!, { allowHttpIssuer: true });
    assert.notEqual(refreshed.refreshToken, tokens.refreshToken, 'the provider rotated the refresh token');
    assert.equal((await harness.gql({ headers: { authorization: refreshed.token } }, 'query { listPosts { items { id } } }')).status, 200);

    await provider.revoke(refreshed.refreshToken!);
    await assert.rejects(
      refreshOidcTokens(settings, refreshed.refreshToken!, { allowHttpIssuer: true }),
      (err) => err instanceof OutpostError && err.details?.reason === 'revoked' && /sign in again/.test(err.message),
    );
  });

  test('a server trusting another audience refuses the token and says why', async () => {
    const other = await startHarness('sqlite', { auth: { issuers: [{ issuer: provider.issuer, jwksUrl: provider.jwksUrl, audience: 'some-other-app' }] } });
    try {
      const tokens = await signInWithOidc(settings, { openBrowser: browserSigningIn('ines', {}), allowHttpIssuer: true, timeoutMs: 60_000 });
      const refused = await other.gql({ headers: { authorization: tokens.token } }, 'query { listPosts { items { id } } }');
      assert.equal(refused.status, 401);
      assert.match(JSON.stringify(refused.body.errors), /issued for another application \(client id\)/);
    } finally {
      await other.close();
    }
  });

  test('a fixed callback port (as Cognito registers one URL) redirects to http://localhost:<port>/callback; a taken port is named', async () => {
    const port = await freePort();
    const callback = `http://localhost:${port}/callback`;
    const fixed = await startOidcTestProvider({ exactCallback: callback });
    try {
      const fixedSettings: OidcSettings = { issuer: fixed.issuer, clientId: OIDC_FIXED_CLIENT_ID, extraParameters: { prompt: 'consent' }, callbackPort: port };
      let asked = '';
      const tokens = await signInWithOidc(fixedSettings, {
        openBrowser: async (url) => {
          asked = new URL(url).searchParams.get('redirect_uri') ?? '';
          await browserSigningIn('nadia', {})(url);
        },
        allowHttpIssuer: true,
        timeoutMs: 60_000,
      });
      assert.equal(asked, callback);
      assert.equal(tokens.claims.sub, 'nadia');
      const taken = createServer();
      await new Promise<void>((resolve) => taken.listen(port, '127.0.0.1', resolve));
      try {
        await assert.rejects(
          signInWithOidc(fixedSettings, { openBrowser: async () => undefined, allowHttpIssuer: true }),
          (err) => err instanceof OutpostError && err.message.includes(`callback port ${port} is in use`),
        );
      } finally {
        await new Promise((resolve) => taken.close(resolve));
      }
    } finally {
      await fixed.close();
    }
  });

  test('a wrong issuer URL is refused before any browser opens, naming the URL', async () => {
    let opened = false;
    const wrong = { ...settings, issuer: provider.issuer.replace('127.0.0.1', 'localhost') };
    await assert.rejects(
      signInWithOidc(wrong, { openBrowser: async () => void (opened = true), allowHttpIssuer: true }),
      (err) => err instanceof OutpostError && err.message.includes('localhost') && /issuer/i.test(err.message),
    );
    assert.equal(opened, false);
    await assert.rejects(signInWithOidc({ ...settings, issuer: 'http://example.com' }, { openBrowser: async () => undefined }), /must use https/);
  });
});
