// How a record list's column headers sort: a click sorts ascending, a second descending, a third
// clears; the header says which way (aria-sort and a mark).

/** The list's sort: one field and its direction. */
export interface ListSort {
  readonly field: string;
  readonly direction: 'asc' | 'desc';
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
