// The records an export writes, read a page at a time so only one page is in memory (issue 13
// "Export": 100,000 records stay flat). Unsorted lists are in primary-key order, and there the
// next page starts after the last key read (a keyset cursor): each page costs the same and a
// record saved meanwhile is neither read twice nor skipped. A sorted list pages by offset (the
// datastore's own paging, as the list screen shows it).
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
  const byKey = (sort === undefined || sort.length === 0) && keyOrdered(model);
  let last: ModelRecord | null = null;
  for (let page = 0; ; page++) {
    const records: ModelRecord[] = byKey
      ? await source.query(model.name, { ...withWhere(both(where, last === null ? undefined : afterKey(model, last))), limit: pageSize })
      : await source.query(model.name, { ...withWhere(where), ...(sort && sort.length > 0 ? { sort } : {}), page, limit: pageSize });
    if (records.length > 0) yield records;
    if (records.length < pageSize) return;
    last = records[records.length - 1]!;
  }
}

// A keyset cursor needs `gt` on every key field (enums and booleans have none).
function keyOrdered(model: ModelDef): boolean {
  return model.primaryKey.every((name) => {
    const field = findField(model, name);
    const described = field === undefined ? undefined : describeField(field);
    return described !== undefined && 'operators' in described && described.operators.includes('gt');
  });
}

/** Records whose key comes after `record`'s in key order: k0 > v0, or k0 = v0 and k1 > v1, … */
export function afterKey(model: ModelDef, record: ModelRecord): Predicate {
  const keys = model.primaryKey;
  return {
    or: keys.map((name, i) => ({
      and: [...keys.slice(0, i).map((k) => ({ field: k, op: 'eq' as const, value: record[k] })), { field: name, op: 'gt' as const, value: record[name] }],
    })),
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
