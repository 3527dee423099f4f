// The client's own part of the AppSync real-time protocol (PROTOCOL.md §5): endpoint URL, the
// connection auth header object and its two carriers, DataStore's `start` frame, which errors are
// final, and the keep-alive rule. The frames themselves are common/realtime/realtime-frames.ts,
// shared with the server. Pure: realtime-client.ts does the socket I/O.
import {
  AUTH_HEADER_SUBPROTOCOL_PREFIX,
  clientFrames,
  GRAPHQL_WS_PROTOCOL,
  type FrameAuthorization,
  type RealtimeFrameError,
} from '../../common/realtime/realtime-frames.js';
import { wireText } from './wire-document.js';
import { SUBSCRIPTION_USER_AGENT } from './wire-headers.js';

/** `connection_ack` must arrive within this many ms (amplify-js CONNECTION_INIT_TIMEOUT). */
export const CONNECTION_INIT_TIMEOUT_MS = 15_000;
/** `start_ack` must arrive within this many ms (amplify-js START_ACK_TIMEOUT). */
export const START_ACK_TIMEOUT_MS = 15_000;
/** Without `ka`/`data` for this long the connection is suspect (amplify-js 65 s). */
export const KEEP_ALIVE_PENDING_MS = 65_000;

/** The header object a connection (and each `start`) carries, per auth mode (§5.2). */
export type RealtimeAuthHeaders = FrameAuthorization;

/**
 * The real-time URL for a GraphQL HTTP endpoint: `…appsync-api…/graphql` → `wss://…appsync-realtime-api…/graphql`,
 * any other (custom domain, Outpost server) → `…/graphql/realtime`; https → wss, http → ws.
 * Amplify turns both into `wss://`; AppSync is always https, where both clients derive the same
 * URL. We keep `ws://` for an `http://` endpoint because a plain-HTTP Outpost server (a laptop or
 * LAN install without TLS) serves no TLS on its socket either: `wss://` could never connect there.
 */
export function realtimeUrl(graphqlEndpoint: string): URL {
  const url = new URL(graphqlEndpoint);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  if (/\.appsync-api\./.test(url.hostname)) {
    url.hostname = url.hostname.replace('.appsync-api.', '.appsync-realtime-api.');
  } else {
    url.pathname = `${url.pathname.replace(/\/+$/, '')}/realtime`;
  }
  return url;
}

/** `x-amz-date` format: `20240501T100000Z`. */
export function amzDate(at: Date): string {
  return at
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

/** API-key header object: host of the GraphQL endpoint, date and key (§5.2). */
export function apiKeyAuthHeaders(graphqlEndpoint: string, apiKey: string, now: Date): RealtimeAuthHeaders {
  return { host: new URL(graphqlEndpoint).host, 'x-amz-date': amzDate(now), 'x-api-key': apiKey };
}

/** JWT header object (user pools / OIDC / Lambda): `Authorization` is the bare token (§5.2). */
export function jwtAuthHeaders(graphqlEndpoint: string, token: string): RealtimeAuthHeaders {
  return { Authorization: token, host: new URL(graphqlEndpoint).host };
}

/** The current carrier: `header-<base64url JSON, no padding>` subprotocol next to `graphql-ws`. */
export function authSubprotocols(headers: RealtimeAuthHeaders): string[] {
  const encoded = Buffer.from(JSON.stringify(headers), 'utf8').toString('base64url');
  return [GRAPHQL_WS_PROTOCOL, `${AUTH_HEADER_SUBPROTOCOL_PREFIX}${encoded}`];
}

/** The legacy carrier: `?header=<standard base64 JSON>&payload=e30=` appended to the URL. */
export function withAuthQuery(url: URL, headers: RealtimeAuthHeaders): URL {
  const out = new URL(url);
  out.searchParams.set('header', Buffer.from(JSON.stringify(headers), 'utf8').toString('base64'));
  out.searchParams.set('payload', 'e30=');
  return out;
}

/**
 * The `start` frame for a subscription request (§5.3): `payload.data` is the JSON text of
 * `{ query, variables }` with the query as DataStore's wire text (wire-document.ts); its
 * authorization carries DataStore's subscription `x-amz-user-agent` after the auth headers, as
 * Amplify's real-time provider does.
 */
export function startFrame(
  id: string,
  request: { readonly query: string; readonly variables: Readonly<Record<string, unknown>> },
  authorization: RealtimeAuthHeaders,
): ReturnType<typeof clientFrames.start> {
  const data = JSON.stringify({ query: wireText(request.query), variables: request.variables });
  return clientFrames.start(id, data, { ...authorization, 'x-amz-user-agent': SUBSCRIPTION_USER_AGENT });
}

/** A `connection_error` the client must not retry: 400/401/403 or a bad-request/unauthorized type (§5.4). */
export function isNonRetryableConnectionError(errors: readonly RealtimeFrameError[]): boolean {
  return errors.some(
    (e) =>
      (typeof e.errorCode === 'number' && [400, 401, 403].includes(e.errorCode)) ||
      e.errorType === 'BadRequestException' ||
      e.errorType === 'UnauthorizedException',
  );
}

/** An error that means "credentials refused": reconnect with fresh ones (§5.4). */
export function isAuthError(errors: readonly RealtimeFrameError[]): boolean {
  return errors.some(
    (e) =>
      (e.errorType !== null && ['UnauthorizedException', 'Unauthorized', 'NotAuthorizedException'].includes(e.errorType)) ||
      e.message.includes('Token expired') ||
      e.errorCode === 401,
  );
}

/** Keep-alive state from the time of the last `ka`/`data`/ack (§5.4): alive, pending, or timed out. */
export function keepAliveState(lastActivityAt: number, now: number, connectionTimeoutMs: number): 'alive' | 'pending' | 'timeout' {
  const silent = now - lastActivityAt;
  if (silent >= connectionTimeoutMs) return 'timeout';
  if (silent >= KEEP_ALIVE_PENDING_MS) return 'pending';
  return 'alive';
}
