// The records an export writes, read a page at a time so only one page is in memory (issue 13
// "Export": 100,000 records stay flat). The next page starts after the last record read (a keyset
// cursor, as a predicate over the sort fields and the primary key): each page costs the same, and
// a record saved meanwhile is neither read twice nor skipped. The cursor follows the datastore's
// order exactly — ORDER BY the sort fields (SQLite puts NULL first ascending, last descending),
// then the key fields ascending; strings by code point, as predicates compare them. Where a sort
// field cannot be compared by `lt`/`gt` (an enum, a boolean), pages go by offset instead.
import { describeField } from '../../common/predicates/filterable-fields.js';
import type { Predicate } from '../../common/predicates/types.js';
import { findField } from '../../common/schema/model-fields.js';
import type { ModelDef, ModelRecord } from '../../common/schema/types.js';

/** One sort key, as the datastore takes it. */
export interface ExportSort {
  readonly field: string;
  readonly direction: 'asc' | 'desc';
}

/** What an export reads from: the datastore's `query` (ties broken by primary key ascending). */
export interface ExportSource {
  query(model: string, options: { where?: Predicate; sort?: readonly ExportSort[]; page?: number; limit?: number }): Promise<ModelRecord[]>;
}

/** Records per page read from the datastore (default of `recordPages`). */
export const EXPORT_PAGE_SIZE = 500;

/** `model`'s records matching `where` in `sort` order, `pageSize` (default 500) at a time; no empty pages. */
export async function* recordPages(
  source: ExportSource,
  model: ModelDef,
  where: Predicate | undefined,
  sort: readonly ExportSort[] | undefined,
  pageSize = EXPORT_PAGE_SIZE,
): AsyncGenerator<ModelRecord[]> {
  const sorted = sort && sort.length > 0 ? { sort } : {};
  const order = keysetOrder(model, sort ?? []);
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

/** The datastore's full order for `sort` (the sort, then the key fields not in it, ascending), or null when a field has no `lt`/`gt`. */
export function keysetOrder(model: ModelDef, sort: readonly ExportSort[]): ExportSort[] | null {
  const order = [...sort, ...model.primaryKey.filter((k) => !sort.some((s) => s.field === k)).map((field) => ({ field, direction: 'asc' as const }))];
  const comparable = order.every(({ field: name }) => {
    const field = findField(model, name);
    const described = field === undefined ? undefined : describeField(field);
    return described !== undefined && 'operators' in described && !described.isList && described.operators.includes('gt');
  });
  return comparable ? order : null;
}

/** Records after `record` in `order`: the first field after it, or equal and the second after it, … */
export function afterInOrder(order: readonly ExportSort[], record: ModelRecord): { readonly or: readonly Predicate[] } {
  return {
    or: order.flatMap((entry, i) => {
      const after = afterValue(entry, record[entry.field] ?? null);
      if (after === null) return [];
      return [{ and: [...order.slice(0, i).map(({ field }) => ({ field, op: 'eq' as const, value: record[field] ?? null })), after] }];
    }),
  };
}

// What comes after `value` in one field's order (null: nothing does, a tie is broken by later fields).
function afterValue({ field, direction }: ExportSort, value: unknown): Predicate | null {
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

function both(a: Predicate | undefined, b: Predicate | undefined): Predicate | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return { and: [a, b] };
}

function withWhere(where: Predicate | undefined): { where?: Predicate } {
  return where === undefined ? {} : { where };
}
