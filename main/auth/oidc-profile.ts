// The app's side of an identity-provider sign-in: one waiting sign-in at a time (cancellable), the
// profile named by issuer + subject, the backend asked at once whether it takes the token (so a
// wrong audience or issuer is said at sign-in, naming which, not as sync errors later), and the
// refresh token revoked at the provider when the profile signs out.
import * as oidc from 'openid-client';
import { OutpostError, Unauthorized } from '../../common/errors.js';
import type { ParsedRequestOf } from '../../common/ipc/contract.js';
import { discoverProvider, signInWithOidc, type OidcSettings, type OidcTokens } from './oidc-sign-in.js';
import { profileIdFor, type ProfileRecord } from './profiles.js';
import { apiKeyPingVerdict, endpoint, type Fetch } from './token-client.js';

/** The identity-provider sign-in waiting for the browser; `cancel` stops it. */
export class PendingSignIn {
  #current: AbortController | null = null;

  /** A signal for a new sign-in (a previous one still waiting is cancelled: one browser hand-off at a time). */
  begin(): { readonly signal: AbortSignal; done(): void } {
    this.#current?.abort();
    const controller = new AbortController();
    this.#current = controller;
    return {
      signal: controller.signal,
      done: () => {
        if (this.#current === controller) this.#current = null;
      },
    };
  }

  /** Cancels the waiting sign-in; false when none was waiting. */
  cancel(): boolean {
    const controller = this.#current;
    if (controller === null) return false;
    this.#current = null;
    controller.abort();
    return true;
  }
}

type OidcRequest = ParsedRequestOf<'signIn'> & { mode: 'oidc' };
type OidcProfile = NonNullable<ProfileRecord['oidc']>;

/** The CredentialStore user an oidc profile's refresh token is kept under: issuer + subject, never a bare name. */
export function oidcCredentialUser(issuer: string, subject: string): string {
  return `oidc:${issuer}#${subject}`;
}

/** The provider settings kept in an oidc profile. */
export function oidcSettingsOf(kept: OidcProfile): OidcSettings {
  return {
    issuer: kept.issuer,
    clientId: kept.clientId,
    ...(kept.scopes ? { scopes: kept.scopes } : {}),
    ...(kept.tokenUse ? { tokenUse: kept.tokenUse } : {}),
  };
}

/** The name a profile is listed by: preferred_username, else email, else the subject. */
export function displayNameOf(claims: Readonly<Record<string, unknown>>, subject: string): string {
  for (const key of ['preferred_username', 'email', 'name', 'cognito:username']) {
    const value = claims[key];
    if (typeof value === 'string' && value.trim() !== '') return value.trim().slice(0, 200);
  }
  return subject;
}

/** What the server's refusal names: the audience, the issuer, or neither (a generic refusal). */
export function refusalKind(message: string): 'audience' | 'issuer' | 'other' {
  if (/\baud(ience)?\b|client id/i.test(message)) return 'audience';
  if (/\bissuer\b|\biss\b/i.test(message)) return 'issuer';
  return 'other';
}

/** The message a user reads when `server` refuses the provider's token. */
export function refusalMessage(server: string, settings: OidcSettings, serverMessage: string): string {
  const host = new URL(server).host;
  switch (refusalKind(serverMessage)) {
    case 'audience':
      return `${host} refused the sign-in: the token was issued for client id ${settings.clientId}, which this server does not accept for ${settings.issuer} (wrong audience). Server said: ${serverMessage}`;
    case 'issuer':
      return `${host} refused the sign-in: it does not trust the identity provider ${settings.issuer} (wrong issuer). Server said: ${serverMessage}`;
    case 'other':
      return `${host} refused the sign-in from ${settings.issuer} (client id ${settings.clientId}, ${settings.tokenUse ?? 'id'} token): ${serverMessage}`;
  }
}

/** Asks the backend whether it takes `token` (the smallest GraphQL query); Unauthorized naming audience or issuer when not. */
export async function checkServerTakesToken(server: string, settings: OidcSettings, token: string, fetchImpl: Fetch = fetch): Promise<void> {
  let status: number;
  let text: string;
  try {
    const response = await fetchImpl(endpoint(server, 'graphql'), {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=UTF-8', accept: 'application/json', authorization: token },
      body: JSON.stringify({ query: 'query OutpostPing { __typename }' }),
      signal: AbortSignal.timeout(15_000),
    });
    status = response.status;
    text = await response.text();
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new OutpostError('NetworkError', `cannot reach ${server}: ${why}`, { server });
  }
  const verdict = apiKeyPingVerdict(status, text);
  if (verdict.kind === 'refused') {
    const said = verdict.message === 'the server refused this API key' ? `HTTP ${status}` : verdict.message;
    throw new Unauthorized(refusalMessage(server, settings, said), { server, reason: refusalKind(said) });
  }
  if (verdict.kind === 'noEndpoint') throw new OutpostError('ServerError', `${server} has ${verdict.message}: check the server address`, { server, status });
  if (verdict.kind === 'serverError') throw new OutpostError('ServerError', `${server} answered ${verdict.message}`, { server, status });
}

/** The parts of SignInDeps an identity-provider sign-in uses. */
export interface ProviderDeps {
  readonly openBrowser?: (url: string) => Promise<void>;
  readonly pendingSignIn?: PendingSignIn;
  readonly allowHttpIssuer?: boolean;
  readonly fetch?: Fetch;
}

/** Where no browser can be opened (browser mode, a headless run): the URL is printed for the user to open. */
async function printUrl(url: string): Promise<void> {
  console.log(`Open this address in your browser to sign in: ${url}`);
}

/** Signs in at the provider (browser, loopback redirect), checks the backend takes the token, and names the profile. */
export async function signInThroughProvider(
  server: string,
  request: OidcRequest,
  deps: ProviderDeps,
): Promise<{ profile: Omit<ProfileRecord, 'lastUsedAt'>; tokens: OidcTokens; settings: OidcSettings; credentialUser: string }> {
  const settings: OidcSettings = {
    issuer: request.issuer,
    clientId: request.clientId,
    ...(request.scopes ? { scopes: request.scopes } : {}),
    ...(request.tokenUse ? { tokenUse: request.tokenUse } : {}),
    ...(request.callbackPort === undefined ? {} : { callbackPort: request.callbackPort }),
  };
  const waiting = deps.pendingSignIn?.begin();
  let tokens: OidcTokens;
  try {
    tokens = await signInWithOidc(settings, {
      openBrowser: deps.openBrowser ?? printUrl,
      ...(waiting ? { signal: waiting.signal } : {}),
      ...(deps.allowHttpIssuer === undefined ? {} : { allowHttpIssuer: deps.allowHttpIssuer }),
    });
  } finally {
    waiting?.done();
  }
  const subject = tokens.claims.sub;
  if (typeof subject !== 'string' || subject === '') throw new Unauthorized('The provider sent no subject (sub) for this sign-in', { reason: 'claim' });
  await checkServerTakesToken(server, settings, tokens.token, deps.fetch);
  const credentialUser = oidcCredentialUser(settings.issuer, subject);
  return {
    profile: {
      id: profileIdFor(server, credentialUser),
      mode: 'oidc',
      server,
      username: displayNameOf(tokens.claims, subject),
      oidc: {
        issuer: settings.issuer,
        subject,
        clientId: settings.clientId,
        ...(settings.scopes ? { scopes: [...settings.scopes] } : {}),
        ...(settings.tokenUse ? { tokenUse: settings.tokenUse } : {}),
      },
    },
    tokens,
    settings,
    credentialUser,
  };
}

/** Revokes a refresh token at the provider (RFC 7009), best effort: a provider without revocation or offline is not an error. */
export async function revokeAtProvider(settings: OidcSettings, refreshToken: string, allowHttpIssuer: boolean): Promise<void> {
  try {
    const config = await discoverProvider(settings, allowHttpIssuer);
    if (config.serverMetadata().revocation_endpoint === undefined) return;
    await oidc.tokenRevocation(config, refreshToken, { token_type_hint: 'refresh_token' });
  } catch {
    // Signing out must work offline; the token then expires at the provider on its own.
  }
}

/** What the host gives identity-provider sign-ins: the system browser, and whether loopback http issuers are allowed (tests). */
export interface OidcHost {
  readonly openBrowser?: (url: string) => Promise<void>;
  readonly allowHttpIssuer?: boolean;
}
