// Turns a sign-in request into a profile plus the credentials the sync worker will use, and
// resumes or forgets a profile's saved sign-in. The only secrets kept are the refresh token or
// the API key, in the CredentialStore; access tokens stay in memory (TokenSession).
import type { ParsedRequestOf } from '../../common/ipc/contract.js';
import type { CredentialStore } from './credential-store.js';
import { normaliseServer, profileIdFor, type ProfileRecord } from './profiles.js';
import { requestTokens, revokeTokens, verifyApiKey, type Fetch } from './token-client.js';
import { createTokenSession, type TokenSession } from './token-session.js';

/** How the sync worker authenticates for this profile. */
export type SyncCredentials =
  | { readonly kind: 'none' }
  | { readonly kind: 'apiKey'; readonly apiKey: string }
  | { readonly kind: 'userPools'; readonly session: TokenSession };

export interface SignedIn {
  readonly profile: Omit<ProfileRecord, 'lastUsedAt'>;
  readonly credentials: SyncCredentials;
}

export interface SignInDeps {
  readonly credentials: CredentialStore;
  readonly fetch?: Fetch;
}

/** The profile label used for API-key sign-ins that do not name one. */
export const DEFAULT_API_KEY_USER = 'api-key';

/** Signs in (checking the password or API key with the server; offline needs nothing) and saves the secret. */
export async function signIn(request: ParsedRequestOf<'signIn'>, deps: SignInDeps): Promise<SignedIn> {
  switch (request.mode) {
    case 'offline':
      return {
        profile: { id: profileIdFor(null, request.username), mode: 'offline', server: null, username: request.username },
        credentials: { kind: 'none' },
      };
    case 'password': {
      const server = normaliseServer(request.server);
      const tokens = await requestTokens(server, request.username, request.password, deps.fetch);
      await deps.credentials.set(server, request.username, tokens.refreshToken);
      const session = createTokenSession({
        server,
        user: request.username,
        credentials: deps.credentials,
        initial: tokens,
        ...(deps.fetch ? { fetch: deps.fetch } : {}),
      });
      return {
        profile: { id: profileIdFor(server, request.username), mode: 'password', server, username: request.username },
        credentials: { kind: 'userPools', session },
      };
    }
    case 'apiKey': {
      const server = normaliseServer(request.server);
      const username = request.username ?? DEFAULT_API_KEY_USER;
      // The ping only asks whether the server takes this key (a wrong key or address is told now,
      // not as sync errors later); a backend that refuses the probe query itself but not the key
      // still signs in (token-client.ts apiKeyPingVerdict).
      await verifyApiKey(server, request.apiKey, deps.fetch);
      await deps.credentials.set(server, username, request.apiKey);
      return {
        profile: { id: profileIdFor(server, username), mode: 'apiKey', server, username },
        credentials: { kind: 'apiKey', apiKey: request.apiKey },
      };
    }
  }
}

/**
 * Reopens a saved profile without asking for the password: its refresh token or API key is read
 * from the CredentialStore (tokens are refreshed lazily, so this works with no network).
 * Null when the secret is gone (signed out elsewhere, keychain locked or wiped).
 */
export async function resumeSignIn(profile: Omit<ProfileRecord, 'lastUsedAt'>, deps: SignInDeps): Promise<SignedIn | null> {
  if (profile.mode === 'offline' || profile.server === null) return { profile, credentials: { kind: 'none' } };
  const secret = await deps.credentials.get(profile.server, profile.username);
  if (secret === null) return null;
  if (profile.mode === 'apiKey') return { profile, credentials: { kind: 'apiKey', apiKey: secret } };
  const session = createTokenSession({
    server: profile.server,
    user: profile.username,
    credentials: deps.credentials,
    ...(deps.fetch ? { fetch: deps.fetch } : {}),
  });
  return { profile, credentials: { kind: 'userPools', session } };
}

/** Revokes the server session (best effort) and removes the profile's secret from the CredentialStore. */
export async function forgetSignIn(profile: Omit<ProfileRecord, 'lastUsedAt'>, deps: SignInDeps): Promise<void> {
  if (profile.server === null) return;
  const secret = await deps.credentials.get(profile.server, profile.username);
  if (secret !== null && profile.mode === 'password') await revokeTokens(profile.server, secret, deps.fetch);
  await deps.credentials.delete(profile.server, profile.username);
}
