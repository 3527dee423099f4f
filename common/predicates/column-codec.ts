// The one definition of how a field is stored in SQL, shared by the local store (SQLite) and the
// server storage (SQLite or PostgreSQL), and assumed by to-sql.ts:
// - String, ID, the AWS string scalars and enums: TEXT.
// - Int and AWSTimestamp: INTEGER (PostgreSQL BIGINT). Float: REAL (PostgreSQL DOUBLE PRECISION).
// - Boolean: INTEGER 0/1 in SQLite (it has no boolean), BOOLEAN in PostgreSQL.
// - Lists and embedded objects: JSON text (TEXT in both, so one codec serves both dialects).
// - AWSJSON: its JSON text as given (the wire form), TEXT.
// - null/missing: NULL.
import { ValidationError } from '../errors.js';
import type { FieldDef } from '../schema/types.js';
import { showValue } from './show-value.js';

/** The SQL databases Outpost stores records in. */
export type SqlDialect = 'sqlite' | 'postgres';

/** A column type name as written in CREATE TABLE. */
export type ColumnType = 'TEXT' | 'INTEGER' | 'REAL' | 'BIGINT' | 'DOUBLE PRECISION' | 'BOOLEAN';

/** A value as bound to a statement parameter. */
export type ColumnValue = string | number | boolean | null;

type Storage = 'json' | 'text' | 'integer' | 'float' | 'boolean';

function storageOf(field: FieldDef): Storage {
  const type = field.type;
  if (type.kind === 'model') {
    throw new ValidationError(`field ${field.name} is a relation to ${type.name} and has no column`, field.name);
  }
  if (field.isList || type.kind === 'embedded') return 'json';
  if (type.kind === 'enum') return 'text';
  switch (type.name) {
    case 'Int':
    case 'AWSTimestamp':
      return 'integer';
    case 'Float':
      return 'float';
    case 'Boolean':
      return 'boolean';
    default:
      return 'text';
  }
}

/** The column type for a stored field in `dialect` (default sqlite); throws for relation fields. */
export function columnTypeFor(field: FieldDef, dialect: SqlDialect = 'sqlite'): ColumnType {
  switch (storageOf(field)) {
    case 'json':
    case 'text':
      return 'TEXT';
    case 'integer':
      return dialect === 'postgres' ? 'BIGINT' : 'INTEGER';
    case 'float':
      return dialect === 'postgres' ? 'DOUBLE PRECISION' : 'REAL';
    case 'boolean':
      return dialect === 'postgres' ? 'BOOLEAN' : 'INTEGER';
  }
}

function typeName(field: FieldDef): string {
  const name = field.type.name;
  return field.isList ? `[${name}]` : name;
}

function reject(field: FieldDef, value: unknown, expected: string): never {
  throw new ValidationError(`${field.name} (${typeName(field)}) needs ${expected}, got ${showValue(value)}`, field.name);
}

/**
 * A record value → the value to bind for its column in `dialect` (default sqlite). Checks only the
 * JavaScript type (the datastore validates the rest first) so a wrong value never reaches storage.
 */
export function encodeColumnValue(field: FieldDef, value: unknown, dialect: SqlDialect = 'sqlite'): ColumnValue {
  if (value === null || value === undefined) return null;
  switch (storageOf(field)) {
    case 'json':
      if (field.isList ? !Array.isArray(value) : typeof value !== 'object' || Array.isArray(value)) {
        reject(field, value, field.isList ? 'an array' : 'an object');
      }
      return JSON.stringify(value);
    case 'text':
      if (typeof value === 'string') return value;
      // AWSJSON may arrive parsed (amplify-js hands objects to the app); store its JSON text.
      if (field.type.kind === 'scalar' && field.type.name === 'AWSJSON') return JSON.stringify(value);
      return reject(field, value, 'a string');
    case 'integer':
      if (typeof value !== 'number' || !Number.isSafeInteger(value)) reject(field, value, 'an integer');
      return value;
    case 'float':
      if (typeof value !== 'number' || !Number.isFinite(value)) reject(field, value, 'a finite number');
      return value;
    case 'boolean':
      if (typeof value !== 'boolean') reject(field, value, 'true or false');
      return dialect === 'postgres' ? value : value ? 1 : 0;
  }
}

/** A column value read back (from either dialect's driver) → the record value; NULL → null. */
export function decodeColumnValue(field: FieldDef, raw: unknown, _dialect: SqlDialect = 'sqlite'): unknown {
  if (raw === null || raw === undefined) return null;
  switch (storageOf(field)) {
    case 'json':
      return typeof raw === 'string' ? (JSON.parse(raw) as unknown) : raw;
    case 'text':
      return String(raw);
    case 'integer':
      // node-postgres returns BIGINT as a string; better-sqlite3 may return a bigint.
      return typeof raw === 'number' ? raw : Number(raw);
    case 'float':
      return typeof raw === 'number' ? raw : Number(raw);
    case 'boolean':
      return raw === true || raw === 1 || raw === 1n || raw === 't' || raw === 'true';
  }
}
