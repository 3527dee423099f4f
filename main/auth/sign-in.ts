// Turns a sign-in request into a profile plus the credentials the sync worker will use, and
// resumes or forgets a profile's saved sign-in. The only secrets kept are the refresh token or
// the API key, in the CredentialStore; access tokens stay in memory (TokenSession). A secret the
// store refuses after the server issued it keeps this run signed in (KeptCredential) and is said.
import { ValidationError } from '../../common/errors.js';
import type { ParsedRequestOf } from '../../common/ipc/contract.js';
import type { CredentialStore } from './credential-store.js';
import { deviceClaimFor, type DeviceClaim } from './device-identity.js';
import { KeptCredential } from './kept-credential.js';
import { normaliseServer, profileIdFor, type ProfileRecord } from './profiles.js';
import { requestTokens, revokeTokens, verifyApiKey, type Fetch } from './token-client.js';
import { createTokenSession, type TokenSession } from './token-session.js';

/** How the sync worker authenticates for this profile. */
export type SyncCredentials =
  { readonly kind: 'none' } | { readonly kind: 'apiKey'; readonly apiKey: string } | { readonly kind: 'userPools'; readonly session: TokenSession };

export interface SignedIn {
  readonly profile: Omit<ProfileRecord, 'lastUsedAt'>;
  readonly credentials: SyncCredentials;
  /** Where this sign-in's secret is kept, in plain words (Settings); null for an offline profile. */
  readonly credentialStorage: () => string | null;
}

export interface SignInDeps {
  readonly credentials: CredentialStore;
  readonly fetch?: Fetch;
  /**
   * Told (a user-facing message) when a secret the server issued could not be stored — at sign-in
   * or at a refresh: the session goes on in memory and will not survive a restart. Default console.warn.
   */
  readonly onNotKept?: (message: string) => void;
  /** Told (the profile id) when the server refuses this profile's refresh because its device was revoked. */
  readonly onDeviceRevoked?: (profileId: string) => void;
}

const OFFLINE = (): null => null;

function keeping(deps: SignInDeps, server: string, user: string, kind: 'refreshToken' | 'apiKey'): KeptCredential {
  return new KeptCredential(deps.credentials, server, user, kind, deps.onNotKept);
}

/** The profile label used for API-key sign-ins that do not name one. */
export const DEFAULT_API_KEY_USER = 'api-key';

/**
 * Signs in (checking the password or API key with the server; offline needs nothing) and saves the
 * secret. A password sign-in names `device` (default: a fresh id and this computer's name).
 */
export async function signIn(request: ParsedRequestOf<'signIn'>, deps: SignInDeps, device: DeviceClaim = deviceClaimFor(undefined)): Promise<SignedIn> {
  switch (request.mode) {
    case 'oidc':
      // Wired to main/auth/oidc-sign-in.ts by the OIDC sign-in work in progress (issue 15).
      throw new ValidationError('Sign-in with an identity provider is not wired into the app yet.', 'mode');
    case 'offline':
      return {
        profile: { id: profileIdFor(null, request.username), mode: 'offline', server: null, username: request.username },
        credentials: { kind: 'none' },
        credentialStorage: OFFLINE,
      };
    case 'password': {
      const server = normaliseServer(request.server);
      const tokens = await requestTokens(server, request.username, request.password, deps.fetch, device);
      const id = profileIdFor(server, request.username);
      const kept = keeping(deps, server, request.username, 'refreshToken');
      await kept.save(tokens.refreshToken);
      const session = createTokenSession({
        server,
        user: request.username,
        credentials: deps.credentials,
        initial: tokens,
        save: (token) => kept.save(token, true),
        onDeviceRevoked: () => deps.onDeviceRevoked?.(id),
        ...(deps.fetch ? { fetch: deps.fetch } : {}),
      });
      return {
        profile: { id, mode: 'password', server, username: request.username, deviceId: device.deviceId, deviceName: device.deviceName },
        credentials: { kind: 'userPools', session },
        credentialStorage: () => kept.description(),
      };
    }
    case 'apiKey': {
      const server = normaliseServer(request.server);
      const username = request.username ?? DEFAULT_API_KEY_USER;
      // The ping only asks whether the server takes this key (a wrong key or address is told now,
      // not as sync errors later); a backend that refuses the probe query itself but not the key
      // still signs in (token-client.ts apiKeyPingVerdict).
      await verifyApiKey(server, request.apiKey, deps.fetch);
      const kept = keeping(deps, server, username, 'apiKey');
      await kept.save(request.apiKey);
      return {
        profile: { id: profileIdFor(server, username), mode: 'apiKey', server, username },
        credentials: { kind: 'apiKey', apiKey: request.apiKey },
        credentialStorage: () => kept.description(),
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
  if (profile.mode === 'offline' || profile.server === null) return { profile, credentials: { kind: 'none' }, credentialStorage: OFFLINE };
  const secret = await deps.credentials.get(profile.server, profile.username);
  if (secret === null) return null;
  const kept = keeping(deps, profile.server, profile.username, profile.mode === 'apiKey' ? 'apiKey' : 'refreshToken');
  const credentialStorage = (): string => kept.description();
  if (profile.mode === 'apiKey') return { profile, credentials: { kind: 'apiKey', apiKey: secret }, credentialStorage };
  const session = createTokenSession({
    server: profile.server,
    user: profile.username,
    credentials: deps.credentials,
    refreshToken: secret,
    save: (token) => kept.save(token, true),
    onDeviceRevoked: () => deps.onDeviceRevoked?.(profile.id),
    ...(deps.fetch ? { fetch: deps.fetch } : {}),
  });
  return { profile, credentials: { kind: 'userPools', session }, credentialStorage };
}

/** Revokes the server session (best effort) and removes the profile's secret from the CredentialStore. */
export async function forgetSignIn(profile: Omit<ProfileRecord, 'lastUsedAt'>, deps: SignInDeps): Promise<void> {
  if (profile.server === null) return;
  const secret = await deps.credentials.get(profile.server, profile.username);
  if (secret !== null && profile.mode === 'password') await revokeTokens(profile.server, secret, deps.fetch);
  await deps.credentials.delete(profile.server, profile.username);
}
