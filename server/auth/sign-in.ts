// The built-in account flows behind /auth/token, /auth/refresh and /auth/revoke: password sign-in,
// refresh-token rotation with reuse detection, and sign-out. HTTP-free, so the routes, the CLI
// and tests drive the same code.
import { Unauthorized } from '../../common/errors.js';
import { DEVICE_REVOKED_REASON } from '../../common/wire-extensions.js';
import type { AuthStore, DeviceClaim } from './auth-store.js';
import { DEVICE_REVOKED_MESSAGE } from './devices.js';
import type { TokenSigner } from './access-tokens.js';

/** What a successful sign-in or refresh returns to the client. */
export interface TokenPair {
  readonly accessToken: string;
  /** Same claims as the access token with `token_use: "id"`, for clients that read the ID token (Amplify's owner argument). */
  readonly idToken: string;
  /** Opaque; single use: each refresh returns its successor. */
  readonly refreshToken: string;
  /** Seconds until the access token expires. */
  readonly expiresIn: number;
  readonly tokenType: 'Bearer';
}

/** The account flows over one store and signer. */
export interface SignInService {
  /**
   * Username + password → tokens, the session recorded on `device` when given; throws Unauthorized
   * ("Incorrect username or password.") whether or not the user exists, and for a revoked device.
   */
  signIn(username: string, password: string, device?: DeviceClaim): Promise<TokenPair>;
  /** Rotates a refresh token; a reused one revokes its whole session. Throws Unauthorized saying why. */
  refresh(refreshToken: string): Promise<TokenPair>;
  /** Revokes the session a refresh token belongs to; false when the token is unknown. */
  revoke(refreshToken: string): Promise<boolean>;
}

/** The message for every failed password sign-in, so it does not reveal which usernames exist (Cognito's wording). */
export const BAD_CREDENTIALS_MESSAGE = 'Incorrect username or password.';

const REFRESH_FAILURES = {
  unknown: 'Refresh token is invalid',
  expired: 'Refresh token expired: sign in again',
  revoked: 'Refresh token has been revoked: sign in again',
  reused: 'Refresh token was already used: reuse detected, this sign-in session has been revoked; sign in again',
  'user-unavailable': 'Refresh token is no longer valid: the account is disabled or removed',
  'device-revoked': DEVICE_REVOKED_MESSAGE,
} as const;

/** Creates the account flows; refresh lifetime comes from the signer's settings. */
export function createSignInService(store: AuthStore, signer: TokenSigner): SignInService {
  const refreshTtlMs = signer.settings.refreshTokenTtlSec * 1000;
  return {
    async signIn(username, password, device) {
      const check = await store.verifyCredentials(username, password);
      if (!check.ok) {
        // Disabled accounts only learn they are disabled after proving the password.
        throw new Unauthorized(check.reason === 'disabled' ? 'User is disabled.' : BAD_CREDENTIALS_MESSAGE, {
          reason: check.reason,
        });
      }
      if (device !== undefined) await store.registerDevice(check.user.id, device);
      const session = await store.createSession(check.user.id, refreshTtlMs, device?.deviceId ?? null);
      const tokens = await signer.issue(check.user, session.sessionId);
      return { ...tokens, refreshToken: session.refreshToken, tokenType: 'Bearer' };
    },

    async refresh(refreshToken) {
      const rotation = await store.rotateRefreshToken(refreshToken, refreshTtlMs);
      if (!rotation.ok) {
        throw new Unauthorized(REFRESH_FAILURES[rotation.reason], { reason: rotation.reason === 'device-revoked' ? DEVICE_REVOKED_REASON : rotation.reason });
      }
      const session = await store.getSession(rotation.issued.sessionId);
      if (session?.deviceId) await store.touchDevice(rotation.user.id, session.deviceId);
      const tokens = await signer.issue(rotation.user, rotation.issued.sessionId);
      return { ...tokens, refreshToken: rotation.issued.refreshToken, tokenType: 'Bearer' };
    },

    revoke(refreshToken) {
      return store.revokeRefreshToken(refreshToken, 'signed out');
    },
  };
}
