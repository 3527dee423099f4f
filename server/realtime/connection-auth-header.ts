// Where a real-time client puts its connection auth header object (PROTOCOL.md §5.2): the legacy
// `header` query parameter (standard base64 JSON, with `payload=e30=`) or the current
// `header-<base64url JSON>` WebSocket subprotocol next to `graphql-ws`.
import type { IncomingMessage } from 'node:http';
import { AUTH_HEADER_SUBPROTOCOL_PREFIX, GRAPHQL_WS_PROTOCOL } from '../../common/realtime/realtime-frames.js';

/** Larger headers than this are refused before decoding (a JWT with many claims fits easily). */
const MAX_ENCODED_HEADER_LENGTH = 16_384;

/** Header names lower-cased, values as strings: what `authenticate` receives. */
export type AuthHeaders = Readonly<Record<string, string>>;

/** The subprotocol to select: `graphql-ws` when offered, else none. */
export function selectSubprotocol(offered: ReadonlySet<string>): string | false {
  return offered.has(GRAPHQL_WS_PROTOCOL) ? GRAPHQL_WS_PROTOCOL : false;
}

/**
 * The connection's auth headers from the upgrade request: the `header-…` subprotocol wins over
 * the `header` query parameter. `null` when the request carries neither; throws a message naming
 * the problem when one is present but unreadable.
 */
export function connectionAuthHeaders(request: IncomingMessage): AuthHeaders | null {
  const protocols = String(request.headers['sec-websocket-protocol'] ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p.startsWith(AUTH_HEADER_SUBPROTOCOL_PREFIX));
  if (protocols.length > 0) {
    return decodeHeaderObject(protocols[0].slice(AUTH_HEADER_SUBPROTOCOL_PREFIX.length), 'header- subprotocol');
  }
  const query = new URL(request.url ?? '/', 'http://localhost').searchParams.get('header');
  if (query === null || query === '') return null;
  // amplify-js does not URL-encode the base64, so a `+` arrives as a space.
  return decodeHeaderObject(query.replaceAll(' ', '+'), 'header query parameter');
}

/** Auth headers from a `start` message's `extensions.authorization`, or `null` when absent. */
export function startAuthHeaders(authorization: unknown): AuthHeaders | null {
  if (authorization === undefined || authorization === null) return null;
  return normaliseHeaders(authorization, 'extensions.authorization');
}

function decodeHeaderObject(encoded: string, carrier: string): AuthHeaders {
  if (encoded.length > MAX_ENCODED_HEADER_LENGTH) {
    throw new Error(`the ${carrier} is longer than ${MAX_ENCODED_HEADER_LENGTH} characters`);
  }
  if (!/^[A-Za-z0-9+/_-]*=*$/.test(encoded)) throw new Error(`the ${carrier} is not base64`);
  let value: unknown;
  try {
    // Node's base64 decoder reads both the standard and the URL-safe alphabet, padded or not.
    value = JSON.parse(Buffer.from(encoded, 'base64').toString('utf8'));
  } catch {
    throw new Error(`the ${carrier} is not base64-encoded JSON`);
  }
  return normaliseHeaders(value, carrier);
}

function normaliseHeaders(value: unknown, carrier: string): AuthHeaders {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error(`the ${carrier} must be a JSON object of header names to values`);
  }
  const headers: Record<string, string> = {};
  for (const [name, v] of Object.entries(value)) {
    if (typeof v === 'string') headers[name.toLowerCase()] = v;
    else if (typeof v === 'number' || typeof v === 'boolean') headers[name.toLowerCase()] = String(v);
  }
  return headers;
}
