// Built-in accounts: create, list, look up, change password/groups/disabled, check credentials.
// Changing a password or disabling an account signs the user out everywhere (through `signOut`).
import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import { NotFound, ValidationError } from '../../common/errors.js';
import { checkPassword, normalizeGroups, normalizeUsername } from './account-rules.js';
import type { StorageDialect } from '../storage/storage-dialect.js';
import { ms, type AuthDatabase } from './auth-tables.js';
import { hashPassword, needsRehash, verifyDecoyPassword, verifyPassword } from './password-hash.js';

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

/** Outcome of a username + password check; `bad-credentials` covers unknown users and wrong passwords alike. */
export type CredentialCheck = { readonly ok: true; readonly user: AuthUser } | { readonly ok: false; readonly reason: 'bad-credentials' | 'disabled' };

/** The accounts aggregate. */
export interface Accounts {
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
}

/** An account row as the public record. */
export function toUser(row: Selectable<AuthDatabase['outpost_auth_users']>): AuthUser {
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

/** What every accounts operation works over. */
interface AccountsContext {
  readonly db: Kysely<AuthDatabase>;
  readonly dialect: StorageDialect;
  /** Clock, epoch ms. */
  readonly now: () => number;
  /** Revokes a user's live sessions. */
  readonly signOut: (userId: string, reason: string) => Promise<unknown>;
}

/** Accounts over `db` in `dialect`; `now` is epoch ms; `signOut` revokes a user's live sessions. */
export function createAccounts(
  db: Kysely<AuthDatabase>,
  dialect: StorageDialect,
  now: () => number,
  signOut: (userId: string, reason: string) => Promise<unknown>,
): Accounts {
  const context: AccountsContext = { db, dialect, now, signOut };
  return {
    addUser: (input) => addUser(context, input),
    removeUser: (username) => removeUser(context, username),
    listUsers: async () => (await db.selectFrom('outpost_auth_users').selectAll().orderBy('username').execute()).map(toUser),
    getUser: (username) => getUser(context, username),
    getUserById: async (id) => {
      const row = await db.selectFrom('outpost_auth_users').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? toUser(row) : undefined;
    },
    setPassword: (username, password) => setPassword(context, username, password),
    setGroups: (username, groups) => setGroups(context, username, groups),
    setDisabled: (username, disabled) => setDisabled(context, username, disabled),
    verifyCredentials: (username, password) => verifyCredentials(context, username, password),
  };
}

async function userRow({ db }: AccountsContext, username: string) {
  return db.selectFrom('outpost_auth_users').selectAll().where('username', '=', username).executeTakeFirst();
}

async function requireUser(context: AccountsContext, rawUsername: string): Promise<AuthUser> {
  const username = normalizeUsername(rawUsername);
  const row = await userRow(context, username);
  if (!row) throw new NotFound(`no user named ${JSON.stringify(username)}`, { username });
  return toUser(row);
}

async function addUser({ db, dialect, now }: AccountsContext, input: Parameters<Accounts['addUser']>[0]): Promise<AuthUser> {
  const username = normalizeUsername(input.username);
  checkPassword(input.password, username);
  const groups = normalizeGroups(input.groups ?? []);
  const row = {
    id: randomUUID(),
    username,
    password_hash: await hashPassword(input.password),
    groups: JSON.stringify(groups),
    created_at: now(),
    disabled: 0,
    tokens_valid_after: 0,
  };
  try {
    await db.insertInto('outpost_auth_users').values(row).execute();
  } catch (err) {
    if (dialect.isUniqueViolation(err)) {
      throw new ValidationError(`username ${JSON.stringify(username)} already exists`, 'username');
    }
    throw err;
  }
  return toUser(row);
}

async function removeUser({ db }: AccountsContext, rawUsername: string): Promise<boolean> {
  const username = normalizeUsername(rawUsername);
  return db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom('outpost_auth_users').select('id').where('username', '=', username).executeTakeFirst();
    if (!row) return false;
    await trx.deleteFrom('outpost_auth_refresh_tokens').where('user_id', '=', row.id).execute();
    await trx.deleteFrom('outpost_auth_sessions').where('user_id', '=', row.id).execute();
    await trx.deleteFrom('outpost_auth_users').where('id', '=', row.id).execute();
    return true;
  });
}

async function getUser(context: AccountsContext, rawUsername: string): Promise<AuthUser | undefined> {
  let username: string;
  try {
    username = normalizeUsername(rawUsername);
  } catch {
    return undefined;
  }
  const row = await userRow(context, username);
  return row ? toUser(row) : undefined;
}

async function setPassword(context: AccountsContext, rawUsername: string, password: string): Promise<void> {
  const user = await requireUser(context, rawUsername);
  checkPassword(password, user.username);
  const hash = await hashPassword(password);
  await context.db.updateTable('outpost_auth_users').set({ password_hash: hash, tokens_valid_after: context.now() }).where('id', '=', user.id).execute();
  await context.signOut(user.id, 'password changed');
}

async function setGroups(context: AccountsContext, rawUsername: string, groups: readonly string[]): Promise<AuthUser> {
  const user = await requireUser(context, rawUsername);
  const normalized = normalizeGroups(groups);
  await context.db
    .updateTable('outpost_auth_users')
    .set({ groups: JSON.stringify(normalized) })
    .where('id', '=', user.id)
    .execute();
  return { ...user, groups: normalized };
}

async function setDisabled(context: AccountsContext, rawUsername: string, disabled: boolean): Promise<AuthUser> {
  const user = await requireUser(context, rawUsername);
  const validAfter = disabled ? context.now() : user.tokensValidAfter;
  await context.db
    .updateTable('outpost_auth_users')
    .set({ disabled: disabled ? 1 : 0, tokens_valid_after: validAfter })
    .where('id', '=', user.id)
    .execute();
  if (disabled) await context.signOut(user.id, 'account disabled');
  return { ...user, disabled, tokensValidAfter: validAfter };
}

async function verifyCredentials(context: AccountsContext, rawUsername: string, password: string): Promise<CredentialCheck> {
  let username: string | undefined;
  try {
    username = normalizeUsername(rawUsername);
  } catch {
    username = undefined;
  }
  const row = username === undefined || typeof password !== 'string' ? undefined : await userRow(context, username);
  if (!row) {
    await verifyDecoyPassword(typeof password === 'string' ? password : '');
    return { ok: false, reason: 'bad-credentials' };
  }
  if (!(await verifyPassword(password, row.password_hash))) return { ok: false, reason: 'bad-credentials' };
  if (Number(row.disabled) !== 0) return { ok: false, reason: 'disabled' };
  if (needsRehash(row.password_hash)) {
    // Raised cost parameters reach existing accounts at their next sign-in.
    await context.db
      .updateTable('outpost_auth_users')
      .set({ password_hash: await hashPassword(password) })
      .where('id', '=', row.id)
      .execute();
  }
  return { ok: true, user: toUser(row) };
}
