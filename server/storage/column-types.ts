// How a model field becomes a server column and back, per database. Lists, embedded objects and
// AWSJSON are JSON text (PostgreSQL `text`, not `jsonb`, so key order and numbers survive exactly).
import type { FieldDef } from '../../common/schema/types.js';
import type { StorageDialect } from './storage.js';

type ColumnKind = 'text' | 'integer' | 'bigint' | 'float' | 'boolean' | 'json';

function kindOf(field: FieldDef): ColumnKind {
  if (field.isList || field.type.kind === 'embedded') return 'json';
  if (field.type.kind === 'enum' || field.type.kind === 'model') return 'text';
  switch (field.type.name) {
    case 'Int':
      return 'integer';
    case 'AWSTimestamp':
      return 'bigint';
    case 'Float':
      return 'float';
    case 'Boolean':
      return 'boolean';
    default:
      return 'text';
  }
}

/** SQL column type of `field` (nullable; required-ness is enforced by validation, not the table). */
export function columnSqlType(field: FieldDef, dialect: StorageDialect): string {
  const kind = kindOf(field);
  if (dialect === 'sqlite') {
    return kind === 'integer' || kind === 'bigint' || kind === 'boolean' ? 'integer' : kind === 'float' ? 'real' : 'text';
  }
  return kind === 'float' ? 'double precision' : kind === 'json' ? 'text' : kind;
}

/** The column value for a field value (`undefined` and `null` both store NULL). */
export function encodeColumn(field: FieldDef, value: unknown, dialect: StorageDialect): unknown {
  if (value === null || value === undefined) return null;
  const kind = kindOf(field);
  if (kind === 'json') return JSON.stringify(value);
  if (kind === 'boolean' && dialect === 'sqlite') return value === true ? 1 : 0;
  return value;
}

/** The field value for a column value read back from either database. */
export function decodeColumn(field: FieldDef, raw: unknown): unknown {
  if (raw === null || raw === undefined) return null;
  switch (kindOf(field)) {
    case 'json':
      return typeof raw === 'string' ? (JSON.parse(raw) as unknown) : raw;
    case 'boolean':
      return raw === true || raw === 1 || raw === 1n;
    case 'integer':
    case 'bigint':
    case 'float':
      return typeof raw === 'number' ? raw : Number(raw);
    default:
      return raw;
  }
}
