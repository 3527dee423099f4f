// Sign-in sessions and their rotating refresh tokens. A session is the family of refresh tokens
// descending from one sign-in; each token is used once, and a used token presented again revokes
// the whole family. Tokens are stored only as SHA-256 hashes.
import { randomBytes, randomUUID } from 'node:crypto';
import { sql, type Kysely, type Selectable } from 'kysely';
import { ValidationError } from '../../common/errors.js';
import { toUser, type AuthUser } from './accounts.js';
import { DEVICE_REVOKED_SESSION_REASON } from './devices.js';
import { ms, msOrNull, sha256, type AuthDatabase } from './auth-tables.js';

/** A sign-in session: the family of refresh tokens descending from one sign-in. */
export interface AuthSession {
  readonly id: string;
  readonly userId: string;
  /** Epoch ms. */
  readonly createdAt: number;
  /** Epoch ms, or null while the session is live. */
  readonly revokedAt: number | null;
  readonly revokedReason: string | null;
  /** The device the sign-in was made on, or null. */
  readonly deviceId: string | null;
}

/** A freshly issued refresh token (shown to the client once). */
export interface IssuedRefreshToken {
  readonly refreshToken: string;
  readonly sessionId: string;
  /** Epoch ms. */
  readonly expiresAt: number;
}

/** Outcome of presenting a refresh token. `reused` means the whole session was revoked just now. */
export type RefreshRotation =
  | { readonly ok: true; readonly user: AuthUser; readonly issued: IssuedRefreshToken }
  | { readonly ok: false; readonly reason: 'unknown' | 'expired' | 'revoked' | 'reused' | 'user-unavailable' | 'device-revoked' };

/** The sessions aggregate. */
export interface Sessions {
  /** Starts a session for a user (on `deviceId`, when the client named one) and issues its first refresh token, valid `ttlMs`. */
  createSession(userId: string, ttlMs: number, deviceId?: string | null): Promise<IssuedRefreshToken>;
  /** Presents a refresh token: marks it used and issues its successor (valid `ttlMs`), or says why not. */
  rotateRefreshToken(refreshToken: string, ttlMs: number): Promise<RefreshRotation>;
  /** Revokes the session the refresh token belongs to; false when the token is unknown. */
  revokeRefreshToken(refreshToken: string, reason?: string): Promise<boolean>;
  /** Revokes every live session of a user; returns how many. */
  revokeUserSessions(userId: string, reason: string): Promise<number>;
  /** A session by id, or undefined. */
  getSession(sessionId: string): Promise<AuthSession | undefined>;
  /** Deletes expired refresh tokens and sessions with none left; returns the number of rows removed. */
  purgeExpired(): Promise<number>;
}

function toSession(row: Selectable<AuthDatabase['outpost_auth_sessions']>): AuthSession {
  return {
    id: row.id,
    userId: row.user_id,
    createdAt: ms(row.created_at),
    revokedAt: msOrNull(row.revoked_at),
    revokedReason: row.revoked_reason,
    deviceId: row.device_id ?? null,
  };
}

function checkTtl(ttlMs: number): void {
  if (!Number.isSafeInteger(ttlMs) || ttlMs <= 0) {
    throw new ValidationError('refresh token lifetime must be a positive whole number of milliseconds', 'ttlMs');
  }
}

function plausibleToken(token: unknown): token is string {
  return typeof token === 'string' && token.length > 0 && token.length <= 512;
}

type Clock = () => number;

/** Sessions over `db`; `now` is epoch ms. */
export function createSessions(db: Kysely<AuthDatabase>, now: Clock): Sessions {
  return {
    async createSession(userId, ttlMs, deviceId = null) {
      checkTtl(ttlMs);
      return db.transaction().execute(async (trx) => {
        const familyId = randomUUID();
        await trx
          .insertInto('outpost_auth_sessions')
          .values({ id: familyId, user_id: userId, created_at: now(), revoked_at: null, revoked_reason: null, device_id: deviceId })
          .execute();
        return issueRefreshToken(trx, now, userId, familyId, ttlMs);
      });
    },
    async rotateRefreshToken(refreshToken, ttlMs) {
      checkTtl(ttlMs);
      if (!plausibleToken(refreshToken)) return { ok: false, reason: 'unknown' };
      return rotate(db, now, sha256(refreshToken), ttlMs);
    },
    revokeRefreshToken: (refreshToken, reason = 'signed out') => revokeRefreshToken(db, now, refreshToken, reason),
    async revokeUserSessions(userId, reason) {
      const result = await db
        .updateTable('outpost_auth_sessions')
        .set({ revoked_at: now(), revoked_reason: reason })
        .where('user_id', '=', userId)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows);
    },
    async getSession(sessionId) {
      const row = await db.selectFrom('outpost_auth_sessions').selectAll().where('id', '=', sessionId).executeTakeFirst();
      return row ? toSession(row) : undefined;
    },
    purgeExpired: () => purgeExpired(db, now()),
  };
}

async function issueRefreshToken(executor: Kysely<AuthDatabase>, now: Clock, userId: string, familyId: string, ttlMs: number): Promise<IssuedRefreshToken> {
  const refreshToken = randomBytes(32).toString('base64url');
  const created = now();
  const expiresAt = created + ttlMs;
  await executor
    .insertInto('outpost_auth_refresh_tokens')
    .values({
      id: randomUUID(),
      family_id: familyId,
      user_id: userId,
      token_hash: sha256(refreshToken),
      created_at: created,
      expires_at: expiresAt,
      used_at: null,
    })
    .execute();
  return { refreshToken, sessionId: familyId, expiresAt };
}

async function revokeSession(executor: Kysely<AuthDatabase>, now: Clock, sessionId: string, reason: string): Promise<void> {
  await executor
    .updateTable('outpost_auth_sessions')
    .set({ revoked_at: now(), revoked_reason: reason })
    .where('id', '=', sessionId)
    .where('revoked_at', 'is', null)
    .execute();
}

async function rotate(db: Kysely<AuthDatabase>, now: Clock, hash: string, ttlMs: number): Promise<RefreshRotation> {
  return db.transaction().execute(async (trx): Promise<RefreshRotation> => {
    const token = await trx.selectFrom('outpost_auth_refresh_tokens').selectAll().where('token_hash', '=', hash).executeTakeFirst();
    if (!token) return { ok: false, reason: 'unknown' };
    const session = await trx.selectFrom('outpost_auth_sessions').selectAll().where('id', '=', token.family_id).executeTakeFirst();
    if (!session || session.revoked_at !== null)
      return { ok: false, reason: session?.revoked_reason === DEVICE_REVOKED_SESSION_REASON ? 'device-revoked' : 'revoked' };
    if (token.used_at !== null) {
      // A used token presented again means two holders: the legitimate client and a thief. We cannot
      // tell which is which, so the whole family dies and the user signs in again.
      await revokeSession(trx, now, token.family_id, 'refresh token reuse detected');
      return { ok: false, reason: 'reused' };
    }
    if (ms(token.expires_at) <= now()) return { ok: false, reason: 'expired' };
    const userRowById = await trx.selectFrom('outpost_auth_users').selectAll().where('id', '=', token.user_id).executeTakeFirst();
    if (!userRowById || Number(userRowById.disabled) !== 0) {
      await revokeSession(trx, now, token.family_id, 'account unavailable');
      return { ok: false, reason: 'user-unavailable' };
    }
    const marked = await trx
      .updateTable('outpost_auth_refresh_tokens')
      .set({ used_at: now() })
      .where('id', '=', token.id)
      .where('used_at', 'is', null)
      .executeTakeFirst();
    if (Number(marked.numUpdatedRows) !== 1) {
      // Another request used this token between our read and our write: that is reuse too.
      await revokeSession(trx, now, token.family_id, 'refresh token reuse detected');
      return { ok: false, reason: 'reused' };
    }
    const issued = await issueRefreshToken(trx, now, token.user_id, token.family_id, ttlMs);
    return { ok: true, user: toUser(userRowById), issued };
  });
}

async function revokeRefreshToken(db: Kysely<AuthDatabase>, now: Clock, refreshToken: string, reason: string): Promise<boolean> {
  if (!plausibleToken(refreshToken)) return false;
  const token = await db.selectFrom('outpost_auth_refresh_tokens').select('family_id').where('token_hash', '=', sha256(refreshToken)).executeTakeFirst();
  if (!token) return false;
  await revokeSession(db, now, token.family_id, reason);
  return true;
}

/** Deletes refresh tokens expired by `cutoff` (epoch ms), then sessions left without any. */
async function purgeExpired(db: Kysely<AuthDatabase>, cutoff: number): Promise<number> {
  const tokens = await db.deleteFrom('outpost_auth_refresh_tokens').where('expires_at', '<', cutoff).executeTakeFirst();
  const sessions = await db
    .deleteFrom('outpost_auth_sessions')
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('outpost_auth_refresh_tokens')
            .select(sql<number>`1`.as('one'))
            .whereRef('outpost_auth_refresh_tokens.family_id', '=', 'outpost_auth_sessions.id'),
        ),
      ),
    )
    .executeTakeFirst();
  return Number(tokens.numDeletedRows) + Number(sessions.numDeletedRows);
}
