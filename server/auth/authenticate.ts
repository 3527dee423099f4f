// Who is calling: one function for HTTP request headers and for the real-time handshake / `start`
// `authorization` objects (PROTOCOL.md §5.2, §6.1). Header names may come in any case.
// `Authorization` (bare JWT or `Bearer <jwt>`) wins over `x-api-key` when both are sent: a caller
// who presents a user token means to act as that user, and a bad token must not silently fall
// back to the weaker key.
import { decodeJwt } from 'jose';
import { Unauthorized, ValidationError } from '../../common/errors.js';
import { createTokenSigner, type TokenSettings, type TokenSigner } from './access-tokens.js';
import { DEVICE_REVOKED_REASON } from '../../common/wire-extensions.js';
import type { AuthStore } from './auth-store.js';
import { DEVICE_REVOKED_MESSAGE, DEVICE_REVOKED_SESSION_REASON } from './devices.js';
import { createExternalIssuerVerifier, type ExternalIssuerConfig, type ExternalIssuerVerifier } from './external-issuers.js';
import type { Identity } from './identity.js';

/** Request headers (node's IncomingHttpHeaders) or a real-time `authorization` object. */
export type AuthHeaders = Readonly<Record<string, unknown>>;

/** Resolves the caller of a request; throws Unauthorized with a message the client can act on. */
export type Authenticate = (headers: AuthHeaders) => Promise<Identity>;

/** Options of createAuthenticator. */
export interface AuthenticatorOptions {
  readonly store: AuthStore;
  /** Trusted external OIDC issuers; default none. */
  readonly issuers?: readonly ExternalIssuerConfig[];
  /** Accept `x-api-key`; default true. */
  readonly apiKeysEnabled?: boolean;
  /** Settings of Outpost's own tokens (must match those given to createAuthRoutes); default DEFAULT_TOKEN_SETTINGS. */
  readonly tokens?: Partial<TokenSettings>;
  /** Clock in epoch ms; default Date.now. */
  readonly now?: () => number;
}

/** The message for a request that carries no credential at all. */
export const MISSING_CREDENTIALS_MESSAGE = 'Missing authorization: send an x-api-key header or an Authorization header with a JWT';

function headerValue(headers: AuthHeaders, name: string): string | undefined {
  let found: string | undefined;
  for (const [key, raw] of Object.entries(headers)) {
    if (key.toLowerCase() !== name || raw === undefined || raw === null) continue;
    const values = Array.isArray(raw) ? raw : [raw];
    for (const value of values) {
      if (typeof value !== 'string') throw new Unauthorized(`The ${name} header must be a string`);
      const trimmed = value.trim();
      if (trimmed === '') continue;
      if (found !== undefined && found !== trimmed) throw new Unauthorized(`More than one ${name} header was sent`);
      found = trimmed;
    }
  }
  return found;
}

/**
 * Creates the authenticator. Throws ValidationError for a bad issuer list (bad URL, duplicate
 * issuer, or an external issuer equal to Outpost's own).
 */
export function createAuthenticator(options: AuthenticatorOptions): Authenticate {
  const { store } = options;
  const now = options.now ?? Date.now;
  const apiKeysEnabled = options.apiKeysEnabled ?? true;
  const signer: TokenSigner = createTokenSigner(store, options.tokens, now);
  const external = new Map<string, ExternalIssuerVerifier>();
  (options.issuers ?? []).forEach((config, index) => {
    const verifier = createExternalIssuerVerifier(config, now, `issuers[${index}]`);
    if (verifier.issuer === signer.settings.issuer) {
      throw new ValidationError(`issuer ${JSON.stringify(verifier.issuer)} is Outpost's own token issuer`, `issuers[${index}].issuer`);
    }
    if (external.has(verifier.issuer)) {
      throw new ValidationError(`issuer ${JSON.stringify(verifier.issuer)} is listed twice`, `issuers[${index}].issuer`);
    }
    external.set(verifier.issuer, verifier);
  });

  async function fromOwnToken(token: string): Promise<Identity> {
    const claims = await signer.verify(token);
    // Independent look-ups: in parallel, so PostgreSQL costs one round trip of latency, not two.
    const [user, session] = await Promise.all([store.getUserById(claims.sub), store.getSession(claims.sid)]);
    if (!user) throw new Unauthorized('Token belongs to a user that no longer exists', { reason: 'user' });
    if (user.disabled) throw new Unauthorized('User is disabled.', { reason: 'disabled' });
    // iat has one-second resolution: tokens from the second of the change itself still pass.
    if (claims.iat < Math.floor(user.tokensValidAfter / 1000)) {
      throw new Unauthorized('Token has been revoked (password changed or account disabled since it was issued): sign in again', { reason: 'revoked' });
    }
    if (session?.revokedReason === DEVICE_REVOKED_SESSION_REASON) {
      throw new Unauthorized(DEVICE_REVOKED_MESSAGE, { reason: DEVICE_REVOKED_REASON });
    }
    if (!session || session.revokedAt !== null) {
      throw new Unauthorized('Token has been revoked: its sign-in session has ended; sign in again', { reason: 'revoked' });
    }
    return {
      kind: 'user',
      sub: claims.sub,
      username: claims.username,
      groups: claims['cognito:groups'],
      claims,
      provider: 'userPools',
    };
  }

  async function fromJwt(authorization: string): Promise<Identity> {
    const bearer = /^bearer\s+(.*)$/i.exec(authorization);
    const token = (bearer ? bearer[1] : authorization).trim();
    let issuer: unknown;
    try {
      issuer = decodeJwt(token).iss;
    } catch {
      throw new Unauthorized('Authorization header is not a valid JWT', { reason: 'malformed' });
    }
    if (issuer === signer.settings.issuer) return fromOwnToken(token);
    const verifier = typeof issuer === 'string' ? external.get(issuer) : undefined;
    if (!verifier) {
      throw new Unauthorized(`Token issuer ${JSON.stringify(issuer ?? null)} is not trusted by this server`, { reason: 'issuer' });
    }
    return verifier.verify(token);
  }

  async function fromApiKey(key: string): Promise<Identity> {
    if (!apiKeysEnabled) throw new Unauthorized('API key authorization is not enabled on this server', { reason: 'disabled' });
    const info = await store.findApiKey(key);
    if (!info) throw new Unauthorized('API key is invalid', { reason: 'unknown' });
    if (info.revokedAt !== null) throw new Unauthorized('API key has been revoked', { reason: 'revoked', keyId: info.id });
    if (info.expiresAt <= now()) throw new Unauthorized('API key has expired', { reason: 'expired', keyId: info.id });
    return { kind: 'apiKey', keyId: info.id };
  }

  return async (headers) => {
    if (headers === null || typeof headers !== 'object') throw new Unauthorized(MISSING_CREDENTIALS_MESSAGE);
    const authorization = headerValue(headers, 'authorization');
    if (authorization !== undefined) return fromJwt(authorization);
    const apiKey = headerValue(headers, 'x-api-key');
    if (apiKey !== undefined) return fromApiKey(apiKey);
    throw new Unauthorized(MISSING_CREDENTIALS_MESSAGE, { reason: 'missing' });
  };
}
