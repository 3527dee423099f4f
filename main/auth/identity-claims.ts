// Who the client is signed in as, for the `@auth` checks made before saving: an API key, or the
// claims of the current access token, read without verifying it (the server verifies; a forged
// token only fools this device's own pre-check). Claims are read as the Outpost server reads
// them (server/auth/authenticate.ts, external-issuers.ts): `sub`; the username from `username`,
// `cognito:username`, `preferred_username`, else `sub`; groups from the configured claim, else
// `cognito:groups`, else `groups` (a list, or a space/comma-separated string).
import { decodeJwt } from 'jose';
import type { AccessIdentity } from '../../common/schema/model-permissions.js';
import type { SyncCredentials } from './sign-in.js';
import type { TokenSession } from './token-session.js';

/** How to read a token's claims; the defaults match the Outpost server's own tokens and its OIDC issuers. */
export interface ClaimReading {
  /** Claim holding the groups; default `cognito:groups`, then `groups`. */
  readonly groupsClaim?: string;
  /** Claims tried in order for the username; default `username`, `cognito:username`, `preferred_username` (then `sub`). */
  readonly usernameClaims?: readonly string[];
}

const DEFAULT_USERNAME_CLAIMS = ['username', 'cognito:username', 'preferred_username'];
const DEFAULT_GROUPS_CLAIMS = ['cognito:groups', 'groups'];

function groupsFrom(claims: Readonly<Record<string, unknown>>, names: readonly string[]): string[] {
  for (const name of names) {
    const value = claims[name];
    if (Array.isArray(value)) return value.filter((g): g is string => typeof g === 'string');
    if (typeof value === 'string') return value.split(/[\s,]+/).filter((g) => g.length > 0);
  }
  return [];
}

/** The user a token's claims describe; null when they carry no `sub` (no user to match owner fields with). */
export function identityFromClaims(claims: Readonly<Record<string, unknown>>, reading: ClaimReading = {}): AccessIdentity | null {
  const sub = claims.sub;
  if (typeof sub !== 'string' || sub === '') return null;
  const usernameClaim = (reading.usernameClaims ?? DEFAULT_USERNAME_CLAIMS).find((c) => typeof claims[c] === 'string' && claims[c] !== '');
  const username = usernameClaim === undefined ? sub : (claims[usernameClaim] as string);
  const groups = groupsFrom(claims, reading.groupsClaim === undefined ? DEFAULT_GROUPS_CLAIMS : [reading.groupsClaim]);
  return { kind: 'user', sub, username, groups, claims: { ...claims } };
}

/** The user of a JWT (payload decoded, signature not checked); null when `token` is not a JWT or has no `sub`. */
export function identityFromToken(token: string, reading: ClaimReading = {}): AccessIdentity | null {
  const bare = token.replace(/^bearer\s+/i, '').trim();
  try {
    return identityFromClaims(decodeJwt(bare), reading);
  } catch {
    return null;
  }
}

/** Follows the identity of one signed-in profile as its tokens come and go. */
export interface IdentityTracker {
  /**
   * The identity now: null for an offline profile, and for a user whose token this process has
   * not seen yet (resumed without network): the checks then allow everything.
   */
  identity(): AccessIdentity | null;
  /**
   * The profile's credentials with the token session wrapped so every token it hands out (to the
   * sync worker too) updates `identity()`. Give these to the sync worker instead of the originals.
   */
  readonly credentials: SyncCredentials;
  /** Reads the current token now (refreshing it when needed); resolves null and keeps the last identity when that fails (offline). */
  load(): Promise<AccessIdentity | null>;
  /** Calls `listener` when the identity changes (a token for another user, new groups); returns the unsubscribe function. */
  onChange(listener: (identity: AccessIdentity | null) => void): () => void;
}

/** Creates the tracker for `credentials` (an API key is known at once; a user once a token is seen). */
export function trackIdentity(credentials: SyncCredentials, reading: ClaimReading = {}): IdentityTracker {
  let current: AccessIdentity | null = credentials.kind === 'apiKey' ? { kind: 'apiKey' } : null;
  const listeners = new Set<(identity: AccessIdentity | null) => void>();
  let lastToken: string | null = null;

  const seen = (token: string): string => {
    if (token === lastToken) return token;
    lastToken = token;
    const next = identityFromToken(token, reading);
    if (next !== null && JSON.stringify(next) !== JSON.stringify(current)) {
      current = next;
      for (const listener of [...listeners]) listener(current);
    }
    return token;
  };

  let wrapped: SyncCredentials = credentials;
  let session: TokenSession | null = null;
  if (credentials.kind === 'userPools') {
    const inner = credentials.session;
    session = {
      accessToken: async () => seen(await inner.accessToken()),
      refresh: async () => seen(await inner.refresh()),
      expiresAt: () => inner.expiresAt(),
    };
    wrapped = { kind: 'userPools', session };
  }

  return {
    identity: () => current,
    credentials: wrapped,
    async load() {
      if (session === null) return current;
      try {
        await session.accessToken();
      } catch {
        // Offline or signed out elsewhere: keep what is known; the sync worker reports the cause.
        return null;
      }
      return current;
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
