// The auth store: the composition of its aggregates over the `outpost_auth_*` tables —
// accounts (accounts.ts), API keys (api-keys.ts), sign-in sessions with their rotating refresh
// tokens (sessions.ts), the devices they were made on (devices.ts) and named server secrets such as
// the token-signing key (signing-keys.ts).
// One implementation for SQLite and PostgreSQL through Kysely; tables in auth-tables.ts.
import type { Kysely } from 'kysely';
import { ValidationError } from '../../common/errors.js';
import type { SqlDialect } from '../../common/predicates/column-codec.js';
import { storageDialect } from '../storage/dialects.js';
import type { StorageDialect } from '../storage/storage-dialect.js';
import type { Storage } from '../storage/storage.js';
import { createAccounts, type Accounts } from './accounts.js';
import { createApiKeys, type ApiKeys } from './api-keys.js';
import { createAuthTables, type AuthDatabase } from './auth-tables.js';
import { createDevices, type Devices } from './devices.js';
import { createSessions, type Sessions } from './sessions.js';
import { createSigningKeys, type SigningKeys } from './signing-keys.js';

export type { AuthUser, CredentialCheck } from './accounts.js';
export type { ApiKeyInfo } from './api-keys.js';
export type { AuthSession, IssuedRefreshToken, RefreshRotation } from './sessions.js';
export type { AuthDevice, DeviceClaim } from './devices.js';
export { AUTH_TABLES, type AuthDatabase } from './auth-tables.js';

/** The SQL dialects the auth store runs on (by name). */
export type AuthStoreDialect = SqlDialect;

/** Options of createAuthStore. */
export interface AuthStoreOptions {
  /** Clock in epoch ms; default Date.now. */
  readonly now?: () => number;
}

/** Everything the rest of the server and the CLI do with auth data. */
export interface AuthStore extends Accounts, ApiKeys, Sessions, Devices, SigningKeys {
  readonly dialect: AuthStoreDialect;
}

/**
 * Creates the auth tables if missing (idempotent; safe with several processes on one PostgreSQL)
 * and returns the store. `db` is a Kysely instance on either database and `dialect` its dialect
 * object or name; the store only touches its own `outpost_auth_*` tables.
 */
export async function createAuthStore<DB>(db: Kysely<DB>, dialect: StorageDialect | AuthStoreDialect, options: AuthStoreOptions = {}): Promise<AuthStore> {
  const resolved = storageDialect(dialect);
  if (resolved === undefined) {
    throw new ValidationError(`unknown auth store dialect ${JSON.stringify(dialect)}: use sqlite or postgres`, 'dialect');
  }
  // The caller's DB type knows nothing of our tables; they are ours alone, typed here.
  const kdb = db as unknown as Kysely<AuthDatabase>;
  const now = options.now ?? Date.now;
  // IF NOT EXISTS is not atomic on PostgreSQL: server processes starting together would collide
  // on the catalog, so the DDL runs under the dialect's DDL lock.
  await resolved.withDdlLock(kdb, 'outpost_auth_tables', (locked) => createAuthTables(locked as Kysely<AuthDatabase>));
  const sessions = createSessions(kdb, now);
  return {
    dialect: resolved.name,
    ...createAccounts(kdb, resolved, now, (userId, reason) => sessions.revokeUserSessions(userId, reason)),
    ...createApiKeys(kdb, now),
    ...sessions,
    ...createDevices(kdb, now),
    ...createSigningKeys(kdb, now),
  };
}

/** The auth store in `storage`'s database (its own tables, through `storage.ownTables`). */
export async function openAuthStore(storage: Storage, options: AuthStoreOptions = {}): Promise<AuthStore> {
  const tables = storage.ownTables<AuthDatabase>();
  return createAuthStore(tables.db, tables.dialect, options);
}
