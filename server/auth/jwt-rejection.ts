// Turns a jose verification failure into the Unauthorized error a client can act on. An expired
// token says "Token expired" (AppSync's wording, which amplify-js looks for to refresh and
// reconnect); everything else says what was wrong without echoing the token.
import { Unauthorized } from '../../common/errors.js';

/** Unauthorized for a failed JWT verification; `issuer` names whose token it was, for the message. */
export function jwtRejection(err: unknown, issuer: string): Unauthorized {
  const code = (err as { code?: unknown } | null)?.code;
  const claim = (err as { claim?: unknown } | null)?.claim;
  const details = { issuer };
  switch (code) {
    case 'ERR_JWT_EXPIRED':
      return new Unauthorized('Token expired: refresh the access token or sign in again', { ...details, reason: 'expired' });
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED':
      // The audience is the one a misconfigured client id gets wrong: say so in words an operator acts on.
      return new Unauthorized(
        claim === 'aud'
          ? `Token rejected: its "aud" claim is not acceptable — it was issued for another application (client id) than the one this server trusts for ${issuer}`
          : `Token rejected: its "${String(claim)}" claim is not acceptable`,
        { ...details, reason: 'claim', claim },
      );
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
      return new Unauthorized('Token signature is invalid', { ...details, reason: 'signature' });
    case 'ERR_JOSE_ALG_NOT_ALLOWED':
    case 'ERR_JOSE_NOT_SUPPORTED':
      return new Unauthorized('Token is signed with an algorithm this server does not accept', { ...details, reason: 'algorithm' });
    case 'ERR_JWKS_NO_MATCHING_KEY':
    case 'ERR_JWKS_MULTIPLE_MATCHING_KEYS':
      return new Unauthorized('Token is signed with a key the issuer does not publish', { ...details, reason: 'key' });
    case 'ERR_JWKS_TIMEOUT':
    case 'ERR_JWKS_INVALID':
      return new Unauthorized(`Could not fetch the signing keys of issuer ${issuer}`, { ...details, reason: 'jwks' });
    case 'ERR_JWS_INVALID':
    case 'ERR_JWT_INVALID':
    case 'ERR_JWK_INVALID':
      return new Unauthorized('Token is malformed', { ...details, reason: 'malformed' });
    default:
      // What is left is fetching an issuer's JWKS: HTTP errors (ERR_JOSE_GENERIC) or fetch's TypeError.
      return new Unauthorized(`Could not fetch the signing keys of issuer ${issuer}: ${(err as Error)?.message ?? String(err)}`, {
        ...details,
        reason: 'jwks',
      });
  }
}
