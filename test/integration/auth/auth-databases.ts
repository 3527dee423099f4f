// Real databases for the auth tests: a SQLite file in a temp dir, and a throw-away PostgreSQL
// database `outpost_test_<random>` on 127.0.0.1:5432 (skipped, with the reason, when it does not answer).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import pg from 'pg';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import type { AuthStoreDialect } from '../../../server/auth/auth-store.js';

/** One opened database; `close` destroys it (temp dir removed, PostgreSQL database dropped). */
export interface TestDatabase {
  readonly dialect: AuthStoreDialect;
  readonly db: Kysely<object>;
  /** Another connection pool to the same database (like a second server process); destroy its `db` yourself. */
  reopen(): Promise<TestDatabase>;
  close(): Promise<void>;
}

const PG_ADMIN = { host: '127.0.0.1', port: 5432, user: 'postgres', database: 'postgres' };

/** Opens a SQLite file database in a fresh temp directory. */
export async function openSqlite(): Promise<TestDatabase> {
  const dir = mkdtempSync(join(tmpdir(), 'outpost-auth-'));
  const sqlite = new Database(join(dir, 'auth.db'));
  sqlite.pragma('journal_mode = WAL');
  const db = new Kysely<object>({ dialect: new SqliteDialect({ database: sqlite }) });
  const self: TestDatabase = {
    dialect: 'sqlite',
    db,
    async reopen() {
      const other = new Kysely<object>({ dialect: new SqliteDialect({ database: new Database(join(dir, 'auth.db')) }) });
      return { ...self, db: other, reopen: self.reopen, close: () => other.destroy() };
    },
    async close() {
      await db.destroy();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return self;
}

/** Why PostgreSQL tests are skipped, or undefined when 127.0.0.1:5432 answers. */
export async function postgresUnavailable(): Promise<string | undefined> {
  const client = new pg.Client({ ...PG_ADMIN, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('select 1');
    return undefined;
  } catch (err) {
    return `PostgreSQL at 127.0.0.1:5432 did not answer: ${(err as Error).message}`;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Creates `outpost_test_<random>` and opens it; `close` drops it. */
export async function openPostgres(): Promise<TestDatabase> {
  const name = `outpost_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client(PG_ADMIN);
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const connect = () => new Kysely<object>({ dialect: new PostgresDialect({ pool: new pg.Pool({ ...PG_ADMIN, database: name, max: 4 }) }) });
  const db = connect();
  const self: TestDatabase = {
    dialect: 'postgres',
    db,
    async reopen() {
      const other = connect();
      return { ...self, db: other, close: () => other.destroy() };
    },
    async close() {
      await db.destroy();
      const dropper = new pg.Client(PG_ADMIN);
      await dropper.connect();
      try {
        await dropper.query(`drop database if exists ${name} with (force)`);
      } finally {
        await dropper.end();
      }
    },
  };
  return self;
}
