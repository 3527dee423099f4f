// A real OpenID provider for the sign-in tests: oidc-provider (the certified Node implementation) on
// 127.0.0.1 with one public native client (PKCE, loopback redirect on any port), its development
// login and consent pages (any login name signs in as that account), refresh tokens, revocation, and
// short-lived tokens so refresh is exercised. Accounts carry `preferred_username`, `email` and `groups`.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';
import type { Browser } from 'playwright-core';

export const OIDC_CLIENT_ID = 'outpost-desktop';

/**
 * The system browser as a user drives it: a page of its own on the provider's login (as `login`, any
 * password), then its consent; once the redirect reaches the loopback callback, `onCallback` gets the
 * text the user reads there and the page closes.
 */
export function providerSignInPage(browser: Browser, login: string, onCallback?: (text: string | undefined) => void) {
  return async (url: string): Promise<void> => {
    const page = await browser.newPage();
    await page.goto(url);
    await page.fill('input[name="login"]', login);
    await page.fill('input[name="password"]', 'any password');
    await page.click('button[type="submit"]');
    await page.waitForSelector('button[type="submit"]:has-text("Continue")');
    // The redirect answers once the app has the code: not awaited, as a browser tab goes on by itself.
    void page
      .click('button[type="submit"]:has-text("Continue")')
      .then(() => page.waitForURL(/(127\.0\.0\.1|localhost):\d+\/callback/))
      .then(async () => {
        onCallback?.((await page.textContent('body').catch(() => undefined)) ?? undefined);
        await page.close();
      })
      .catch(() => undefined);
  };
}
/** A client registered with one exact callback URL, as a Cognito app client is (`exactCallback` of the options). */
export const OIDC_FIXED_CLIENT_ID = 'outpost-fixed-callback';

export interface OidcTestProvider {
  /** The issuer URL (`iss`), `http://127.0.0.1:<port>`. */
  readonly issuer: string;
  readonly jwksUrl: string;
  /** Revokes a refresh token at the provider (RFC 7009), as an admin signing the user out there. */
  revoke(refreshToken: string): Promise<void>;
  close(): Promise<void>;
}

/** Starts the provider; ID tokens live `idTokenTtlSec` (default 60 s). */
export async function startOidcTestProvider(options: { idTokenTtlSec?: number; exactCallback?: string } = {}): Promise<OidcTestProvider> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: OIDC_CLIENT_ID,
        application_type: 'native',
        token_endpoint_auth_method: 'none',
        redirect_uris: ['http://127.0.0.1/callback'],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
      },
      ...(options.exactCallback === undefined
        ? []
        : [
            {
              client_id: OIDC_FIXED_CLIENT_ID,
              application_type: 'native' as const,
              token_endpoint_auth_method: 'none' as const,
              redirect_uris: [options.exactCallback],
              grant_types: ['authorization_code', 'refresh_token'],
              response_types: ['code' as const],
            },
          ]),
    ],
    pkce: { required: () => true },
    features: { devInteractions: { enabled: true }, revocation: { enabled: true } },
    claims: { openid: ['sub'], profile: ['preferred_username', 'groups'], email: ['email'] },
    conformIdTokenClaims: false,
    scopes: ['openid', 'offline_access', 'profile', 'email'],
    issueRefreshToken: () => true,
    ttl: { IdToken: options.idTokenTtlSec ?? 60, AccessToken: options.idTokenTtlSec ?? 60, RefreshToken: 3600, Grant: 3600, Session: 3600, Interaction: 600 },
    cookies: { keys: ['outpost-test-cookie-key'] },
    findAccount: (_ctx, sub) => ({
      accountId: sub,
      claims: () => ({ sub, preferred_username: sub, email: `${sub}@example.test`, groups: sub.startsWith('admin') ? ['admins'] : ['field'] }),
    }),
  });
  const handle = provider.callback();
  server.on('request', (req, res) => void handle(req, res));
  return {
    issuer,
    jwksUrl: `${issuer}/jwks`,
    async revoke(refreshToken) {
      const res = await fetch(`${issuer}/token/revocation`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token: refreshToken, token_type_hint: 'refresh_token', client_id: OIDC_CLIENT_ID }),
      });
      if (!res.ok) throw new Error(`revocation failed: ${res.status} ${await res.text()}`);
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
