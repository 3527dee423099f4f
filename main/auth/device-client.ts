// HTTP calls to an Outpost server's device routes with the signed-in user's access token:
// `GET /auth/devices` (the user's devices, this one marked `current`) and `POST /auth/devices/revoke`
// (end another device's access). Failures are typed like token-client.ts: NetworkError when the
// server cannot be reached, Unauthorized (with the server's `reason`) when it refuses the token.
import { OutpostError, Unauthorized, ValidationError } from '../../common/errors.js';
import { AUTH_REQUEST_TIMEOUT_MS, endpoint, messageOf, reasonOf } from './token-client.js';

/** One device as GET /auth/devices lists it. */
export interface ServerDevice {
  readonly deviceId: string;
  readonly name: string;
  readonly createdAt: number;
  readonly lastSeenAt: number;
  readonly revokedAt: number | null;
  readonly liveSessions: number;
  readonly current: boolean;
}

/** The fetch used for the device routes (injectable for tests). */
export type DeviceFetch = typeof fetch;

async function call(server: string, path: string, accessToken: string, body: unknown, fetchImpl: DeviceFetch): Promise<unknown> {
  let status: number;
  let text: string;
  try {
    const response = await fetchImpl(endpoint(server, path), {
      method: body === undefined ? 'GET' : 'POST',
      headers: { accept: 'application/json', authorization: accessToken, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(AUTH_REQUEST_TIMEOUT_MS),
    });
    status = response.status;
    text = await response.text();
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new OutpostError('NetworkError', `cannot reach ${server}: ${why}`, { server });
  }
  if (status === 401) {
    const reason = reasonOf(text);
    throw new Unauthorized(messageOf(text) ?? 'the server refused this sign-in: sign in again', {
      server,
      status,
      ...(reason === undefined ? {} : { reason }),
    });
  }
  if (status === 400) throw new ValidationError(messageOf(text) ?? 'the server refused the request', 'deviceId');
  if (status === 404) throw new OutpostError('NotFound', messageOf(text) ?? `${server} has no device routes`, { server, status });
  if (status < 200 || status >= 300) {
    throw new OutpostError('ServerError', `${server} answered HTTP ${status}: ${messageOf(text) ?? 'no details'}`, { server, status });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new OutpostError('ServerError', `${server} answered with something that is not JSON`, { server });
  }
}

/** Reads GET /auth/devices' answer; a ServerError naming what is missing when it is not a device list. */
export function devicesFrom(server: string, json: unknown): ServerDevice[] {
  const list = (json as { devices?: unknown } | null)?.devices;
  if (!Array.isArray(list)) throw new OutpostError('ServerError', `${server} answered /auth/devices without a devices list`, { server });
  return list.map((d: Record<string, unknown>) => {
    if (typeof d.deviceId !== 'string' || typeof d.name !== 'string') {
      throw new OutpostError('ServerError', `${server} listed a device without deviceId and name`, { server });
    }
    const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
    return {
      deviceId: d.deviceId,
      name: d.name,
      createdAt: num(d.createdAt),
      lastSeenAt: num(d.lastSeenAt),
      revokedAt: typeof d.revokedAt === 'number' ? d.revokedAt : null,
      liveSessions: num(d.liveSessions),
      current: d.current === true,
    };
  });
}

/** The signed-in user's devices (GET /auth/devices). */
export async function listDevices(server: string, accessToken: string, fetchImpl: DeviceFetch = fetch): Promise<ServerDevice[]> {
  return devicesFrom(server, await call(server, 'auth/devices', accessToken, undefined, fetchImpl));
}

/** Revokes another of the user's devices (POST /auth/devices/revoke); answers how many sessions ended. */
export async function revokeDevice(server: string, accessToken: string, deviceId: string, fetchImpl: DeviceFetch = fetch): Promise<number> {
  const json = (await call(server, 'auth/devices/revoke', accessToken, { deviceId }, fetchImpl)) as { sessionsEnded?: unknown } | null;
  return typeof json?.sessionsEnded === 'number' ? json.sessionsEnded : 0;
}
