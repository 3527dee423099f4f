// Picks the storage implementation from a database URL: `sqlite:PATH` (default) or `postgres://…`.
import { ValidationError } from '../../common/errors.js';
import type { KyselyStorage } from './kysely-storage.js';
import { PostgresStorage } from './postgres-storage.js';
import { SqliteStorage } from './sqlite-storage.js';
import type { Storage } from './storage.js';

/** Default database when none is given (relative to the working directory). */
export const DEFAULT_DATABASE = 'sqlite:.outpost/server.db';

/** PostgreSQL's connection pool per server process (SQLite has one connection). */
export interface PoolOptions {
  /** Connections; default 10. */
  readonly maxConnections?: number;
  /** Longest wait for a free connection before the request is refused as overload, ms; default 2000. */
  readonly poolWaitMs?: number;
}

/** Opens the storage named by `url` (`sqlite:PATH`, `sqlite::memory:`, `postgres://…` or `postgresql://…`). */
export async function openStorage(url: string, reportError?: (error: unknown) => void, pool: PoolOptions = {}): Promise<Storage> {
  return openKyselyStorage(url, reportError, pool);
}

/**
 * `openStorage`, typed as the Kysely-based class: for tests and tools that inspect or seed the
 * database itself (`kysely`); the server and its `RunningServer.storage` use the Storage interface.
 */
export async function openKyselyStorage(url: string, reportError?: (error: unknown) => void, pool: PoolOptions = {}): Promise<KyselyStorage> {
  if (url.startsWith('sqlite:')) {
    const path = url.slice('sqlite:'.length);
    if (path === '') throw new ValidationError('--database sqlite: needs a file path, e.g. sqlite:.outpost/server.db', 'database');
    return SqliteStorage.open(path);
  }
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) return PostgresStorage.open(url, { ...pool, ...(reportError ? { reportError } : {}) });
  throw new ValidationError(`--database must be sqlite:PATH or postgres://…, got "${url}"`, 'database');
}
