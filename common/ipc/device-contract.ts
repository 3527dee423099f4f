// The devices part of the IPC contract (issue 15 "Devices and revocation"), spread into `requests`
// and `events` of contract.ts. Only an Outpost account (password) profile has devices: the server
// keeps one per sign-in's device id, lists the user's and lets them end another one's access.
import { z } from 'zod';

/** One device of the signed-in user, as the server lists it. Times are ms since the epoch. */
export const deviceShape = z.object({
  deviceId: z.string(),
  name: z.string(),
  createdAt: z.number(),
  lastSeenAt: z.number(),
  /** When it was revoked, or null while it may sign in. */
  revokedAt: z.number().nullable(),
  liveSessions: z.number().int(),
  /** The device this app runs on. */
  current: z.boolean(),
});

/** This device as the open profile knows it (null id: signed in before devices were kept). */
export const thisDeviceShape = z.object({ deviceId: z.string().nullable(), name: z.string() });

export const deviceRequests = {
  /**
   * This device and the user's devices on the server (GET /auth/devices). `devices` is null with
   * `problem` saying why in plain words when the server cannot be asked (offline, not an Outpost account).
   */
  devices: {
    request: z.object({}).strict(),
    response: z.object({ thisDevice: thisDeviceShape.nullable(), devices: z.array(deviceShape).nullable(), problem: z.string().nullable() }),
  },
  /** Signs another of the user's devices out for good (POST /auth/devices/revoke): its sessions end, its data is removed when it next connects. */
  revokeDevice: {
    request: z.object({ deviceId: z.string().min(8).max(100) }).strict(),
    response: z.object({ revoked: z.literal(true), sessionsEnded: z.number().int() }),
  },
} as const;

export const deviceEvents = {
  /**
   * The server said this device was revoked: sync stopped and the profile's local data, drafts
   * and saved sign-in were removed before this was sent. `lost` changes had not reached the server.
   */
  deviceRevoked: z.object({ profileId: z.string(), username: z.string(), server: z.string(), lost: z.number().int(), message: z.string() }),
} as const;
