// The auth tables and every read/write on them: accounts, API keys, sign-in sessions with their
// rotating refresh tokens, and named server secrets (the token-signing key). One implementation
// for SQLite and PostgreSQL through Kysely; times are epoch milliseconds in BIGINT columns
// (node-postgres returns those as strings, hence `ms()`), booleans are 0/1 integers.
// API keys and refresh tokens are stored only as SHA-256 hashes: they are 160+ bits of randomness,
// so a fast hash is enough, and a leaked database does not leak usable credentials.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { sql, type Kysely, type Selectable } from 'kysely';
import { NotFound, ValidationError } from '../../common/errors.js';
import { checkApiKeyDays, checkPassword, normalizeGroups, normalizeUsername } from './account-rules.js';
import { hashPassword, needsRehash, verifyDecoyPassword, verifyPassword } from './password-hash.js';

/** The SQL dialects the auth store runs on. */
export type AuthStoreDialect = 'sqlite' | 'postgres';

/** A built-in account, without its password hash. */
export interface AuthUser {
  /** Stable subject (`sub`), a UUID. */
  readonly id: string;
  /** Lower-case, unique. */
  readonly username: string;
  readonly groups: readonly string[];
  /** Epoch ms. */
  readonly createdAt: number;
  readonly disabled: boolean;
  /** Epoch ms; tokens issued before this (password change, disable) are refused. */
  readonly tokensValidAfter: number;
}

/** An API key's metadata; the key itself is shown once, at creation, and never stored. */
export interface ApiKeyInfo {
  readonly id: string;
  readonly description: string;
  /** Epoch ms. */
  readonly createdAt: number;
  /** Epoch ms. */
  readonly expiresAt: number;
  /** Epoch ms, or null while the key is active. */
  readonly revokedAt: number | null;
}

/** A sign-in session: the family of refresh tokens descending from one sign-in. */
export interface AuthSession {
  readonly id: string;
  readonly userId: string;
  /** Epoch ms. */
  readonly createdAt: number;
  /** Epoch ms, or null while the session is live. */
  readonly revokedAt: number | null;
  readonly revokedReason: string | null;
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
  | { readonly ok: false; readonly reason: 'unknown' | 'expired' | 'revoked' | 'reused' | 'user-unavailable' };

/** Outcome of a username + password check; `bad-credentials` covers unknown users and wrong passwords alike. */
export type CredentialCheck =
  | { readonly ok: true; readonly user: AuthUser }
  | { readonly ok: false; readonly reason: 'bad-credentials' | 'disabled' };

/** Options of createAuthStore. */
export interface AuthStoreOptions {
  /** Clock in epoch ms; default Date.now. */
  readonly now?: () => number;
}

/** Everything the rest of the server and the CLI do with auth data. */
export interface AuthStore {
  readonly dialect: AuthStoreDialect;
  /** Creates an account; throws ValidationError naming the field (incl. "username … already exists"). */
  addUser(input: { username: string; password: string; groups?: readonly string[] }): Promise<AuthUser>;
  /** Deletes an account and all its sessions; false when there was no such user. */
  removeUser(username: string): Promise<boolean>;
  /** Every account, ordered by username. */
  listUsers(): Promise<AuthUser[]>;
  /** The account with this username (case-insensitive), or undefined. */
  getUser(username: string): Promise<AuthUser | undefined>;
  /** The account with this `sub`, or undefined. */
  getUserById(id: string): Promise<AuthUser | undefined>;
  /** Sets a new password and signs the user out everywhere (sessions revoked, older tokens refused). Throws NotFound. */
  setPassword(username: string, password: string): Promise<void>;
  /** Replaces the user's groups (takes effect in tokens issued from now on). Throws NotFound. */
  setGroups(username: string, groups: readonly string[]): Promise<AuthUser>;
  /** Disables or re-enables an account; disabling signs the user out everywhere. Throws NotFound. */
  setDisabled(username: string, disabled: boolean): Promise<AuthUser>;
  /** Checks a username + password in constant-ish time whether or not the user exists. */
  verifyCredentials(username: string, password: string): Promise<CredentialCheck>;

  /** Creates an API key valid for `days` (default 7, AppSync's default); returns the key once. */
  createApiKey(input?: { days?: number; description?: string }): Promise<{ key: string; info: ApiKeyInfo }>;
  /** Every API key's metadata, newest first. */
  listApiKeys(): Promise<ApiKeyInfo[]>;
  /** Revokes a key by id; false when there was no such key (revoking twice is not an error). */
  revokeApiKey(id: string): Promise<boolean>;
  /** The metadata of the key with this secret value (whatever its state), or undefined. */
  findApiKey(key: string): Promise<ApiKeyInfo | undefined>;

  /** Starts a session for a user and issues its first refresh token, valid `ttlMs`. */
  createSession(userId: string, ttlMs: number): Promise<IssuedRefreshToken>;
  /** Presents a refresh token: marks it used and issues its successor (valid `ttlMs`), or says why not. */
  rotateRefreshToken(refreshToken: string, ttlMs: number): Promise<RefreshRotation>;
  /** Revokes the session the refresh token belongs to; false when the token is unknown. */
  revokeRefreshToken(refreshToken: string, reason?: string): Promise<boolean>;
  /** Revokes every live session of a user; returns how many. */
  revokeUserSessions(userId: string, reason: string): Promise<number>;
  /** A session by id, or undefined. */
  getSession(sessionId: string): Promise<AuthSession | undefined>;

  /** A named server secret, created by `create` on first use; concurrent first uses (several processes) agree. */
  secret(name: string, create: () => string | Promise<string>): Promise<string>;
  /** Deletes expired refresh tokens and sessions with none left; returns the number of rows removed. */
  purgeExpired(): Promise<number>;
}

/** Table names, prefixed so they never collide with a model's table. */
export const AUTH_TABLES = {
  users: 'outpost_auth_users',
  apiKeys: 'outpost_auth_api_keys',
  sessions: 'outpost_auth_sessions',
  refreshTokens: 'outpost_auth_refresh_tokens',
  secrets: 'outpost_auth_secrets',
} as const;

type Millis = number | string | bigint;

interface AuthDatabase {
  outpost_auth_users: {
    id: string;
    username: string;
    password_hash: string;
    groups: string;
    created_at: Millis;
    disabled: number;
    tokens_valid_after: Millis;
  };
  outpost_auth_api_keys: {
    id: string;
    key_hash: string;
    description: string;
    created_at: Millis;
    expires_at: Millis;
    revoked_at: Millis | null;
  };
  outpost_auth_sessions: {
    id: string;
    user_id: string;
    created_at: Millis;
    revoked_at: Millis | null;
    revoked_reason: string | null;
  };
  outpost_auth_refresh_tokens: {
    id: string;
    family_id: string;
    user_id: string;
    token_hash: string;
    created_at: Millis;
    expires_at: Millis;
    used_at: Millis | null;
  };
  outpost_auth_secrets: {
    name: string;
    value: string;
    created_at: Millis;
  };
}

const DEFAULT_API_KEY_DAYS = 7;
const DAY_MS = 86_400_000;
const DESCRIPTION_MAX = 256;

function ms(value: Millis): number {
  return Number(value);
}

function msOrNull(value: Millis | null): number | null {
  return value === null ? null : Number(value);
}

function sha256(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

function toUser(row: Selectable<AuthDatabase['outpost_auth_users']>): AuthUser {
  let groups: string[] = [];
  try {
    const parsed: unknown = JSON.parse(row.groups);
    if (Array.isArray(parsed)) groups = parsed.filter((g): g is string => typeof g === 'string');
  } catch {
    // A hand-edited, unparsable groups column means "no groups", never a crash on every request.
  }
  return {
    id: row.id,
    username: row.username,
    groups,
    createdAt: ms(row.created_at),
    disabled: Number(row.disabled) !== 0,
    tokensValidAfter: ms(row.tokens_valid_after),
  };
}

function toApiKey(row: Selectable<AuthDatabase['outpost_auth_api_keys']>): ApiKeyInfo {
  return {
    id: row.id,
    description: row.description,
    createdAt: ms(row.created_at),
    expiresAt: ms(row.expires_at),
    revokedAt: msOrNull(row.revoked_at),
  };
}

function toSession(row: Selectable<AuthDatabase['outpost_auth_sessions']>): AuthSession {
  return {
    id: row.id,
    userId: row.user_id,
    createdAt: ms(row.created_at),
    revokedAt: msOrNull(row.revoked_at),
    revokedReason: row.revoked_reason,
  };
}

function isUniqueViolation(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  // better-sqlite3: SQLITE_CONSTRAINT_UNIQUE / _PRIMARYKEY; PostgreSQL: unique_violation.
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === '23505';
}

async function createTables(db: Kysely<AuthDatabase>): Promise<void> {
  await db.schema
    .createTable(AUTH_TABLES.users)
    .ifNotExists()
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('username', 'text', (c) => c.notNull().unique())
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('groups', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('disabled', 'integer', (c) => c.notNull())
    .addColumn('tokens_valid_after', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable(AUTH_TABLES.apiKeys)
    .ifNotExists()
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('key_hash', 'text', (c) => c.notNull().unique())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('revoked_at', 'bigint')
    .execute();
  await db.schema
    .createTable(AUTH_TABLES.sessions)
    .ifNotExists()
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('revoked_at', 'bigint')
    .addColumn('revoked_reason', 'text')
    .execute();
  await db.schema
    .createIndex('outpost_auth_sessions_user')
    .ifNotExists()
    .on(AUTH_TABLES.sessions)
    .column('user_id')
    .execute();
  await db.schema
    .createTable(AUTH_TABLES.refreshTokens)
    .ifNotExists()
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('family_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('used_at', 'bigint')
    .execute();
  await db.schema
    .createIndex('outpost_auth_refresh_tokens_family')
    .ifNotExists()
    .on(AUTH_TABLES.refreshTokens)
    .column('family_id')
    .execute();
  await db.schema
    .createTable(AUTH_TABLES.secrets)
    .ifNotExists()
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
}

/**
 * Creates the auth tables if missing (idempotent; safe with several processes on one PostgreSQL)
 * and returns the store. `db` is the server's Kysely instance for either dialect; the store only
 * touches its own `outpost_auth_*` tables.
 */
export async function createAuthStore<DB>(
  db: Kysely<DB>,
  dialect: AuthStoreDialect,
  options: AuthStoreOptions = {},
): Promise<AuthStore> {
  if (dialect !== 'sqlite' && dialect !== 'postgres') {
    throw new ValidationError(`unknown auth store dialect ${JSON.stringify(dialect)}: use sqlite or postgres`, 'dialect');
  }
  // The caller's DB type knows nothing of our tables; they are ours alone, typed here.
  const kdb = db as unknown as Kysely<AuthDatabase>;
  const now = options.now ?? Date.now;
  if (dialect === 'postgres') {
    // IF NOT EXISTS is not atomic on PostgreSQL: server processes starting together would collide
    // on the catalog. DDL is transactional there, so take a lock for the transaction's length.
    await kdb.transaction().execute(async (trx) => {
      await sql`select pg_advisory_xact_lock(hashtext('outpost_auth_tables'))`.execute(trx);
      await createTables(trx);
    });
  } else {
    await createTables(kdb);
  }

  async function userRow(username: string) {
    return kdb.selectFrom('outpost_auth_users').selectAll().where('username', '=', username).executeTakeFirst();
  }

  async function requireUser(rawUsername: string): Promise<AuthUser> {
    const username = normalizeUsername(rawUsername);
    const row = await userRow(username);
    if (!row) throw new NotFound(`no user named ${JSON.stringify(username)}`, { username });
    return toUser(row);
  }

  async function revokeUserSessions(userId: string, reason: string): Promise<number> {
    const result = await kdb
      .updateTable('outpost_auth_sessions')
      .set({ revoked_at: now(), revoked_reason: reason })
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  async function issueRefreshToken(
    executor: Kysely<AuthDatabase>,
    userId: string,
    familyId: string,
    ttlMs: number,
  ): Promise<IssuedRefreshToken> {
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

  function checkTtl(ttlMs: number): void {
    if (!Number.isSafeInteger(ttlMs) || ttlMs <= 0) {
      throw new ValidationError('refresh token lifetime must be a positive whole number of milliseconds', 'ttlMs');
    }
  }

  return {
    dialect,

    async addUser(input) {
      const username = normalizeUsername(input.username);
      checkPassword(input.password, username);
      const groups = normalizeGroups(input.groups ?? []);
      const created = now();
      const row = {
        id: randomUUID(),
        username,
        password_hash: await hashPassword(input.password),
        groups: JSON.stringify(groups),
        created_at: created,
        disabled: 0,
        tokens_valid_after: 0,
      };
      try {
        await kdb.insertInto('outpost_auth_users').values(row).execute();
      } catch (err) {
        if (isUniqueViolation(err)) {
          throw new ValidationError(`username ${JSON.stringify(username)} already exists`, 'username');
        }
        throw err;
      }
      return toUser(row);
    },

    async removeUser(rawUsername) {
      const username = normalizeUsername(rawUsername);
      return kdb.transaction().execute(async (trx) => {
        const row = await trx.selectFrom('outpost_auth_users').select('id').where('username', '=', username).executeTakeFirst();
        if (!row) return false;
        await trx.deleteFrom('outpost_auth_refresh_tokens').where('user_id', '=', row.id).execute();
        await trx.deleteFrom('outpost_auth_sessions').where('user_id', '=', row.id).execute();
        await trx.deleteFrom('outpost_auth_users').where('id', '=', row.id).execute();
        return true;
      });
    },

    async listUsers() {
      const rows = await kdb.selectFrom('outpost_auth_users').selectAll().orderBy('username').execute();
      return rows.map(toUser);
    },

    async getUser(rawUsername) {
      let username: string;
      try {
        username = normalizeUsername(rawUsername);
      } catch {
        return undefined;
      }
      const row = await userRow(username);
      return row ? toUser(row) : undefined;
    },

    async getUserById(id) {
      const row = await kdb.selectFrom('outpost_auth_users').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? toUser(row) : undefined;
    },

    async setPassword(rawUsername, password) {
      const user = await requireUser(rawUsername);
      checkPassword(password, user.username);
      const hash = await hashPassword(password);
      await kdb
        .updateTable('outpost_auth_users')
        .set({ password_hash: hash, tokens_valid_after: now() })
        .where('id', '=', user.id)
        .execute();
      await revokeUserSessions(user.id, 'password changed');
    },

    async setGroups(rawUsername, groups) {
      const user = await requireUser(rawUsername);
      const normalized = normalizeGroups(groups);
      await kdb.updateTable('outpost_auth_users').set({ groups: JSON.stringify(normalized) }).where('id', '=', user.id).execute();
      return { ...user, groups: normalized };
    },

    async setDisabled(rawUsername, disabled) {
      const user = await requireUser(rawUsername);
      const validAfter = disabled ? now() : user.tokensValidAfter;
      await kdb
        .updateTable('outpost_auth_users')
        .set({ disabled: disabled ? 1 : 0, tokens_valid_after: validAfter })
        .where('id', '=', user.id)
        .execute();
      if (disabled) await revokeUserSessions(user.id, 'account disabled');
      return { ...user, disabled, tokensValidAfter: validAfter };
    },

    async verifyCredentials(rawUsername, password) {
      let username: string | undefined;
      try {
        username = normalizeUsername(rawUsername);
      } catch {
        username = undefined;
      }
      const row = username === undefined || typeof password !== 'string' ? undefined : await userRow(username);
      if (!row) {
        await verifyDecoyPassword(typeof password === 'string' ? password : '');
        return { ok: false, reason: 'bad-credentials' };
      }
      if (!(await verifyPassword(password, row.password_hash))) return { ok: false, reason: 'bad-credentials' };
      if (Number(row.disabled) !== 0) return { ok: false, reason: 'disabled' };
      if (needsRehash(row.password_hash)) {
        // Raised cost parameters reach existing accounts at their next sign-in.
        await kdb
          .updateTable('outpost_auth_users')
          .set({ password_hash: await hashPassword(password) })
          .where('id', '=', row.id)
          .execute();
      }
      return { ok: true, user: toUser(row) };
    },

    async createApiKey(input = {}) {
      const days = input.days ?? DEFAULT_API_KEY_DAYS;
      checkApiKeyDays(days);
      const description = input.description ?? '';
      if (typeof description !== 'string' || description.length > DESCRIPTION_MAX) {
        throw new ValidationError(`description must be a string of at most ${DESCRIPTION_MAX} characters`, 'description');
      }
      const key = `da2-${randomBytes(20).toString('hex')}`;
      const created = now();
      const row = {
        id: randomBytes(6).toString('hex'),
        key_hash: sha256(key),
        description,
        created_at: created,
        expires_at: created + days * DAY_MS,
        revoked_at: null,
      };
      await kdb.insertInto('outpost_auth_api_keys').values(row).execute();
      return { key, info: toApiKey(row) };
    },

    async listApiKeys() {
      const rows = await kdb.selectFrom('outpost_auth_api_keys').selectAll().orderBy('created_at', 'desc').orderBy('id').execute();
      return rows.map(toApiKey);
    },

    async revokeApiKey(id) {
      if (typeof id !== 'string' || id.length === 0) throw new ValidationError('API key id must be a non-empty string', 'id');
      const row = await kdb.selectFrom('outpost_auth_api_keys').select(['id', 'revoked_at']).where('id', '=', id).executeTakeFirst();
      if (!row) return false;
      if (row.revoked_at === null) {
        await kdb.updateTable('outpost_auth_api_keys').set({ revoked_at: now() }).where('id', '=', id).execute();
      }
      return true;
    },

    async findApiKey(key) {
      if (typeof key !== 'string' || key.length === 0 || key.length > 512) return undefined;
      const row = await kdb.selectFrom('outpost_auth_api_keys').selectAll().where('key_hash', '=', sha256(key)).executeTakeFirst();
      return row ? toApiKey(row) : undefined;
    },

    async createSession(userId, ttlMs) {
      checkTtl(ttlMs);
      return kdb.transaction().execute(async (trx) => {
        const familyId = randomUUID();
        await trx
          .insertInto('outpost_auth_sessions')
          .values({ id: familyId, user_id: userId, created_at: now(), revoked_at: null, revoked_reason: null })
          .execute();
        return issueRefreshToken(trx, userId, familyId, ttlMs);
      });
    },

    async rotateRefreshToken(refreshToken, ttlMs) {
      checkTtl(ttlMs);
      if (typeof refreshToken !== 'string' || refreshToken.length === 0 || refreshToken.length > 512) {
        return { ok: false, reason: 'unknown' };
      }
      const hash = sha256(refreshToken);
      return kdb.transaction().execute(async (trx): Promise<RefreshRotation> => {
        const token = await trx.selectFrom('outpost_auth_refresh_tokens').selectAll().where('token_hash', '=', hash).executeTakeFirst();
        if (!token) return { ok: false, reason: 'unknown' };
        const session = await trx.selectFrom('outpost_auth_sessions').selectAll().where('id', '=', token.family_id).executeTakeFirst();
        if (!session || session.revoked_at !== null) return { ok: false, reason: 'revoked' };
        const revokeFamily = async (reason: string) => {
          await trx
            .updateTable('outpost_auth_sessions')
            .set({ revoked_at: now(), revoked_reason: reason })
            .where('id', '=', token.family_id)
            .where('revoked_at', 'is', null)
            .execute();
        };
        if (token.used_at !== null) {
          // A used token presented again means two holders: the legitimate client and a thief. We cannot
          // tell which is which, so the whole family dies and the user signs in again.
          await revokeFamily('refresh token reuse detected');
          return { ok: false, reason: 'reused' };
        }
        if (ms(token.expires_at) <= now()) return { ok: false, reason: 'expired' };
        const userRowById = await trx.selectFrom('outpost_auth_users').selectAll().where('id', '=', token.user_id).executeTakeFirst();
        if (!userRowById || Number(userRowById.disabled) !== 0) {
          await revokeFamily('account unavailable');
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
          await revokeFamily('refresh token reuse detected');
          return { ok: false, reason: 'reused' };
        }
        const issued = await issueRefreshToken(trx, token.user_id, token.family_id, ttlMs);
        return { ok: true, user: toUser(userRowById), issued };
      });
    },

    async revokeRefreshToken(refreshToken, reason = 'signed out') {
      if (typeof refreshToken !== 'string' || refreshToken.length === 0 || refreshToken.length > 512) return false;
      const token = await kdb
        .selectFrom('outpost_auth_refresh_tokens')
        .select('family_id')
        .where('token_hash', '=', sha256(refreshToken))
        .executeTakeFirst();
      if (!token) return false;
      await kdb
        .updateTable('outpost_auth_sessions')
        .set({ revoked_at: now(), revoked_reason: reason })
        .where('id', '=', token.family_id)
        .where('revoked_at', 'is', null)
        .execute();
      return true;
    },

    revokeUserSessions,

    async getSession(sessionId) {
      const row = await kdb.selectFrom('outpost_auth_sessions').selectAll().where('id', '=', sessionId).executeTakeFirst();
      return row ? toSession(row) : undefined;
    },

    async secret(name, create) {
      const existing = await kdb.selectFrom('outpost_auth_secrets').select('value').where('name', '=', name).executeTakeFirst();
      if (existing) return existing.value;
      const value = await create();
      await kdb
        .insertInto('outpost_auth_secrets')
        .values({ name, value, created_at: now() })
        .onConflict((oc) => oc.column('name').doNothing())
        .execute();
      // Read back: if another process won the race, its value is the one everybody uses.
      const stored = await kdb.selectFrom('outpost_auth_secrets').select('value').where('name', '=', name).executeTakeFirstOrThrow();
      return stored.value;
    },

    async purgeExpired() {
      const cutoff = now();
      const tokens = await kdb.deleteFrom('outpost_auth_refresh_tokens').where('expires_at', '<', cutoff).executeTakeFirst();
      const sessions = await kdb
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
    },
  };
}
