// The records an export writes, read a page at a time so only one page is in memory (issue 13
// "Export": 100,000 records stay flat). The next page starts after the last record read (a keyset
// cursor, as a predicate over the sort fields and the primary key): each page costs the same, and
// a record saved meanwhile is neither read twice nor skipped. The cursor follows the datastore's
// order exactly — ORDER BY the sort fields (SQLite puts NULL first ascending, last descending),
// then the key fields ascending; strings by code point, as predicates compare them. An enum or a
// boolean has no `lt`/`gt`, but few values: what comes after one of them is the values that sort
// after it (the schema's enum members, false < true), named one by one with `eq`.
import { describeField } from '../../common/predicates/filterable-fields.js';
import type { Predicate } from '../../common/predicates/types.js';
import { findField } from '../../common/schema/model-fields.js';
import type { FieldDef, ModelDef, ModelRecord, Schema } from '../../common/schema/types.js';

/** One sort key, as the datastore takes it. */
export interface ExportSort {
  readonly field: string;
  readonly direction: 'asc' | 'desc';
}

/** What an export reads from: the datastore's `query` (ties broken by primary key ascending). */
export interface ExportSource {
  query(
    model: string,
    options: { where?: Predicate; sort?: readonly ExportSort[]; page?: number; limit?: number; search?: string; ignoreCase?: boolean },
  ): Promise<ModelRecord[]>;
}

/** Records per page read from the datastore (default of `recordPages`). */
export const EXPORT_PAGE_SIZE = 500;

/** The list's search box and its "ignore case and accents" filter, as the datastore's query takes them. */
export interface ExportMatching {
  readonly search?: string;
  readonly ignoreCase?: boolean;
}

/** `model`'s records matching `where` (and `matching`) in `sort` order, `pageSize` (default 500) at a time; no empty pages. */
export async function* recordPages(
  source: ExportSource,
  schema: Schema,
  model: ModelDef,
  where: Predicate | undefined,
  sort: readonly ExportSort[] | undefined,
  pageSize = EXPORT_PAGE_SIZE,
  matching: ExportMatching = {},
): AsyncGenerator<ModelRecord[]> {
  const sorted = {
    ...(sort && sort.length > 0 ? { sort } : {}),
    ...(matching.search ? { search: matching.search } : {}),
    ...(matching.ignoreCase ? { ignoreCase: true } : {}),
  };
  // ignoreCase folds every text comparison of the where, the keyset's after-the-cursor ones too,
  // which would then disagree with the sort's byte order: such an export pages by offset.
  const order = matching.ignoreCase ? null : keysetOrder(schema, model, sort ?? []);
  let last: ModelRecord | null = null;
  for (let page = 0; ; page++) {
    const records: ModelRecord[] =
      order !== null
        ? await source.query(model.name, { ...withWhere(both(where, last === null ? undefined : afterInOrder(order, last))), ...sorted, limit: pageSize })
        : await source.query(model.name, { ...withWhere(where), ...sorted, page, limit: pageSize });
    if (records.length > 0) yield records;
    if (records.length < pageSize) return;
    last = records[records.length - 1]!;
  }
}

/** One field of the full order; `values` lists, in the datastore's order, every value a field without `lt`/`gt` can hold. */
export interface OrderKey extends ExportSort {
  readonly values?: readonly (string | boolean)[];
}

/**
 * The datastore's full order for `sort` (the sort, then the key fields not in it, ascending), or
 * null when a field can be neither compared by `lt`/`gt` nor listed value by value (a list, an
 * embedded object, a relation): those few sorts page by offset.
 */
export function keysetOrder(schema: Schema, model: ModelDef, sort: readonly ExportSort[]): OrderKey[] | null {
  const order = [...sort, ...model.primaryKey.filter((k) => !sort.some((s) => s.field === k)).map((field) => ({ field, direction: 'asc' as const }))];
  const keys: OrderKey[] = [];
  for (const entry of order) {
    const field = findField(model, entry.field);
    const described = field === undefined ? undefined : describeField(field);
    if (field === undefined || described === undefined || !('operators' in described) || described.isList) return null;
    if (described.operators.includes('gt')) keys.push(entry);
    else {
      const values = listedValues(schema, field);
      if (values === null) return null;
      keys.push({ ...entry, values });
    }
  }
  return keys;
}

// An enum's members by code point (TEXT in SQLite: members are ASCII names), a boolean's false < true.
function listedValues(schema: Schema, field: FieldDef): readonly (string | boolean)[] | null {
  if (field.type.kind === 'enum') {
    const members = schema.enums[field.type.name]?.values;
    return members === undefined ? null : [...members].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }
  if (field.type.kind === 'scalar' && field.type.name === 'Boolean') return [false, true];
  return null;
}

/** Records after `record` in `order`: the first field after it, or equal and the second after it, … */
export function afterInOrder(order: readonly OrderKey[], record: ModelRecord): { readonly or: readonly Predicate[] } {
  return {
    or: order.flatMap((entry, i) => {
      const after = afterValue(entry, record[entry.field] ?? null);
      if (after === null) return [];
      return [{ and: [...order.slice(0, i).map(({ field }) => ({ field, op: 'eq' as const, value: record[field] ?? null })), after] }];
    }),
  };
}

// What comes after `value` in one field's order (null: nothing does, a tie is broken by later fields).
function afterValue(key: OrderKey, value: unknown): Predicate | null {
  if (key.values !== undefined) return afterListed(key, value);
  const { field, direction } = key;
  if (direction === 'asc') return value === null ? { field, op: 'attributeExists', value: true } : { field, op: 'gt', value };
  return value === null
    ? null
    : {
        or: [
          { field, op: 'lt', value },
          { field, op: 'eq', value: null },
        ],
      };
}

// The listed values after `value`, each named (NULL sorts first ascending, last descending).
// A value the schema does not list (written by a newer schema) has no place in the list: after it
// come the listed values that sort after it as text.
function afterListed({ field, direction, values = [] }: OrderKey, value: unknown): Predicate | null {
  const rank = (v: string | boolean): number | string => (typeof v === 'boolean' ? Number(v) : v);
  const at = value === null ? null : rank(value as string | boolean);
  const later = direction === 'asc' ? values.filter((v) => at === null || rank(v) > at) : values.filter((v) => at !== null && rank(v) < at);
  const named: Predicate[] = later.map((v) => ({ field, op: 'eq', value: v }));
  if (direction === 'desc' && value !== null) named.push({ field, op: 'eq', value: null });
  if (named.length === 0) return null;
  return named.length === 1 ? named[0]! : { or: named };
}

function both(a: Predicate | undefined, b: Predicate | undefined): Predicate | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return { and: [a, b] };
}

function withWhere(where: Predicate | undefined): { where?: Predicate } {
  return where === undefined ? {} : { where };
}
