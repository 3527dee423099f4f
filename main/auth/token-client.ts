// HTTP calls to an Outpost server's built-in account endpoints: `/auth/token` (password),
// `/auth/refresh` (rotating refresh token) and `/auth/revoke` (sign-out). Failures become typed
// errors: Unauthorized for refused credentials, `NetworkError` when the server cannot be reached.
import { OutpostError, Unauthorized } from '../../common/errors.js';

/** What the server issues on sign-in and on every refresh. `expiresIn` is in seconds. */
export interface TokenPair {
  readonly accessToken: string;
  readonly refreshToken: string;
  readonly expiresIn: number;
  readonly idToken?: string;
}

/** The fetch the client uses; injectable so the browser fallback and tests can pass their own. */
export type Fetch = (
  url: string,
  init: { method: string; headers: Record<string, string>; body: string; signal: AbortSignal },
) => Promise<{
  status: number;
  text(): Promise<string>;
}>;

/** How long one auth request may take before it counts as unreachable (ms). */
export const AUTH_REQUEST_TIMEOUT_MS = 15_000;

/** `path` under `server`. */
export function endpoint(server: string, path: string): string {
  return new URL(path, server.endsWith('/') ? server : `${server}/`).toString();
}

/** The message of an error answer's body (GraphQL `errors`, the auth routes' `error`, OAuth's fields). */
export function messageOf(body: string): string | undefined {
  try {
    const json = JSON.parse(body) as Record<string, unknown>;
    const errors = json.errors;
    if (Array.isArray(errors) && errors.length > 0) {
      const first = errors[0] as Record<string, unknown>;
      if (typeof first.message === 'string') return first.message;
    }
    const nested = json.error;
    if (typeof nested === 'object' && nested !== null && typeof (nested as Record<string, unknown>).message === 'string') {
      return (nested as Record<string, unknown>).message as string;
    }
    for (const key of ['message', 'error_description', 'error']) {
      if (typeof json[key] === 'string') return json[key] as string;
    }
  } catch {
    // Not JSON: fall through to the caller's generic message.
  }
  return undefined;
}

/** POSTs `body` as JSON to `path` of `server`; NetworkError when it cannot be reached. */
export async function post(fetchImpl: Fetch, server: string, path: string, body: unknown): Promise<{ status: number; text: string }> {
  const url = endpoint(server, path);
  try {
    const response = await fetchImpl(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(AUTH_REQUEST_TIMEOUT_MS),
    });
    return { status: response.status, text: await response.text() };
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new OutpostError('NetworkError', `cannot reach ${server}: ${why}`, { server });
  }
}

/** The `error.reason` of an auth route's refusal (`expired`, `reused`, `deviceRevoked`), if any. */
export function reasonOf(body: string): string | undefined {
  try {
    const nested = (JSON.parse(body) as { error?: unknown }).error;
    const reason = typeof nested === 'object' && nested !== null ? (nested as { reason?: unknown }).reason : undefined;
    return typeof reason === 'string' ? reason : undefined;
  } catch {
    return undefined;
  }
}

function tokensFrom(server: string, status: number, text: string, refusal: string): TokenPair {
  if (status === 401 || status === 403 || status === 400) {
    const reason = reasonOf(text);
    throw new Unauthorized(messageOf(text) ?? refusal, { server, status, ...(reason === undefined ? {} : { reason }) });
  }
  if (status < 200 || status >= 300) {
    throw new OutpostError('ServerError', `${server} answered HTTP ${status}: ${messageOf(text) ?? 'no details'}`, { server, status });
  }
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new OutpostError('ServerError', `${server} answered with something that is not JSON`, { server });
  }
  const { accessToken, refreshToken, expiresIn, idToken } = json;
  if (typeof accessToken !== 'string' || typeof refreshToken !== 'string' || typeof expiresIn !== 'number') {
    throw new OutpostError('ServerError', `${server} answered without accessToken, refreshToken and expiresIn`, { server });
  }
  return { accessToken, refreshToken, expiresIn, ...(typeof idToken === 'string' ? { idToken } : {}) };
}

/** Signs in with a username and password (POST /auth/token), naming the device it is made on when given. */
export async function requestTokens(
  server: string,
  username: string,
  password: string,
  fetchImpl: Fetch = fetch,
  device?: { readonly deviceId: string; readonly deviceName: string },
): Promise<TokenPair> {
  const { status, text } = await post(fetchImpl, server, 'auth/token', { username, password, ...(device ?? {}) });
  return tokensFrom(server, status, text, 'Incorrect username or password.');
}

/** Exchanges a refresh token for a new pair (POST /auth/refresh); the old refresh token is then spent. */
export async function refreshTokens(server: string, refreshToken: string, fetchImpl: Fetch = fetch): Promise<TokenPair> {
  const { status, text } = await post(fetchImpl, server, 'auth/refresh', { refreshToken });
  return tokensFrom(server, status, text, 'the saved sign-in has expired: sign in again');
}

/** Revokes the session behind a refresh token (POST /auth/revoke); best effort, never throws. */
export async function revokeTokens(server: string, refreshToken: string, fetchImpl: Fetch = fetch): Promise<boolean> {
  try {
    const { status } = await post(fetchImpl, server, 'auth/revoke', { refreshToken });
    return status >= 200 && status < 300;
  } catch {
    return false;
  }
}

/**
 * The API-key ping's question is only "does this server take this key?", so a wrong key or URL
 * is reported at sign-in rather than as sync errors later. AppSync-style backends check the key
 * before they look at the document (HTTP 401/403, or an `UnauthorizedException` error), so any
 * other answer means the key was accepted — even when the backend refuses the probe document
 * itself (an allow-list of operations, introspection disabled, a validation error): sign-in must
 * never depend on that custom query succeeding.
 */
export type ApiKeyPingVerdict =
  | { readonly kind: 'accepted' }
  | { readonly kind: 'refused'; readonly message: string }
  | { readonly kind: 'noEndpoint'; readonly message: string }
  | { readonly kind: 'serverError'; readonly message: string };

const UNAUTHORIZED_ERROR_TYPES = new Set(['Unauthorized', 'UnauthorizedException', 'NotAuthorizedException']);

/** What the API-key ping's answer (HTTP status and body text) says about the key; pure. */
export function apiKeyPingVerdict(status: number, body: string): ApiKeyPingVerdict {
  const message = messageOf(body);
  if (status === 401 || status === 403) return { kind: 'refused', message: message ?? 'the server refused this API key' };
  let errorTypes: string[] = [];
  try {
    const json = JSON.parse(body) as { errors?: unknown };
    if (Array.isArray(json.errors))
      errorTypes = json.errors.map((e) => (e as { errorType?: unknown }).errorType).filter((t): t is string => typeof t === 'string');
  } catch {
    // Not JSON: judged by the status alone.
  }
  if (errorTypes.some((t) => UNAUTHORIZED_ERROR_TYPES.has(t))) return { kind: 'refused', message: message ?? 'the server refused this API key' };
  if (status === 404 || status === 405) return { kind: 'noEndpoint', message: `no GraphQL endpoint there (HTTP ${status})` };
  if (status >= 500) return { kind: 'serverError', message: `HTTP ${status}: ${message ?? 'no details'}` };
  // 2xx (with or without errors about the probe document) and other 4xx refusing the document: the key passed.
  return { kind: 'accepted' };
}

/** Checks an API key with a trivial GraphQL request (see `apiKeyPingVerdict`); Unauthorized when the server refuses the key. */
export async function verifyApiKey(server: string, apiKey: string, fetchImpl: Fetch = fetch): Promise<void> {
  const url = endpoint(server, 'graphql');
  let status: number;
  let text: string;
  try {
    const response = await fetchImpl(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=UTF-8', accept: 'application/json', 'x-api-key': apiKey },
      // The smallest valid query any GraphQL server answers; its result is not used.
      body: JSON.stringify({ query: 'query OutpostPing { __typename }' }),
      signal: AbortSignal.timeout(AUTH_REQUEST_TIMEOUT_MS),
    });
    status = response.status;
    text = await response.text();
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new OutpostError('NetworkError', `cannot reach ${server}: ${why}`, { server });
  }
  const verdict = apiKeyPingVerdict(status, text);
  switch (verdict.kind) {
    case 'accepted':
      return;
    case 'refused':
      throw new Unauthorized(verdict.message, { server });
    case 'noEndpoint':
      throw new OutpostError('ServerError', `${server} has ${verdict.message}: check the server address`, { server, status });
    case 'serverError':
      throw new OutpostError('ServerError', `${server} answered ${verdict.message}`, { server, status });
  }
}
