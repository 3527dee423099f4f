// A model list's query as its remembered state says it (useListState): the predicate, the sort
// (newest first by default), the search, case-insensitive text unless "Match case", marks where the
// profile syncs, and the page — fetched live (usePagedQuery). The page goes back to the first when
// the search, filter or sort change, and steps back when deletions leave it past the end.
import { useEffect, useMemo, useState } from 'react';
import type { SyncStatus } from '../../common/ipc/contract.js';
import { searchFields } from '../../common/predicates/search-fields.js';
import type { ModelDef } from '../../common/schema/types.js';
import { toPredicate } from '../filter-draft.js';
import { querySort } from '../list-sort.js';
import type { ListState } from '../list-state.js';
import { useListState } from './useListState.js';
import { usePagedQuery } from './usePagedQuery.js';

/** `model`'s list query and its live page of `pageSize` records; `profileId` as useListState takes it. */
export function useListQuery(model: ModelDef, status: SyncStatus | null | undefined, pageSize: number, profileId?: string | null) {
  const { state, ready, update } = useListState(model, profileId);
  const [page, setPage] = useState(0);
  const where = useMemo(() => toPredicate(model, state.filter), [model, state.filter]);
  const sort = useMemo(() => querySort(state.sort), [state.sort]);
  const searchable = searchFields(model).length > 0;
  const search = searchable ? state.search.trim() : '';
  const live = usePagedQuery(ready ? model.name : undefined, where, sort, page, pageSize, {
    search,
    ignoreCase: !state.matchCase,
    // A local-only profile never syncs: a "not synced" mark on every row would say nothing.
    withMarks: status?.mode === 'server',
  });
  const pages = Math.max(1, Math.ceil(live.total / pageSize));
  useEffect(() => setPage(0), [model.name]);
  useEffect(() => {
    // Records deleted elsewhere can leave this page past the end: step back to the last one.
    if (!live.loading && page >= pages) setPage(pages - 1);
  }, [live.loading, page, pages]);
  const change = (patch: Partial<ListState>) => {
    update(patch);
    setPage(0);
  };
  return { state, ready, change, page, setPage, pages, where, sort, searchable, search, live };
}
