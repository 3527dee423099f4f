// Outpost's own JWTs: access and ID tokens for built-in accounts, signed with one ES256 key
// that is generated on first use and kept in the auth store (so every server process sharing a
// database signs and verifies with the same key). ES256 rather than EdDSA because every JWT
// library and gateway a self-hoster might put in front of us verifies it.
// Claims follow Cognito's so Amplify clients and owner rules read them unchanged.
import { randomUUID } from 'node:crypto';
import { SignJWT, calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, jwtVerify, type CryptoKey, type JWK, type JWTPayload } from 'jose';
import { Unauthorized, ValidationError } from '../../common/errors.js';
import type { AuthStore, AuthUser } from './auth-store.js';
import { jwtRejection } from './jwt-rejection.js';

/** Issuer, audience and lifetimes of Outpost's own tokens. */
export interface TokenSettings {
  /** `iss` of issued tokens; default `outpost`. Set it to the server's public URL when others verify our tokens. */
  readonly issuer: string;
  /** `aud` of issued tokens; default `outpost`. */
  readonly audience: string;
  /** Access/ID token lifetime in seconds; default 900 (15 min). */
  readonly accessTokenTtlSec: number;
  /** Refresh token lifetime in seconds, renewed at each rotation; default 30 days (Cognito's default), so a device offline for weeks stays signed in. */
  readonly refreshTokenTtlSec: number;
  /** Allowed clock skew between server processes, in seconds; default 5. */
  readonly clockToleranceSec: number;
}

/** The defaults of TokenSettings. */
export const DEFAULT_TOKEN_SETTINGS: TokenSettings = {
  issuer: 'outpost',
  audience: 'outpost',
  accessTokenTtlSec: 900,
  refreshTokenTtlSec: 30 * 86_400,
  clockToleranceSec: 5,
};

/** The algorithm of Outpost's signing key. */
export const SIGNING_ALGORITHM = 'ES256';
const SIGNING_KEY_SECRET = 'jwt-signing-key:ES256';

/** Tokens issued for one user at sign-in or refresh. */
export interface IssuedAccessTokens {
  readonly accessToken: string;
  readonly idToken: string;
  /** Seconds until both expire. */
  readonly expiresIn: number;
}

/** Claims of a verified Outpost token. */
export interface OutpostTokenClaims extends JWTPayload {
  readonly sub: string;
  readonly username: string;
  readonly 'cognito:username': string;
  readonly 'cognito:groups': string[];
  readonly token_use: 'access' | 'id';
  /** The sign-in session (refresh-token family) the token was issued in. */
  readonly sid: string;
  readonly iat: number;
}

/** Signs and verifies Outpost's own tokens and publishes the public key. */
export interface TokenSigner {
  readonly settings: TokenSettings;
  /** Issues an access token and an ID token for `user` within session `sessionId`. */
  issue(user: AuthUser, sessionId: string): Promise<IssuedAccessTokens>;
  /** Verifies signature, issuer, audience, expiry and shape; throws Unauthorized saying what is wrong. */
  verify(token: string): Promise<OutpostTokenClaims>;
  /** The JSON Web Key Set with the public signing key (for `/.well-known/jwks.json`). */
  jwks(): Promise<{ keys: JWK[] }>;
}

interface SigningKey {
  readonly kid: string;
  readonly privateKey: CryptoKey;
  readonly publicKey: CryptoKey;
  readonly publicJwk: JWK;
}

async function loadSigningKey(store: AuthStore): Promise<SigningKey> {
  const stored = await store.secret(SIGNING_KEY_SECRET, async () => {
    const { privateKey } = await generateKeyPair(SIGNING_ALGORITHM, { extractable: true });
    return JSON.stringify(await exportJWK(privateKey));
  });
  const privateJwk = JSON.parse(stored) as JWK;
  const { d: _private, ...publicPart } = privateJwk;
  const kid = await calculateJwkThumbprint(publicPart);
  const publicJwk: JWK = { ...publicPart, kid, alg: SIGNING_ALGORITHM, use: 'sig' };
  const privateKey = (await importJWK(privateJwk, SIGNING_ALGORITHM)) as CryptoKey;
  const publicKey = (await importJWK(publicJwk, SIGNING_ALGORITHM)) as CryptoKey;
  return { kid, privateKey, publicKey, publicJwk };
}

function checkSettings(settings: TokenSettings): void {
  const positive = (value: number) => Number.isSafeInteger(value) && value > 0;
  if (typeof settings.issuer !== 'string' || settings.issuer.length === 0)
    throw new ValidationError('token issuer must be a non-empty string', 'tokens.issuer');
  if (typeof settings.audience !== 'string' || settings.audience.length === 0)
    throw new ValidationError('token audience must be a non-empty string', 'tokens.audience');
  if (!positive(settings.accessTokenTtlSec))
    throw new ValidationError('accessTokenTtlSec must be a positive whole number of seconds', 'tokens.accessTokenTtlSec');
  if (!positive(settings.refreshTokenTtlSec))
    throw new ValidationError('refreshTokenTtlSec must be a positive whole number of seconds', 'tokens.refreshTokenTtlSec');
  if (!Number.isSafeInteger(settings.clockToleranceSec) || settings.clockToleranceSec < 0) {
    throw new ValidationError('clockToleranceSec must be a whole number of seconds ≥ 0', 'tokens.clockToleranceSec');
  }
}

/**
 * Creates the signer for Outpost's own tokens; `settings` override DEFAULT_TOKEN_SETTINGS, `now`
 * is the clock in epoch ms (default Date.now). The key is loaded (or created) on first use.
 */
export function createTokenSigner(store: AuthStore, settings: Partial<TokenSettings> = {}, now: () => number = Date.now): TokenSigner {
  const resolved: TokenSettings = { ...DEFAULT_TOKEN_SETTINGS, ...settings };
  checkSettings(resolved);
  let key: Promise<SigningKey> | undefined;
  const signingKey = () => {
    key ??= loadSigningKey(store).catch((err: unknown) => {
      key = undefined;
      throw err;
    });
    return key;
  };

  return {
    settings: resolved,

    async issue(user, sessionId) {
      const { kid, privateKey } = await signingKey();
      const iat = Math.floor(now() / 1000);
      const exp = iat + resolved.accessTokenTtlSec;
      const common = {
        username: user.username,
        'cognito:username': user.username,
        'cognito:groups': [...user.groups],
        sid: sessionId,
        auth_time: iat,
      };
      const sign = (tokenUse: 'access' | 'id') =>
        new SignJWT({ ...common, token_use: tokenUse })
          .setProtectedHeader({ alg: SIGNING_ALGORITHM, kid, typ: 'JWT' })
          .setSubject(user.id)
          .setIssuer(resolved.issuer)
          .setAudience(resolved.audience)
          .setIssuedAt(iat)
          .setExpirationTime(exp)
          .setJti(randomUUID())
          .sign(privateKey);
      const [accessToken, idToken] = await Promise.all([sign('access'), sign('id')]);
      return { accessToken, idToken, expiresIn: resolved.accessTokenTtlSec };
    },

    async verify(token) {
      const { publicKey } = await signingKey();
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(token, publicKey, {
          issuer: resolved.issuer,
          audience: resolved.audience,
          algorithms: [SIGNING_ALGORITHM],
          requiredClaims: ['sub', 'exp', 'iat'],
          currentDate: new Date(now()),
          clockTolerance: resolved.clockToleranceSec,
        }));
      } catch (err) {
        throw jwtRejection(err, resolved.issuer);
      }
      const groups = payload['cognito:groups'];
      if (
        typeof payload.sub !== 'string' ||
        typeof payload.username !== 'string' ||
        typeof payload.sid !== 'string' ||
        (payload.token_use !== 'access' && payload.token_use !== 'id') ||
        !Array.isArray(groups) ||
        !groups.every((g) => typeof g === 'string')
      ) {
        throw new Unauthorized('Token is missing Outpost claims', { issuer: resolved.issuer, reason: 'claims' });
      }
      return payload as OutpostTokenClaims;
    },

    async jwks() {
      const { publicJwk } = await signingKey();
      return { keys: [publicJwk] };
    },
  };
}
