// The auth store's tables: names, row types and DDL, shared by its four aggregates (accounts, API
// keys, sessions, signing keys). Times are epoch milliseconds in BIGINT columns (node-postgres
// returns those as strings, hence `ms()`); booleans are 0/1 integers in both databases.
import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';

/** Table names, prefixed so they never collide with a model's table. */
export const AUTH_TABLES = {
  users: 'outpost_auth_users',
  apiKeys: 'outpost_auth_api_keys',
  sessions: 'outpost_auth_sessions',
  refreshTokens: 'outpost_auth_refresh_tokens',
  secrets: 'outpost_auth_secrets',
  devices: 'outpost_auth_devices',
} as const;

type Millis = number | string | bigint;

/** The auth tables as Kysely sees them. */
export interface AuthDatabase {
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
    /** The device the sign-in was made on (null: a client that named none). */
    device_id: string | null;
  };
  outpost_auth_devices: {
    user_id: string;
    device_id: string;
    name: string;
    created_at: Millis;
    last_seen_at: Millis;
    revoked_at: Millis | null;
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

/** A BIGINT epoch-ms column value as a number. */
export function ms(value: Millis): number {
  return Number(value);
}

/** `ms`, keeping null. */
export function msOrNull(value: Millis | null): number | null {
  return value === null ? null : Number(value);
}

/** Hex SHA-256 of a UTF-8 string: how API keys and refresh tokens are stored (160+ random bits need no slow hash). */
export function sha256(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

/** Creates the auth tables and indexes that are missing (IF NOT EXISTS; callers hold the dialect's DDL lock). */
export async function createAuthTables(db: Kysely<AuthDatabase>): Promise<void> {
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
    .addColumn('device_id', 'text')
    .execute();
  await addMissingColumn(db, AUTH_TABLES.sessions, 'device_id', 'text');
  await db.schema.createIndex('outpost_auth_sessions_user').ifNotExists().on(AUTH_TABLES.sessions).column('user_id').execute();
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
  await db.schema.createIndex('outpost_auth_refresh_tokens_family').ifNotExists().on(AUTH_TABLES.refreshTokens).column('family_id').execute();
  await db.schema
    .createTable(AUTH_TABLES.devices)
    .ifNotExists()
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('device_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('last_seen_at', 'bigint', (c) => c.notNull())
    .addColumn('revoked_at', 'bigint')
    .addPrimaryKeyConstraint('outpost_auth_devices_pk', ['user_id', 'device_id'])
    .execute();
  // The revocation watch asks "which sessions ended since t" every second or so.
  await db.schema.createIndex('outpost_auth_sessions_revoked').ifNotExists().on(AUTH_TABLES.sessions).column('revoked_at').execute();
  await db.schema
    .createTable(AUTH_TABLES.secrets)
    .ifNotExists()
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
}

/** Adds `column` to a table made by an older Outpost (CREATE TABLE IF NOT EXISTS left it out). */
async function addMissingColumn(db: Kysely<AuthDatabase>, table: string, column: string, type: 'text'): Promise<void> {
  const tables = await db.introspection.getTables();
  const found = tables.find((t) => t.name === table);
  if (found === undefined || found.columns.some((c) => c.name === column)) return;
  await db.schema.alterTable(table).addColumn(column, type).execute();
}
