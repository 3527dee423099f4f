// The Settings screen's devices: this device as the open profile knows it, and the user's devices
// on the server (GET /auth/devices with the access token), with "Sign out that device" (POST
// /auth/devices/revoke). Only an Outpost account (password) profile has devices; offline or with
// the server unreachable, this device is still shown and `problem` says why the list is missing.
import { hostname } from 'node:os';
import { OutpostError, ValidationError } from '../../common/errors.js';
import type { ParsedRequestOf, ResponseOf } from '../../common/ipc/contract.js';
import { listDevices, revokeDevice, type DeviceFetch } from '../auth/device-client.js';
import { deviceNameFor, isDeviceRevoked } from '../auth/device-identity.js';
import type { ProfileRecord } from '../auth/profiles.js';
import { currentSession, type CoreContext } from './core-context.js';
import { hostOf } from './sync-activity-words.js';

/** Why a profile of `mode` has no device list, or null when it has one. */
export function noDevicesReason(mode: ProfileRecord['mode']): string | null {
  switch (mode) {
    case 'password':
      return null;
    case 'apiKey':
      return 'This profile signs in with an API key: the server keeps devices only for Outpost accounts.';
    case 'offline':
      return 'This is an offline profile: it has no server, so no devices.';
    case 'oidc':
      return 'This profile signs in with an identity provider: the server keeps devices only for Outpost accounts.';
  }
}

/** The plain words for a failure asking `server` about devices. */
export function devicesProblem(server: string, error: unknown): string {
  if (error instanceof OutpostError && error.code === 'NetworkError') {
    return `Cannot reach ${hostOf(server)}: the list of your devices needs the server. Try again when this computer is online.`;
  }
  if (error instanceof OutpostError && error.code === 'NotFound') return `${hostOf(server)} does not keep devices (an older server or another backend).`;
  return error instanceof Error ? error.message : String(error);
}

export interface DeviceListDeps {
  /** Told when the server answered that this device was revoked: the profile is wiped (device-revocation.ts). */
  readonly onRevoked: (profileId: string) => void;
  readonly fetch?: DeviceFetch;
}

/** The `devices` and `revokeDevice` channels over the open session. */
export function deviceList(ctx: CoreContext, deps: DeviceListDeps) {
  const accountOf = () => {
    const open = currentSession(ctx);
    const profile = open.signedIn.profile;
    const credentials = open.signedIn.credentials;
    return { profile, session: credentials.kind === 'userPools' && profile.server !== null ? credentials.session : null };
  };
  const watching = async <T>(profileId: string, work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      if (isDeviceRevoked(error)) deps.onRevoked(profileId);
      throw error;
    }
  };

  return {
    devices: async (): Promise<ResponseOf<'devices'>> => {
      const { profile, session } = accountOf();
      const reason = noDevicesReason(profile.mode);
      if (reason !== null || session === null || profile.server === null) return { thisDevice: null, devices: null, problem: reason };
      const thisDevice = { deviceId: profile.deviceId ?? null, name: profile.deviceName ?? deviceNameFor(hostname()) };
      const server = profile.server;
      try {
        const devices = await watching(profile.id, async () => listDevices(server, await session.accessToken(), deps.fetch));
        return { thisDevice, devices, problem: null };
      } catch (error) {
        return { thisDevice, devices: null, problem: devicesProblem(server, error) };
      }
    },
    revokeDevice: async ({ deviceId }: ParsedRequestOf<'revokeDevice'>): Promise<ResponseOf<'revokeDevice'>> => {
      const { profile, session } = accountOf();
      const reason = noDevicesReason(profile.mode);
      if (reason !== null || session === null || profile.server === null) throw new ValidationError(reason ?? 'this profile has no devices', 'deviceId');
      if (deviceId === profile.deviceId) throw new ValidationError('This is the device you are using: sign out instead', 'deviceId');
      const server = profile.server;
      try {
        const sessionsEnded = await watching(profile.id, async () => revokeDevice(server, await session.accessToken(), deviceId, deps.fetch));
        return { revoked: true, sessionsEnded };
      } catch (error) {
        if (error instanceof OutpostError && error.code === 'NetworkError') {
          throw new OutpostError('NetworkError', `Cannot reach ${hostOf(server)}: signing out another device needs the server. Try again when online.`);
        }
        throw error;
      }
    },
  };
}
