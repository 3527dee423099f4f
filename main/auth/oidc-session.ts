// An OIDC profile's token in memory, refreshed at the provider before it expires: the same
// TokenSession the password mode gives the sync worker (a JWT sent as-is), so the transport and
// the worker need not know who issued it. The refresh token is the only secret kept (keychain,
// through KeptCredential); a provider that no longer accepts it ends the server sign-in, never the
// profile's data — unlike a revoked device, the unsynced edits stay for the next sign-in.
import { Unauthorized } from '../../common/errors.js';
import { refreshOidcTokens, type OidcSettings, type OidcTokens } from './oidc-sign-in.js';
import type { TokenSession } from './token-session.js';

export interface OidcSessionOptions {
  readonly settings: OidcSettings;
  /** Tokens of the sign-in just made; omit when resuming from the kept refresh token. */
  readonly initial?: OidcTokens;
  /** The kept refresh token to resume with (null: none was issued; the user signs in again when the token expires). */
  readonly refreshToken: string | null;
  /** Keeps a rotated refresh token; must not throw (KeptCredential.save). */
  readonly save: (refreshToken: string) => Promise<unknown>;
  /** Told once when the provider refuses the refresh token (revoked, signed out there, expired). */
  readonly onSignInEnded?: (message: string) => void;
  /** Allow an http:// issuer on loopback (test providers). Default false. */
  readonly allowHttpIssuer?: boolean;
  /** Refresh this long before expiry (ms, default 60,000). */
  readonly skewMs?: number;
  readonly now?: () => number;
}

/** Whether `error` says the provider no longer accepts this sign-in (refresh token revoked or missing). */
export function isOidcSignInEnded(error: unknown): boolean {
  return error instanceof Unauthorized && (error.details as { reason?: unknown } | undefined)?.reason === 'revoked';
}

/** Creates the in-memory session of one OIDC sign-in. */
export function createOidcSession(options: OidcSessionOptions): TokenSession {
  const now = options.now ?? Date.now;
  const skew = options.skewMs ?? 60_000;
  let current: { token: string; expiresAt: number } | null = options.initial ? { token: options.initial.token, expiresAt: options.initial.expiresAt } : null;
  let refreshToken = options.initial?.refreshToken ?? options.refreshToken;
  let ended: Unauthorized | null = null;
  let inFlight: Promise<string> | null = null;

  const end = (message: string): Unauthorized => {
    if (ended === null) {
      ended = new Unauthorized(message, { reason: 'revoked' });
      options.onSignInEnded?.(message);
    }
    return ended;
  };

  const doRefresh = async (): Promise<string> => {
    // Once the provider said no, asking again is pointless (and noisy at the provider).
    if (ended !== null) throw ended;
    if (refreshToken === null) throw end('The sign-in provider gave no refresh token and the sign-in has expired: sign in again');
    let tokens: OidcTokens;
    try {
      tokens = await refreshOidcTokens(options.settings, refreshToken, {
        ...(options.allowHttpIssuer === undefined ? {} : { allowHttpIssuer: options.allowHttpIssuer }),
        now,
      });
    } catch (error) {
      if (isOidcSignInEnded(error)) throw end((error as Unauthorized).message);
      throw error;
    }
    current = { token: tokens.token, expiresAt: tokens.expiresAt };
    if (tokens.refreshToken !== null && tokens.refreshToken !== refreshToken) {
      refreshToken = tokens.refreshToken;
      await options.save(tokens.refreshToken);
    }
    return tokens.token;
  };

  const refresh = (): Promise<string> => {
    // One refresh at a time: providers that rotate refresh tokens treat reuse as theft.
    inFlight ??= doRefresh().finally(() => {
      inFlight = null;
    });
    return inFlight;
  };

  return {
    accessToken: async () => (current && current.expiresAt - skew > now() ? current.token : refresh()),
    refresh,
    expiresAt: () => current?.expiresAt ?? null,
  };
}
