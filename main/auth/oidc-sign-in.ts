// Sign-in through the organisation's OpenID Connect provider the way native apps should (RFC 8252):
// discovery from the issuer URL, authorization code with PKCE (S256) in the system browser, the
// redirect caught on a loopback port this process listens on for that one sign-in, and refresh
// with the refresh token. openid-client (certified) does the protocol; this file only owns the
// loopback listener, the browser hand-off and the messages a user can act on.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as oidc from 'openid-client';
import { Unauthorized, ValidationError } from '../../common/errors.js';

/** Which provider and client a profile signs in with; from the backend's configuration. */
export interface OidcSettings {
  /** The issuer URL (`iss`), e.g. `https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abc`; discovery is read from it. */
  readonly issuer: string;
  /** The app's client id at the provider (a public client: no secret on a laptop). */
  readonly clientId: string;
  /** Scopes asked for; default `openid profile email offline_access` (offline_access brings the refresh token). */
  readonly scopes?: readonly string[];
  /** Which token the backend takes: AppSync OIDC and most servers verify the ID token; Cognito user pools the access token. Default `id`. */
  readonly tokenUse?: 'id' | 'access';
  /** Extra authorization parameters (e.g. `{ prompt: 'consent' }`, `{ identity_provider: 'AzureAD' }` for Cognito). */
  readonly extraParameters?: Readonly<Record<string, string>>;
  /** A fixed loopback port: the redirect URI is then `http://localhost:<port>/callback` (Cognito); default any free port on 127.0.0.1. */
  readonly callbackPort?: number;
}

/** Tokens of one sign-in or refresh. */
export interface OidcTokens {
  /** The token sent to the backend (ID or access, per `tokenUse`). */
  readonly token: string;
  readonly idToken: string | null;
  readonly accessToken: string;
  /** Null when the provider gave none (then the user signs in again when the token expires). */
  readonly refreshToken: string | null;
  /** Epoch ms when `token` expires. */
  readonly expiresAt: number;
  /** The ID token's claims (sub, preferred_username, email, groups…), for the profile's name. */
  readonly claims: Readonly<Record<string, unknown>>;
}

/** How the sign-in reaches the browser, and its limits. */
export interface OidcSignInOptions {
  /** Opens the authorization URL in the system browser (Electron's shell.openExternal; tests drive a page). */
  readonly openBrowser: (url: string) => Promise<void>;
  /** How long to wait for the browser to come back (ms, default 300 000). */
  readonly timeoutMs?: number;
  /** Stops waiting (the user cancelled in the app). */
  readonly signal?: AbortSignal;
  /** Allow an http:// issuer: only for loopback test providers. Default false. */
  readonly allowHttpIssuer?: boolean;
  /** Clock in epoch ms; default Date.now. */
  readonly now?: () => number;
}

const DEFAULT_SCOPES = ['openid', 'profile', 'email', 'offline_access'];
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/** The issuer URL checked: https, or http on loopback only when allowed. */
function issuerUrl(settings: OidcSettings, allowHttp: boolean): URL {
  let url: URL;
  try {
    url = new URL(settings.issuer);
  } catch {
    throw new ValidationError(`OIDC issuer ${JSON.stringify(settings.issuer)} is not a URL`, 'issuer');
  }
  if (url.protocol !== 'https:' && !(allowHttp && url.protocol === 'http:' && LOOPBACK.has(url.hostname))) {
    throw new ValidationError(`OIDC issuer ${url.href} must use https`, 'issuer');
  }
  if (settings.clientId.trim() === '') throw new ValidationError('OIDC client id must not be empty', 'clientId');
  return url;
}

/** The provider's configuration, discovered from the issuer (`/.well-known/openid-configuration`). */
export async function discoverProvider(settings: OidcSettings, allowHttp = false): Promise<oidc.Configuration> {
  const url = issuerUrl(settings, allowHttp);
  try {
    return await oidc.discovery(
      url,
      settings.clientId,
      undefined,
      oidc.None(),
      allowHttp && url.protocol === 'http:' ? { execute: [oidc.allowInsecureRequests] } : {},
    );
  } catch (error) {
    throw new Unauthorized(`Could not read the sign-in provider at ${url.href}: ${reasonOf(error)}. Check the issuer URL in the profile's settings.`, {
      reason: 'discovery',
    });
  }
}

/** Runs one interactive sign-in: browser, loopback redirect, code exchange. Throws Unauthorized with a reason a user understands. */
export async function signInWithOidc(settings: OidcSettings, options: OidcSignInOptions): Promise<OidcTokens> {
  const now = options.now ?? Date.now;
  const config = await discoverProvider(settings, options.allowHttpIssuer ?? false);
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const callback = await listenOnce(options.timeoutMs ?? 300_000, options.signal, settings.callbackPort);
  try {
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: callback.redirectUri,
      scope: (settings.scopes ?? DEFAULT_SCOPES).join(' '),
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      ...settings.extraParameters,
    });
    await options.openBrowser(url.href);
    const returned = await callback.url;
    const providerError = returned.searchParams.get('error');
    if (providerError !== null) {
      const description = returned.searchParams.get('error_description');
      throw new Unauthorized(
        providerError === 'access_denied' ? 'Sign-in was cancelled at the provider' : `The provider refused the sign-in: ${description ?? providerError}`,
        { reason: providerError },
      );
    }
    let grant: oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers;
    try {
      grant = await oidc.authorizationCodeGrant(config, returned, { pkceCodeVerifier: verifier, expectedState: state });
    } catch (error) {
      throw new Unauthorized(`The provider did not complete the sign-in: ${reasonOf(error)}`, { reason: 'code' });
    }
    return tokensOf(grant, settings, now, null);
  } finally {
    callback.close();
  }
}

/** New tokens from the refresh token; throws Unauthorized (reason `revoked`) when the provider no longer accepts it. */
export async function refreshOidcTokens(
  settings: OidcSettings,
  refreshToken: string,
  options: Pick<OidcSignInOptions, 'allowHttpIssuer' | 'now'> = {},
): Promise<OidcTokens> {
  const config = await discoverProvider(settings, options.allowHttpIssuer ?? false);
  let grant: oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers;
  try {
    grant = await oidc.refreshTokenGrant(config, refreshToken);
  } catch (error) {
    const code = error instanceof oidc.ResponseBodyError ? error.error : undefined;
    if (code === 'invalid_grant') {
      throw new Unauthorized('The sign-in provider no longer accepts this sign-in (signed out or revoked there): sign in again', { reason: 'revoked' });
    }
    throw error;
  }
  // Providers may rotate the refresh token or keep the old one valid (then they send none).
  return tokensOf(grant, settings, options.now ?? Date.now, refreshToken);
}

function tokensOf(
  grant: oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers,
  settings: OidcSettings,
  now: () => number,
  previousRefresh: string | null,
): OidcTokens {
  const idToken = grant.id_token ?? null;
  const tokenUse = settings.tokenUse ?? 'id';
  const token = tokenUse === 'id' ? idToken : grant.access_token;
  if (token === null)
    throw new Unauthorized('The provider sent no ID token: ask for the openid scope, or send the access token (tokenUse: access)', { reason: 'token' });
  const claims: Readonly<Record<string, unknown>> = grant.claims() ?? {};
  const exp = tokenUse === 'id' && typeof claims.exp === 'number' ? claims.exp * 1000 : now() + (grant.expires_in ?? 300) * 1000;
  return { token, idToken, accessToken: grant.access_token, refreshToken: grant.refresh_token ?? previousRefresh, expiresAt: exp, claims };
}

function reasonOf(error: unknown): string {
  if (error instanceof oidc.ResponseBodyError) return error.error_description ?? error.error;
  return error instanceof Error ? error.message : String(error);
}

/** A loopback listener for one redirect: its URI, the URL the browser comes back to, and its close. */
interface LoopbackCallback {
  readonly redirectUri: string;
  readonly url: Promise<URL>;
  close(): void;
}

/** Listens on 127.0.0.1 on `fixedPort` (else a free port) until the browser returns to /callback (or the time runs out). */
async function listenOnce(timeoutMs: number, signal: AbortSignal | undefined, fixedPort: number | undefined): Promise<LoopbackCallback> {
  let resolve!: (url: URL) => void;
  let reject!: (error: Error) => void;
  const url = new Promise<URL>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  url.catch(() => undefined);
  let redirectUri = 'http://127.0.0.1/callback';
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    // On the redirect URI's own origin: the code exchange sends it back as redirect_uri, which must match exactly.
    const got = new URL(req.url ?? '/', redirectUri);
    if (got.pathname !== '/callback') {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not found');
      return;
    }
    const failed = got.searchParams.has('error');
    res
      .writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' })
      .end(
        `<!doctype html><meta charset="utf-8"><title>Outpost</title><p>${failed ? 'Sign-in did not complete. Return to Outpost.' : 'Signed in. You can close this window and return to Outpost.'}</p>`,
      );
    resolve(got);
  });
  await new Promise<void>((res, rej) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      rej(
        error.code === 'EADDRINUSE' && fixedPort !== undefined
          ? new ValidationError(`callback port ${fixedPort} is in use by another program: close it or register another port`, 'callbackPort')
          : error,
      ),
    );
    server.listen(fixedPort ?? 0, '127.0.0.1', () => res());
  });
  const timer = setTimeout(
    () => reject(new Unauthorized(`No answer from the browser within ${Math.round(timeoutMs / 1000)} s: sign in again`, { reason: 'timeout' })),
    timeoutMs,
  );
  const onAbort = () => reject(new Unauthorized('Sign-in was cancelled', { reason: 'cancelled' }));
  signal?.addEventListener('abort', onAbort, { once: true });
  const { port } = server.address() as AddressInfo;
  // A registered callback names localhost (Cognito takes http only for localhost); browsers resolve it to loopback.
  redirectUri = fixedPort === undefined ? `http://127.0.0.1:${port}/callback` : `http://localhost:${port}/callback`;
  return {
    redirectUri,
    url,
    close() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      server.closeAllConnections();
      server.close();
    },
  };
}
