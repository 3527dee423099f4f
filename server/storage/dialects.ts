// The dialect object of each database the server supports, by name (for callers handed only a name).
import type { SqlDialect } from '../../common/predicates/column-codec.js';
import { postgresDialect } from './postgres/postgres-dialect.js';
import { sqliteDialect } from './sqlite/sqlite-dialect.js';
import type { StorageDialect } from './storage-dialect.js';

const DIALECTS: Readonly<Record<SqlDialect, StorageDialect>> = { sqlite: sqliteDialect, postgres: postgresDialect };

/** The dialect object given, or the one named; undefined for an unknown name. */
export function storageDialect(dialect: StorageDialect | string): StorageDialect | undefined {
  if (typeof dialect !== 'string') return dialect;
  return Object.hasOwn(DIALECTS, dialect) ? DIALECTS[dialect as SqlDialect] : undefined;
}
