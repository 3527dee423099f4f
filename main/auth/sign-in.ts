// Turns a sign-in request into a profile plus the credentials the sync worker will use, and
// resumes or forgets a profile's saved sign-in. The only secrets kept are the refresh token or
// the API key, in the CredentialStore; access tokens stay in memory (TokenSession). A secret the
// store refuses after the server issued it keeps this run signed in (KeptCredential) and is said.
import type { ParsedRequestOf } from '../../common/ipc/contract.js';
import type { CredentialStore } from './credential-store.js';
import { deviceClaimFor, type DeviceClaim } from './device-identity.js';
import { KeptCredential } from './kept-credential.js';
import { createOidcSession } from './oidc-session.js';
import { oidcCredentialUser, oidcSettingsOf, revokeAtProvider, signInThroughProvider, type PendingSignIn } from './oidc-profile.js';
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
  /** Opens an identity provider's sign-in page in the system browser (Electron: shell.openExternal). Default: prints the URL. */
  readonly openBrowser?: (url: string) => Promise<void>;
  /** The identity-provider sign-in waiting for the browser, so cancelSignIn can stop it. Default: not cancellable. */
  readonly pendingSignIn?: PendingSignIn;
  /**
   * Told (profile id, message) when the identity provider no longer accepts an oidc profile's refresh token:
   * the profile is signed out of the server (sync stops) and its data, unsynced edits included, stays.
   */
  readonly onSignInEnded?: (profileId: string, message: string) => void;
  /** Allow http:// issuers on loopback (test providers; oidc-sign-in.ts still refuses http elsewhere). Default false. */
  readonly allowHttpIssuer?: boolean;
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
    case 'oidc': {
      const server = normaliseServer(request.server);
      const { profile, tokens, settings, credentialUser } = await signInThroughProvider(server, request, deps);
      const kept = keeping(deps, server, credentialUser, 'refreshToken');
      if (tokens.refreshToken !== null) await kept.save(tokens.refreshToken);
      const session = createOidcSession({
        settings,
        initial: tokens,
        refreshToken: tokens.refreshToken,
        save: (token) => kept.save(token, true),
        onSignInEnded: (message) => deps.onSignInEnded?.(profile.id, message),
        ...(deps.allowHttpIssuer === undefined ? {} : { allowHttpIssuer: deps.allowHttpIssuer }),
      });
      return { profile, credentials: { kind: 'userPools', session }, credentialStorage: () => kept.description() };
    }
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
  if (profile.mode === 'oidc') return resumeOidc(profile, profile.server, deps);
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
  if (profile.mode === 'oidc') {
    const user = credentialUserOf(profile);
    const secret = await deps.credentials.get(profile.server, user);
    if (secret !== null && profile.oidc) await revokeAtProvider(oidcSettingsOf(profile.oidc), secret, deps.allowHttpIssuer ?? false);
    await deps.credentials.delete(profile.server, user);
    return;
  }
  const secret = await deps.credentials.get(profile.server, profile.username);
  if (secret !== null && profile.mode === 'password') await revokeTokens(profile.server, secret, deps.fetch);
  await deps.credentials.delete(profile.server, profile.username);
}

/** The CredentialStore user an oidc profile's refresh token is kept under (issuer + subject, never a bare name). */
function credentialUserOf(profile: Omit<ProfileRecord, 'lastUsedAt'>): string {
  return profile.oidc ? oidcCredentialUser(profile.oidc.issuer, profile.oidc.subject) : profile.username;
}

/** Reopens an oidc profile from its kept refresh token; the token itself is fetched at the first sync (offline works). */
async function resumeOidc(profile: Omit<ProfileRecord, 'lastUsedAt'>, server: string, deps: SignInDeps): Promise<SignedIn | null> {
  if (!profile.oidc) return null;
  const user = credentialUserOf(profile);
  const secret = await deps.credentials.get(server, user);
  if (secret === null) return null;
  const kept = keeping(deps, server, user, 'refreshToken');
  const session = createOidcSession({
    settings: oidcSettingsOf(profile.oidc),
    refreshToken: secret,
    save: (token) => kept.save(token, true),
    onSignInEnded: (message) => deps.onSignInEnded?.(profile.id, message),
    ...(deps.allowHttpIssuer === undefined ? {} : { allowHttpIssuer: deps.allowHttpIssuer }),
  });
  return { profile, credentials: { kind: 'userPools', session }, credentialStorage: () => kept.description() };
}
