// How a record list's column headers sort: a click sorts ascending, a second descending, a third
// goes back to the default, newest first (the last change on this device or on the server, so a
// record made offline is on top); the header says which way (aria-sort and a mark).
import { CHANGED_AT_SORT_FIELD } from '../common/predicates/recency.js';
import type { ModelDef } from '../common/schema/types.js';
import { fieldLabel } from './schema-view.js';

/** The list's sort: one field and its direction. */
export interface ListSort {
  readonly field: string;
  readonly direction: 'asc' | 'desc';
}

/** The default order of every list: the last local or remote change, newest first. */
export const NEWEST_FIRST: ListSort = { field: CHANGED_AT_SORT_FIELD, direction: 'desc' };

/** The sort the list asks the datastore for: the chosen column, else newest first. */
export function querySort(sort: ListSort | null): ListSort[] {
  return [sort ?? NEWEST_FIRST];
}

/** How the list is ordered, in words: "Newest first", "By Name, A to Z", "By Score, highest first". */
export function sortDescription(model: ModelDef, sort: ListSort | null): string {
  if (sort === null || sort.field === CHANGED_AT_SORT_FIELD) return sort?.direction === 'asc' ? 'Oldest first' : 'Newest first';
  const field = model.fields.find((f) => f.name === sort.field);
  const label = fieldLabel(sort.field, model);
  const text = field?.type.kind === 'scalar' && field.type.name === 'String';
  const when = field?.type.kind === 'scalar' && /^AWS(Date|DateTime|Time|Timestamp)$/.test(field.type.name);
  if (text) return `By ${label}, ${sort.direction === 'asc' ? 'A to Z' : 'Z to A'}`;
  if (when) return `By ${label}, ${sort.direction === 'asc' ? 'earliest first' : 'latest first'}`;
  return `By ${label}, ${sort.direction === 'asc' ? 'lowest first' : 'highest first'}`;
}

/** The sort after a click on the header of `field`: asc, then desc, then none (null). */
export function nextSort(sort: ListSort | null, field: string): ListSort | null {
  if (sort?.field !== field) return { field, direction: 'asc' };
  return sort.direction === 'asc' ? { field, direction: 'desc' } : null;
}

/** The header's `aria-sort` for `field`. */
export function ariaSort(sort: ListSort | null, field: string): 'ascending' | 'descending' | 'none' {
  if (sort?.field !== field) return 'none';
  return sort.direction === 'asc' ? 'ascending' : 'descending';
}

/** The mark after the header's label: " ▲", " ▼" or nothing. */
export function sortMark(sort: ListSort | null, field: string): string {
  if (sort?.field !== field) return '';
  return sort.direction === 'asc' ? ' ▲' : ' ▼';
}

/** "1 record", "25 records", or "Loading…" until the first page arrives. */
export function recordCountText(loading: boolean, total: number): string {
  return loading ? 'Loading…' : `${total} record${total === 1 ? '' : 's'}`;
}
