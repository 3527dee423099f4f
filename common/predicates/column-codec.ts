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

/**
 * What the column codec and predicate SQL need to know of one database, as data: the server's
 * dialect objects contain one, and the local store passes SQLITE_FLAVOUR. Node-free on purpose.
 */
export interface SqlFlavour {
  readonly name: SqlDialect;
  /** Boolean values: 0/1 integers (SQLite has no boolean type) or the database's own booleans. */
  readonly booleans: 'integer' | 'native';
  /** Collation that compares text by code point, or null when the database already does (SQLite's BINARY). */
  readonly collation: string | null;
  /** Column types of the non-text storage kinds. */
  readonly columnTypes: { readonly integer: ColumnType; readonly float: ColumnType; readonly boolean: ColumnType };
  /** "Some element of this JSON-array column equals v": jsonb containment, or a json_each scan. */
  readonly listMembership: 'jsonb-containment' | 'json-each';
  /** Case-sensitive substring position function (neither gives %, _ or \ a meaning, unlike LIKE). */
  readonly substringFunction: 'strpos' | 'instr';
  /** Prefix test: a native starts_with, or an index-friendly range confirmed by the substring function. */
  readonly prefixMatch: 'starts-with' | 'range';
}

export const SQLITE_FLAVOUR: SqlFlavour = {
  name: 'sqlite',
  booleans: 'integer',
  collation: null,
  columnTypes: { integer: 'INTEGER', float: 'REAL', boolean: 'INTEGER' },
  listMembership: 'json-each',
  substringFunction: 'instr',
  prefixMatch: 'range',
};

export const POSTGRES_FLAVOUR: SqlFlavour = {
  name: 'postgres',
  booleans: 'native',
  // PostgreSQL's default collation is usually linguistic; "C" is code point (byte) order.
  collation: 'C',
  columnTypes: { integer: 'BIGINT', float: 'DOUBLE PRECISION', boolean: 'BOOLEAN' },
  listMembership: 'jsonb-containment',
  substringFunction: 'strpos',
  prefixMatch: 'starts-with',
};

const FLAVOURS: Readonly<Record<SqlDialect, SqlFlavour>> = { sqlite: SQLITE_FLAVOUR, postgres: POSTGRES_FLAVOUR };

/** The flavour given, or the one named (callers that only know the database's name). */
export function sqlFlavour(flavour: SqlFlavour | SqlDialect): SqlFlavour {
  return typeof flavour === 'string' ? FLAVOURS[flavour] : flavour;
}

/** A boolean as bound in `flavour`: 0/1 where booleans are integers. */
export function encodeBoolean(value: boolean, flavour: SqlFlavour): boolean | number {
  return flavour.booleans === 'native' ? value : value ? 1 : 0;
}

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

/** The column type for a stored field in `flavour` (or the flavour named; default SQLite); throws for relation fields. */
export function columnTypeFor(field: FieldDef, flavour: SqlFlavour | SqlDialect = SQLITE_FLAVOUR): ColumnType {
  const kind = storageOf(field);
  return kind === 'json' || kind === 'text' ? 'TEXT' : sqlFlavour(flavour).columnTypes[kind];
}

function typeName(field: FieldDef): string {
  const name = field.type.name;
  return field.isList ? `[${name}]` : name;
}

function reject(field: FieldDef, value: unknown, expected: string): never {
  throw new ValidationError(`${field.name} (${typeName(field)}) needs ${expected}, got ${showValue(value)}`, field.name);
}

/**
 * A record value → the value to bind for its column in `flavour` (or the flavour named; default
 * SQLite). Checks only the JavaScript type (the datastore validates the rest first) so a wrong
 * value never reaches storage.
 */
export function encodeColumnValue(field: FieldDef, value: unknown, flavour: SqlFlavour | SqlDialect = SQLITE_FLAVOUR): ColumnValue {
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
      return encodeBoolean(value, sqlFlavour(flavour));
  }
}

/** Turns one column's value as read back (from either dialect's driver) into the record value; NULL → null. */
export type ColumnDecoder = (raw: unknown) => unknown;

// One function per storage kind, chosen once per field (columnDecoder), so decoding a row does no
// schema lookups and makes no closures; only list and object columns are parsed as JSON.
const decodeJson: ColumnDecoder = (raw) => (raw === null || raw === undefined ? null : typeof raw === 'string' ? (JSON.parse(raw) as unknown) : raw);
const decodeText: ColumnDecoder = (raw) => (raw === null || raw === undefined ? null : typeof raw === 'string' ? raw : String(raw));
// node-postgres returns BIGINT as a string; better-sqlite3 may return a bigint.
const decodeNumber: ColumnDecoder = (raw) => (raw === null || raw === undefined ? null : typeof raw === 'number' ? raw : Number(raw));
const decodeBoolean: ColumnDecoder = (raw) =>
  raw === null || raw === undefined ? null : raw === true || raw === 1 || raw === 1n || raw === 't' || raw === 'true';
const DECODERS: Readonly<Record<Storage, ColumnDecoder>> = {
  json: decodeJson,
  text: decodeText,
  integer: decodeNumber,
  float: decodeNumber,
  boolean: decodeBoolean,
};

/** The decoder of a stored field's column (the same for both dialects); throws for relation fields. */
export function columnDecoder(field: FieldDef): ColumnDecoder {
  return DECODERS[storageOf(field)];
}

/** A column value read back (from either dialect's driver) → the record value; NULL → null. */
export function decodeColumnValue(field: FieldDef, raw: unknown, _flavour: SqlFlavour | SqlDialect = SQLITE_FLAVOUR): unknown {
  return columnDecoder(field)(raw);
}
