// The client side of the AppSync real-time protocol (PROTOCOL.md §5): endpoint URL, the
// connection auth header object and its two carriers, the frames a client sends, a parser for
// what the server sends, and the keep-alive rule. Pure: realtime-client.ts does the socket I/O.
import { wireText } from './wire-document.js';
import { SUBSCRIPTION_USER_AGENT } from './wire-headers.js';

/** The subprotocol AppSync negotiates. */
export const GRAPHQL_WS_PROTOCOL = 'graphql-ws';
/** `connection_ack` must arrive within this many ms (amplify-js CONNECTION_INIT_TIMEOUT). */
export const CONNECTION_INIT_TIMEOUT_MS = 15_000;
/** `start_ack` must arrive within this many ms (amplify-js START_ACK_TIMEOUT). */
export const START_ACK_TIMEOUT_MS = 15_000;
/** Without `ka`/`data` for this long the connection is suspect (amplify-js 65 s). */
export const KEEP_ALIVE_PENDING_MS = 65_000;
/** Used when `connection_ack` carries no `connectionTimeoutMs`: 5 minutes. */
export const DEFAULT_CONNECTION_TIMEOUT_MS = 300_000;

/** The header object a connection (and each `start`) carries, per auth mode (§5.2). */
export type RealtimeAuthHeaders = Readonly<Record<string, string>>;

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
  return at.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
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
  return [GRAPHQL_WS_PROTOCOL, `header-${encoded}`];
}

/** The legacy carrier: `?header=<standard base64 JSON>&payload=e30=` appended to the URL. */
export function withAuthQuery(url: URL, headers: RealtimeAuthHeaders): URL {
  const out = new URL(url);
  out.searchParams.set('header', Buffer.from(JSON.stringify(headers), 'utf8').toString('base64'));
  out.searchParams.set('payload', 'e30=');
  return out;
}

/**
 * Client → server frames (§5.3). `start.payload.data` is the JSON text of `{ query, variables }`
 * with the query as DataStore's wire text (wire-document.ts); its authorization carries DataStore's
 * subscription `x-amz-user-agent` after the auth headers, as Amplify's real-time provider does.
 */
export const clientFrames = {
  connectionInit: () => ({ type: 'connection_init' }),
  start: (id: string, request: { readonly query: string; readonly variables: Readonly<Record<string, unknown>> }, authorization: RealtimeAuthHeaders) => ({
    id,
    type: 'start',
    payload: {
      data: JSON.stringify({ query: wireText(request.query), variables: request.variables }),
      extensions: { authorization: { ...authorization, 'x-amz-user-agent': SUBSCRIPTION_USER_AGENT } },
    },
  }),
  stop: (id: string) => ({ id, type: 'stop' }),
} as const;

/** One error of a server frame; `errors` may arrive as an array or as one object (iOS-observed). */
export interface RealtimeFrameError {
  readonly errorType: string | null;
  readonly message: string;
  readonly errorCode: number | null;
}

/** Server → client frames after parsing. */
export type ServerFrame =
  | { readonly type: 'connection_ack'; readonly connectionTimeoutMs: number }
  | { readonly type: 'ka' }
  | { readonly type: 'start_ack'; readonly id: string }
  | { readonly type: 'data'; readonly id: string; readonly data: Readonly<Record<string, unknown>> | null; readonly errors: readonly RealtimeFrameError[] }
  | { readonly type: 'error'; readonly id: string | null; readonly errors: readonly RealtimeFrameError[] }
  | { readonly type: 'complete'; readonly id: string }
  | { readonly type: 'connection_error'; readonly errors: readonly RealtimeFrameError[] }
  | { readonly type: 'unknown'; readonly text: string };

function readErrors(value: unknown): RealtimeFrameError[] {
  const list = Array.isArray(value) ? value : value === undefined || value === null ? [] : [value];
  return list.map((e) => {
    const o = typeof e === 'object' && e !== null ? (e as Record<string, unknown>) : {};
    return {
      errorType: typeof o.errorType === 'string' ? o.errorType : null,
      message: typeof o.message === 'string' ? o.message : JSON.stringify(e),
      errorCode: typeof o.errorCode === 'number' ? o.errorCode : null,
    };
  });
}

/** Parses one text frame from the server; never throws (anything unreadable is `unknown`). */
export function parseServerFrame(text: string): ServerFrame {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { type: 'unknown', text };
  }
  if (typeof value !== 'object' || value === null) return { type: 'unknown', text };
  const frame = value as Record<string, unknown>;
  const id = typeof frame.id === 'string' ? frame.id : null;
  const payload = typeof frame.payload === 'object' && frame.payload !== null ? (frame.payload as Record<string, unknown>) : {};
  switch (frame.type) {
    case 'connection_ack': {
      // The Amplify simulator says `connectionTimeout`; accept both.
      const t = payload.connectionTimeoutMs ?? payload.connectionTimeout;
      return { type: 'connection_ack', connectionTimeoutMs: typeof t === 'number' && t > 0 ? t : DEFAULT_CONNECTION_TIMEOUT_MS };
    }
    case 'ka':
      return { type: 'ka' };
    case 'start_ack':
      return id === null ? { type: 'unknown', text } : { type: 'start_ack', id };
    case 'data': {
      if (id === null) return { type: 'unknown', text };
      const data = typeof payload.data === 'object' && payload.data !== null ? (payload.data as Record<string, unknown>) : null;
      return { type: 'data', id, data, errors: readErrors(payload.errors) };
    }
    case 'error':
      return { type: 'error', id, errors: readErrors(payload.errors) };
    case 'complete':
      return id === null ? { type: 'unknown', text } : { type: 'complete', id };
    case 'connection_error':
      return { type: 'connection_error', errors: readErrors(payload.errors) };
    default:
      return { type: 'unknown', text };
  }
}

/** A `connection_error` the client must not retry: 400/401/403 or a bad-request/unauthorized type (§5.4). */
export function isNonRetryableConnectionError(errors: readonly RealtimeFrameError[]): boolean {
  return errors.some(
    (e) =>
      (e.errorCode !== null && [400, 401, 403].includes(e.errorCode)) ||
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
