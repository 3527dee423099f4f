// A real OpenID provider for the sign-in tests: oidc-provider (the certified Node implementation) on
// 127.0.0.1 with one public native client (PKCE, loopback redirect on any port), its development
// login and consent pages (any login name signs in as that account), refresh tokens, revocation, and
// short-lived tokens so refresh is exercised. Accounts carry `preferred_username`, `email` and `groups`.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';

export const OIDC_CLIENT_ID = 'outpost-desktop';
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
