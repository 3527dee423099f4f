// The AppSync real-time frame vocabulary (PROTOCOL.md §5.3), shared by the client (main/sync) and
// the server (server/realtime): every frame either side sends is built here and every frame either
// side receives is parsed here, so the exact shapes live in one place. Pure and runtime-neutral:
// no Node imports (common/ loads in every process); the carriers and the socket I/O live with their side.

/** The subprotocol AppSync negotiates. */
export const GRAPHQL_WS_PROTOCOL = 'graphql-ws';
/** Prefix of the subprotocol that carries the connection's auth header object: `header-<base64url JSON>`. */
export const AUTH_HEADER_SUBPROTOCOL_PREFIX = 'header-';
/** What a client assumes when `connection_ack` carries no `connectionTimeoutMs`: 5 minutes, in ms. */
export const DEFAULT_CONNECTION_TIMEOUT_MS = 300_000;
/** Longest subscription id a server accepts, in characters (amplify-js sends UUIDs). */
export const MAX_SUBSCRIPTION_ID_LENGTH = 128;

/**
 * One entry of a frame's `errors`. A server always names an `errorType` and sends `errorCode` only
 * on connection errors; a parsed frame has both, null where the peer left them out (AppSync, its
 * simulator and iOS-observed frames do not always send them).
 */
export interface RealtimeFrameError {
  readonly errorType: string | null;
  readonly message: string;
  readonly errorCode?: number | null;
  /** Machine-readable detail, as AppSync's `errorInfo` (Outpost: `{ reason: 'deviceRevoked' }`). */
  readonly errorInfo?: { readonly reason: string } | null;
}

/** A header object as it rides in a `start`'s `extensions.authorization`. */
export type FrameAuthorization = Readonly<Record<string, string>>;

/**
 * Client → server frames. `data` of `start` is the JSON text of `{ query, variables }` (the client
 * decides the query's wire text); `authorization` is the header object for this subscription.
 */
export const clientFrames = {
  connectionInit: () => ({ type: 'connection_init' }),
  start: (id: string, data: string, authorization: FrameAuthorization) => ({
    id,
    type: 'start',
    payload: { data, extensions: { authorization } },
  }),
  stop: (id: string) => ({ id, type: 'stop' }),
} as const;

/** The `payload` of a `data` frame; `errors` is left out when there are none. */
export function dataPayload(data: Readonly<Record<string, unknown>>, errors?: readonly object[]): object {
  return errors && errors.length > 0 ? { data, errors } : { data };
}

/**
 * The JSON text of `serverFrames.data` from its payload's JSON text, byte for byte: an event's
 * payload is serialised once and shared by every subscription with the same document.
 */
export function dataFrameText(id: string, payloadJson: string): string {
  return `{"id":${JSON.stringify(id)},"type":"data","payload":${payloadJson}}`;
}

/** Server → client frames, exactly as AppSync sends them. */
export const serverFrames = {
  /** `connectionTimeoutMs`: the client closes after this many ms without `ka`. */
  connectionAck: (connectionTimeoutMs: number) => ({
    type: 'connection_ack',
    payload: { connectionTimeoutMs },
  }),
  keepAlive: () => ({ type: 'ka' }),
  startAck: (id: string) => ({ id, type: 'start_ack' }),
  data: (id: string, data: Readonly<Record<string, unknown>>, errors?: readonly object[]) => ({
    id,
    type: 'data',
    payload: dataPayload(data, errors),
  }),
  /** A failure of one subscription (`id`), or of a frame that named no id. */
  error: (id: string | undefined, errors: readonly RealtimeFrameError[]) =>
    id === undefined ? { type: 'error', payload: { errors } } : { id, type: 'error', payload: { errors } },
  complete: (id: string) => ({ id, type: 'complete' }),
  /** Connection-level failure; the client does not retry 400/401/403. */
  connectionError: (errors: readonly RealtimeFrameError[]) => ({ type: 'connection_error', payload: { errors } }),
} as const;

/** A client frame as the server reads it. */
export type ClientFrame =
  | { readonly type: 'connection_init' }
  | { readonly type: 'start'; readonly id: string; readonly payload: unknown }
  | { readonly type: 'stop'; readonly id: string }
  | { readonly type: 'invalid'; readonly id?: string; readonly error: RealtimeFrameError };

/** A server frame as the client reads it. */
export type ServerFrame =
  | { readonly type: 'connection_ack'; readonly connectionTimeoutMs: number }
  | { readonly type: 'ka' }
  | { readonly type: 'start_ack'; readonly id: string }
  | { readonly type: 'data'; readonly id: string; readonly data: Readonly<Record<string, unknown>> | null; readonly errors: readonly RealtimeFrameError[] }
  | { readonly type: 'error'; readonly id: string | null; readonly errors: readonly RealtimeFrameError[] }
  | { readonly type: 'complete'; readonly id: string }
  | { readonly type: 'connection_error'; readonly errors: readonly RealtimeFrameError[] }
  | { readonly type: 'unknown'; readonly text: string };

/** Reads one text frame from a client; never throws (bad input becomes an `invalid` frame). */
export function parseClientFrame(text: string): ClientFrame {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return invalid(undefined, 'BadRequestException', `Message is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return invalid(undefined, 'BadRequestException', 'Message must be a JSON object with a "type"');
  }
  const frame = value as Record<string, unknown>;
  const rawId = frame.id;
  const id = typeof rawId === 'string' ? rawId : undefined;
  const type = frame.type;
  if (typeof type !== 'string') return invalid(id, 'BadRequestException', 'Message has no string "type"');
  switch (type) {
    case 'connection_init':
      return { type };
    case 'start':
    case 'stop': {
      if (id === undefined || id.length === 0) {
        return invalid(undefined, 'BadRequestException', `"${type}" message needs a non-empty string "id"`);
      }
      if (id.length > MAX_SUBSCRIPTION_ID_LENGTH) {
        return invalid(undefined, 'BadRequestException', `"id" is longer than ${MAX_SUBSCRIPTION_ID_LENGTH} characters`);
      }
      return type === 'start' ? { type, id, payload: frame.payload } : { type, id };
    }
    default:
      // AppSync's own wording for a type it does not handle.
      return invalid(id, 'UnsupportedOperation', `${type.slice(0, 64)} not supported through the realtime channel`);
  }
}

function invalid(id: string | undefined, errorType: string, message: string): ClientFrame {
  return id === undefined ? { type: 'invalid', error: { errorType, message } } : { type: 'invalid', id, error: { errorType, message } };
}

/** Parses one text frame from a server; never throws (anything unreadable is `unknown`). */
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

/** `errors` may arrive as an array or as one object (iOS-observed). */
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
