// Which device a password sign-in is made on: a random id kept with the profile (a new one after a
// revocation wiped the profile, so signing in again registers a new device) and a name the user
// recognises in the list of their devices. And the one test of a server's "this device is revoked".
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { OutpostError } from '../../common/errors.js';
import { DEVICE_REVOKED_REASON } from '../../common/wire-extensions.js';

/** The device a sign-in names (POST /auth/token `deviceId`, `deviceName`). */
export interface DeviceClaim {
  readonly deviceId: string;
  readonly deviceName: string;
}

/** The server's rule for a device id: 8–100 of [A-Za-z0-9._:-] (server/auth/devices.ts). */
export const DEVICE_ID_PATTERN = /^[A-Za-z0-9._:-]{8,100}$/;

/** The device name for a computer called `host` ("Outpost on field-laptop-3"); at most 200 characters. */
export function deviceNameFor(host: string): string {
  const name = host.trim() === '' ? 'this computer' : host.trim();
  return `Outpost on ${name}`.slice(0, 200);
}

/** The claim to sign in with: the profile's kept one when it has a valid one, else a fresh id. */
export function deviceClaimFor(kept: { readonly deviceId?: string | undefined } | undefined, host: string = hostname()): DeviceClaim {
  const deviceId = kept?.deviceId !== undefined && DEVICE_ID_PATTERN.test(kept.deviceId) ? kept.deviceId : randomUUID();
  return { deviceId, deviceName: deviceNameFor(host) };
}

/** True when `error` is the server saying this device was revoked (`reason: 'deviceRevoked'` on a 401). */
export function isDeviceRevoked(error: unknown): boolean {
  return error instanceof OutpostError && error.details?.reason === DEVICE_REVOKED_REASON;
}
