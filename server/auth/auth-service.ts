// Everything the server needs from auth, built from one config so that the routes that issue
// tokens and the authenticator that checks them always agree on issuer, audience and lifetimes.
import type { Kysely } from 'kysely';
import type { TokenSettings } from './access-tokens.js';
import { createAuthRoutes, type AuthRouteHandler } from './auth-routes.js';
import type { StorageDialect } from '../storage/storage-dialect.js';
import { createAuthStore, type AuthStore, type AuthStoreDialect } from './auth-store.js';
import { createAuthenticator, type Authenticate } from './authenticate.js';
import type { ExternalIssuerConfig } from './external-issuers.js';
import type { SignInThrottleOptions } from './sign-in-throttle.js';

/** The `auth` section of the server config. */
export interface AuthConfig {
  /** Accept `x-api-key`; default true. */
  readonly apiKeys?: boolean;
  /** Outpost's own tokens; default DEFAULT_TOKEN_SETTINGS. */
  readonly tokens?: Partial<TokenSettings>;
  /** Trusted external OIDC issuers; default none. */
  readonly issuers?: readonly ExternalIssuerConfig[];
  /** Sign-in throttling; `false` turns it off; default 5 failures per username + address per 5 min. */
  readonly throttle?: Omit<SignInThrottleOptions, 'now'> | false;
  /** Trust `X-Forwarded-For` for the client address (only behind a proxy you run); default false. */
  readonly trustProxy?: boolean;
}

/** The auth pieces the core server wires in. */
export interface AuthService {
  readonly store: AuthStore;
  /** For POST /graphql and the real-time handshake and `start` messages. */
  readonly authenticate: Authenticate;
  /** Mount as an extra HTTP route: /auth/token, /auth/refresh, /auth/revoke, /.well-known/jwks.json. */
  readonly routes: AuthRouteHandler;
}

/**
 * Creates the auth tables if needed and returns the store, authenticator and routes over `db`
 * (`dialect`: its dialect object or name).
 * Throws ValidationError for a bad issuer list or token settings. `now` (epoch ms) is for tests.
 */
export async function createAuthService<DB>(
  db: Kysely<DB>,
  dialect: StorageDialect | AuthStoreDialect,
  config: AuthConfig = {},
  options: { readonly now?: () => number; readonly reportError?: (error: unknown) => void } = {},
): Promise<AuthService> {
  const store = await createAuthStore(db, dialect, { now: options.now });
  const authenticate = createAuthenticator({
    store,
    issuers: config.issuers,
    apiKeysEnabled: config.apiKeys,
    tokens: config.tokens,
    now: options.now,
  });
  const routes = createAuthRoutes(store, {
    tokens: config.tokens,
    throttle: config.throttle,
    trustProxy: config.trustProxy,
    now: options.now,
    reportError: options.reportError,
    authenticate,
  });
  return { store, authenticate, routes };
}
