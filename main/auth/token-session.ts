// Keeps one user's access token in memory and refreshes it before it expires. The refresh token
// is held in memory too and written back to the CredentialStore on every rotation (the server
// spends the old one), so a restart resumes the session without asking for the password; a write
// that fails does not end this run's session (main/auth/kept-credential.ts says so to the user).
import { Unauthorized } from '../../common/errors.js';
import type { CredentialStore } from './credential-store.js';
import { isDeviceRevoked } from './device-identity.js';
import { KeptCredential } from './kept-credential.js';
import { refreshTokens, type Fetch, type TokenPair } from './token-client.js';

export interface TokenSession {
  /** A valid access token; refreshes first when it expires within the skew (default 60 s). */
  accessToken(): Promise<string>;
  /** Refreshes now (e.g. after a 401) and returns the new access token. */
  refresh(): Promise<string>;
  /** Ms-epoch time the current access token expires, or null before the first refresh. */
  expiresAt(): number | null;
}

export interface TokenSessionOptions {
  readonly server: string;
  readonly user: string;
  readonly credentials: CredentialStore;
  /** Tokens just issued by a password sign-in; omit to resume from the stored refresh token. */
  readonly initial?: TokenPair;
  /** The refresh token to resume with (read from the store by the caller); default: read it at the first refresh. */
  readonly refreshToken?: string;
  /**
   * Keeps a rotated refresh token; must not throw (KeptCredential.save). Default: a KeptCredential
   * of its own that logs a failure — the session goes on with the token in memory either way.
   */
  readonly save?: (refreshToken: string) => Promise<unknown>;
  readonly fetch?: Fetch;
  /** Refresh this long before expiry (ms, default 60,000). */
  readonly skewMs?: number;
  readonly now?: () => number;
  /** Told once when the server refuses a refresh because this device was revoked (the refresh still rejects). */
  readonly onDeviceRevoked?: () => void;
}

/** Creates the in-memory session for one signed-in user. */
export function createTokenSession(options: TokenSessionOptions): TokenSession {
  const now = options.now ?? Date.now;
  const skew = options.skewMs ?? 60_000;
  let access: { token: string; expiresAt: number } | null = options.initial
    ? { token: options.initial.accessToken, expiresAt: now() + options.initial.expiresIn * 1000 }
    : null;
  let inFlight: Promise<string> | null = null;
  let revoked = false;
  // The live refresh token: the store's copy may be stale or gone after a failed write.
  let refreshToken: string | null = options.initial?.refreshToken ?? options.refreshToken ?? null;
  const ownKeeping = new KeptCredential(options.credentials, options.server, options.user, 'refreshToken');
  const save = options.save ?? ((token: string) => ownKeeping.save(token, true));

  const doRefresh = async (): Promise<string> => {
    const current = refreshToken ?? (await options.credentials.get(options.server, options.user));
    if (current === null) {
      throw new Unauthorized(`no saved sign-in for ${options.user} on ${options.server}: sign in again`);
    }
    let pair: TokenPair;
    try {
      pair = await refreshTokens(options.server, current, options.fetch);
    } catch (error) {
      if (isDeviceRevoked(error) && !revoked) {
        revoked = true;
        options.onDeviceRevoked?.();
      }
      throw error;
    }
    refreshToken = pair.refreshToken;
    access = { token: pair.accessToken, expiresAt: now() + pair.expiresIn * 1000 };
    await save(pair.refreshToken);
    return pair.accessToken;
  };

  const refresh = (): Promise<string> => {
    // One refresh at a time: the server rotates refresh tokens and treats reuse as theft.
    inFlight ??= doRefresh().finally(() => {
      inFlight = null;
    });
    return inFlight;
  };

  return {
    accessToken: async () => (access && access.expiresAt - skew > now() ? access.token : refresh()),
    refresh,
    expiresAt: () => access?.expiresAt ?? null,
  };
}
