// JWTs from external OpenID Connect issuers (Cognito, Keycloak, Auth0, …), verified against the
// issuer's published JWKS with jose, then mapped to an Identity with provider `oidc`.
import { createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose';
import { Unauthorized, ValidationError } from '../../common/errors.js';
import type { Identity } from './identity.js';
import { jwtRejection } from './jwt-rejection.js';

/** One trusted external issuer (the server's config file lists these). */
export interface ExternalIssuerConfig {
  /** Exact `iss` value of its tokens, e.g. `https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abc`. */
  readonly issuer: string;
  /** URL of its JSON Web Key Set; https, or http on a loopback host only. */
  readonly jwksUrl: string;
  /**
   * Accepted audience(s) / client id(s). A token passes when its `aud` contains one of them or its
   * `client_id` equals one (Cognito access tokens carry `client_id`, not `aud`), as AppSync's OIDC
   * `clientId` check does. Omitted → no audience check.
   */
  readonly audience?: string | readonly string[];
  /** Claims tried in order for the username; default `username`, `cognito:username`, `preferred_username`, then `sub`. */
  readonly usernameClaims?: readonly string[];
  /** Claim holding the groups (array, or space/comma-separated string); default `cognito:groups`, then `groups`. */
  readonly groupsClaim?: string;
  /** Accepted signature algorithms; default every asymmetric JWS algorithm (never HS*, never `none`). */
  readonly algorithms?: readonly string[];
  /** Allowed clock skew in seconds; default 30. */
  readonly clockToleranceSec?: number;
}

/** Verifies tokens of one external issuer. */
export interface ExternalIssuerVerifier {
  readonly issuer: string;
  /** Verifies the token and maps its claims; throws Unauthorized saying what is wrong. */
  verify(token: string): Promise<Identity & { kind: 'user' }>;
}

const ASYMMETRIC_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'];
const DEFAULT_USERNAME_CLAIMS = ['username', 'cognito:username', 'preferred_username'];
const DEFAULT_GROUPS_CLAIMS = ['cognito:groups', 'groups'];
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

function checkConfig(config: ExternalIssuerConfig, path: string): URL {
  if (typeof config?.issuer !== 'string' || config.issuer.length === 0) {
    throw new ValidationError('issuer must be a non-empty string', `${path}.issuer`);
  }
  let url: URL;
  try {
    url = new URL(config.jwksUrl);
  } catch {
    throw new ValidationError(`jwksUrl ${JSON.stringify(config.jwksUrl)} is not a URL`, `${path}.jwksUrl`);
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname))) {
    // Keys fetched over plain HTTP could be swapped by anyone on the path, who could then mint tokens.
    throw new ValidationError('jwksUrl must use https (http is allowed only for localhost)', `${path}.jwksUrl`);
  }
  for (const algorithm of config.algorithms ?? []) {
    if (!ASYMMETRIC_ALGORITHMS.includes(algorithm)) {
      throw new ValidationError(`algorithm ${JSON.stringify(algorithm)} is not an accepted asymmetric JWS algorithm`, `${path}.algorithms`);
    }
  }
  const tolerance = config.clockToleranceSec;
  if (tolerance !== undefined && (!Number.isSafeInteger(tolerance) || tolerance < 0)) {
    throw new ValidationError('clockToleranceSec must be a whole number of seconds ≥ 0', `${path}.clockToleranceSec`);
  }
  return url;
}

function groupsOf(payload: JWTPayload, claims: readonly string[]): string[] {
  for (const claim of claims) {
    const value = payload[claim];
    if (Array.isArray(value)) return value.filter((g): g is string => typeof g === 'string');
    if (typeof value === 'string') return value.split(/[\s,]+/).filter((g) => g.length > 0);
  }
  return [];
}

function audienceMatches(payload: JWTPayload, accepted: readonly string[]): boolean {
  const aud = payload.aud;
  const audiences = Array.isArray(aud) ? aud : typeof aud === 'string' ? [aud] : [];
  if (audiences.some((a) => accepted.includes(a))) return true;
  return typeof payload.client_id === 'string' && accepted.includes(payload.client_id);
}

/**
 * Creates a verifier for one configured issuer; throws ValidationError (path `${path}.<field>`,
 * default `issuers[0]`) for a bad config. `now` is the clock in epoch ms (default Date.now).
 * Keys are fetched lazily and cached by jose (refetched at most every 30 s on an unknown `kid`).
 */
export function createExternalIssuerVerifier(config: ExternalIssuerConfig, now: () => number = Date.now, path = 'issuers[0]'): ExternalIssuerVerifier {
  const url = checkConfig(config, path);
  const keys = createRemoteJWKSet(url, { timeoutDuration: 5000, cooldownDuration: 30_000, cacheMaxAge: 600_000 });
  const audiences = config.audience === undefined ? undefined : typeof config.audience === 'string' ? [config.audience] : [...config.audience];
  const usernameClaims = config.usernameClaims ?? DEFAULT_USERNAME_CLAIMS;
  const groupsClaims = config.groupsClaim === undefined ? DEFAULT_GROUPS_CLAIMS : [config.groupsClaim];
  const issuer = config.issuer;

  return {
    issuer,
    async verify(token) {
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(token, keys, {
          issuer,
          algorithms: [...(config.algorithms ?? ASYMMETRIC_ALGORITHMS)],
          requiredClaims: ['sub', 'exp'],
          currentDate: new Date(now()),
          clockTolerance: config.clockToleranceSec ?? 30,
        }));
      } catch (err) {
        throw jwtRejection(err, issuer);
      }
      if (audiences !== undefined && !audienceMatches(payload, audiences)) {
        throw new Unauthorized(
          `Token rejected: its "aud" claim is not acceptable — it was issued for another application (client id) than the one this server trusts for ${issuer}`,
          { issuer, reason: 'claim', claim: 'aud' },
        );
      }
      const sub = payload.sub;
      if (typeof sub !== 'string' || sub.length === 0) {
        throw new Unauthorized('Token rejected: it has no "sub" claim', { issuer, reason: 'claim', claim: 'sub' });
      }
      const usernameClaim = usernameClaims.find((claim) => typeof payload[claim] === 'string' && payload[claim] !== '');
      const username = usernameClaim === undefined ? sub : (payload[usernameClaim] as string);
      return { kind: 'user', sub, username, groups: groupsOf(payload, groupsClaims), claims: payload, provider: 'oidc' };
    },
  };
}
