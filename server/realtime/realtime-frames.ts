// The AppSync real-time message catalogue (PROTOCOL.md §5.3): every frame the server sends is
// built here, so the exact shapes live in one place, and client frames are read here.

/** One entry of a frame's `errors` array. */
export interface RealtimeError {
  readonly errorType: string;
  readonly message: string;
  readonly errorCode?: number;
}

/** `connectionTimeoutMs` sent in `connection_ack`: the client closes after this long without `ka`. */
export const CONNECTION_TIMEOUT_MS = 300_000;

/** The `payload` of a `data` frame. */
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
  connectionAck: (connectionTimeoutMs: number = CONNECTION_TIMEOUT_MS) => ({
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
  error: (id: string | undefined, errors: readonly RealtimeError[]) =>
    id === undefined ? { type: 'error', payload: { errors } } : { id, type: 'error', payload: { errors } },
  complete: (id: string) => ({ id, type: 'complete' }),
  /** Connection-level failure; the client does not retry 400/401/403. */
  connectionError: (errors: readonly RealtimeError[]) => ({ type: 'connection_error', payload: { errors } }),
} as const;

/** What a client frame can be, after parsing. */
export type ClientFrame =
  | { readonly type: 'connection_init' }
  | { readonly type: 'start'; readonly id: string; readonly payload: unknown }
  | { readonly type: 'stop'; readonly id: string }
  | { readonly type: 'invalid'; readonly id?: string; readonly error: RealtimeError };

/** Longest subscription id accepted (amplify-js sends UUIDs). */
export const MAX_SUBSCRIPTION_ID_LENGTH = 128;

/** Reads one text frame from the client; never throws (bad input becomes an `invalid` frame). */
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
  return id === undefined
    ? { type: 'invalid', error: { errorType, message } }
    : { type: 'invalid', id, error: { errorType, message } };
}
