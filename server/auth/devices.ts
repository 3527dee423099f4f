// Devices: each sign-in names the device it was made on (an id the client keeps per profile and a
// name the user recognises). Revoking a device ends every sign-in session made on it at once — the
// authenticator checks the session on every request and the real-time endpoint watches for ended
// sessions — and refuses its id from then on, so a stolen laptop cannot sign in again as itself.
import type { Kysely, Selectable } from 'kysely';
import { NotFound, Unauthorized, ValidationError } from '../../common/errors.js';
import { DEVICE_REVOKED_REASON } from '../../common/wire-extensions.js';
import { ms, msOrNull, type AuthDatabase } from './auth-tables.js';

/** One device a user signed in on. */
export interface AuthDevice {
  readonly userId: string;
  /** Chosen by the client (a UUID it keeps per profile). */
  readonly deviceId: string;
  readonly name: string;
  /** Epoch ms of the first sign-in. */
  readonly createdAt: number;
  /** Epoch ms of the last sign-in or token refresh. */
  readonly lastSeenAt: number;
  /** Epoch ms, or null while the device may sign in. */
  readonly revokedAt: number | null;
  /** Sign-in sessions on it that are still live. */
  readonly liveSessions: number;
}

/** The device a sign-in names. */
export interface DeviceClaim {
  readonly deviceId: string;
  readonly name: string;
}

/** Why a session was revoked when its device was: the authenticator tells the client by this. */
export const DEVICE_REVOKED_SESSION_REASON = 'device revoked';

/** The message a revoked device gets on every route. */
export const DEVICE_REVOKED_MESSAGE = 'This device was revoked: its access to this server has ended and its local data is to be removed';

/** The devices aggregate. */
export interface Devices {
  /** Records (or refreshes) the device a sign-in is made on; throws Unauthorized (reason `deviceRevoked`) for a revoked one. */
  registerDevice(userId: string, claim: DeviceClaim): Promise<AuthDevice>;
  /** The user's devices (all users' when undefined), most recently seen first. */
  listDevices(userId?: string): Promise<AuthDevice[]>;
  /** Revokes a device and ends its sessions; returns how many sessions ended. Throws NotFound for an unknown device. */
  revokeDevice(userId: string, deviceId: string): Promise<number>;
  /** Marks the device seen now (a refresh); unknown devices are ignored. */
  touchDevice(userId: string, deviceId: string): Promise<void>;
  /** Ids of sessions revoked at or after `since` (epoch ms), for the real-time revocation watch. */
  sessionsRevokedSince(since: number): Promise<string[]>;
}

const DEVICE_ID = /^[A-Za-z0-9._:-]{8,100}$/;
const NAME_MAX = 200;

/** The device claim of a sign-in body, checked; undefined when the body names none. */
export function checkDeviceClaim(deviceId: unknown, name: unknown): DeviceClaim | undefined {
  if (deviceId === undefined || deviceId === null) {
    if (name !== undefined && name !== null) throw new ValidationError('deviceName needs a deviceId', 'deviceId');
    return undefined;
  }
  if (typeof deviceId !== 'string' || !DEVICE_ID.test(deviceId)) {
    throw new ValidationError('deviceId must be 8 to 100 letters, digits or . _ : - (a UUID the app keeps per profile)', 'deviceId');
  }
  const label = name === undefined || name === null ? 'unnamed device' : name;
  if (typeof label !== 'string' || label.trim() === '' || label.length > NAME_MAX) {
    throw new ValidationError(`deviceName must be 1 to ${NAME_MAX} characters`, 'deviceName');
  }
  return { deviceId, name: label.trim() };
}

function toDevice(row: Selectable<AuthDatabase['outpost_auth_devices']>, liveSessions: number): AuthDevice {
  return {
    userId: row.user_id,
    deviceId: row.device_id,
    name: row.name,
    createdAt: ms(row.created_at),
    lastSeenAt: ms(row.last_seen_at),
    revokedAt: msOrNull(row.revoked_at),
    liveSessions,
  };
}

/** Devices over `db`; `now` is epoch ms. */
export function createDevices(db: Kysely<AuthDatabase>, now: () => number): Devices {
  async function liveCounts(userId: string | undefined): Promise<Map<string, number>> {
    let query = db
      .selectFrom('outpost_auth_sessions')
      .select(['user_id', 'device_id', db.fn.countAll<number | string>().as('n')])
      .where('revoked_at', 'is', null)
      .where('device_id', 'is not', null)
      .groupBy(['user_id', 'device_id']);
    if (userId !== undefined) query = query.where('user_id', '=', userId);
    const rows = await query.execute();
    return new Map(rows.map((r) => [`${r.user_id}\n${r.device_id}`, Number(r.n)]));
  }

  return {
    async registerDevice(userId, claim) {
      return db.transaction().execute(async (trx) => {
        const at = now();
        const row = await trx
          .selectFrom('outpost_auth_devices')
          .selectAll()
          .where('user_id', '=', userId)
          .where('device_id', '=', claim.deviceId)
          .executeTakeFirst();
        if (row?.revoked_at !== undefined && row.revoked_at !== null) {
          throw new Unauthorized(DEVICE_REVOKED_MESSAGE, { reason: DEVICE_REVOKED_REASON });
        }
        if (row) {
          await trx
            .updateTable('outpost_auth_devices')
            .set({ name: claim.name, last_seen_at: at })
            .where('user_id', '=', userId)
            .where('device_id', '=', claim.deviceId)
            .execute();
          return toDevice({ ...row, name: claim.name, last_seen_at: at }, 0);
        }
        const fresh = { user_id: userId, device_id: claim.deviceId, name: claim.name, created_at: at, last_seen_at: at, revoked_at: null };
        await trx.insertInto('outpost_auth_devices').values(fresh).execute();
        return toDevice(fresh, 0);
      });
    },

    async listDevices(userId) {
      let query = db.selectFrom('outpost_auth_devices').selectAll().orderBy('last_seen_at', 'desc').orderBy('device_id');
      if (userId !== undefined) query = query.where('user_id', '=', userId);
      const [rows, counts] = await Promise.all([query.execute(), liveCounts(userId)]);
      return rows.map((row) => toDevice(row, counts.get(`${row.user_id}\n${row.device_id}`) ?? 0));
    },

    async revokeDevice(userId, deviceId) {
      return db.transaction().execute(async (trx) => {
        const at = now();
        const marked = await trx
          .updateTable('outpost_auth_devices')
          .set({ revoked_at: at })
          .where('user_id', '=', userId)
          .where('device_id', '=', deviceId)
          .executeTakeFirst();
        if (Number(marked.numUpdatedRows) === 0) throw new NotFound(`no device ${JSON.stringify(deviceId)} of this user`);
        const ended = await trx
          .updateTable('outpost_auth_sessions')
          .set({ revoked_at: at, revoked_reason: DEVICE_REVOKED_SESSION_REASON })
          .where('user_id', '=', userId)
          .where('device_id', '=', deviceId)
          .where('revoked_at', 'is', null)
          .executeTakeFirst();
        return Number(ended.numUpdatedRows);
      });
    },

    async touchDevice(userId, deviceId) {
      await db.updateTable('outpost_auth_devices').set({ last_seen_at: now() }).where('user_id', '=', userId).where('device_id', '=', deviceId).execute();
    },

    async sessionsRevokedSince(since) {
      const rows = await db.selectFrom('outpost_auth_sessions').select('id').where('revoked_at', '>=', since).execute();
      return rows.map((r) => r.id);
    },
  };
}
