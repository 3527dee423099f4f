// One live page of a model's records from the datastore, fetched again when the model changes.
import { useEffect, useRef, useState } from 'react';
import type { Predicate } from '../../common/predicates/types.js';
import type { RowMark } from '../../common/ipc/contract.js';
import type { ModelRecord } from '../../common/schema/types.js';
import { api } from '../api.js';

/** One page of a query and how it stands. */
export interface PagedQuery {
  /** The records of the requested page only. */
  readonly items: ModelRecord[];
  /** Per item: unsynced changes, open review items (all unmarked unless `withMarks`). */
  readonly marks: readonly RowMark[];
  /** How many records match across all pages. */
  readonly total: number;
  readonly loading: boolean;
  readonly error: string | null;
}

/** How a paged query reads text, and whether it asks for marks (the contract's `query` options). */
export interface PagedQueryOptions {
  readonly search?: string;
  readonly ignoreCase?: boolean;
  readonly withMarks?: boolean;
}

/** How long a burst of changes is gathered before the page is fetched again (ms). */
export const PAGE_REFETCH_DEBOUNCE_MS = 150;

/**
 * One page of a query, fetched from the datastore (`query` with page, limit and a count) rather
 * than sliced from every record, and fetched again (debounced) when `observe` reports a change to
 * the model or the sync status changes (a clear or a finished sync round).
 */
export function usePagedQuery(
  model: string | undefined,
  where: Predicate | undefined,
  sort: ReadonlyArray<{ field: string; direction: 'asc' | 'desc' }> | undefined,
  page: number,
  limit: number,
  options: PagedQueryOptions = {},
): PagedQuery {
  const [state, setState] = useState<PagedQuery>({ items: [], marks: [], total: 0, loading: true, error: null });
  const [version, setVersion] = useState(0);
  const { search, ignoreCase, withMarks } = options;
  const queryKey = JSON.stringify([model, where, sort, search ?? '', ignoreCase === true, withMarks === true]);
  const fetchKey = JSON.stringify([queryKey, page, limit, version]);

  // A change anywhere in the model may move records onto or off this page: refetch on any of them.
  useEffect(() => {
    if (!model) return undefined;
    let subscriptionId: string | null = null;
    let cancelled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const refetchSoon = () => {
      if (timer !== undefined) return;
      timer = setTimeout(() => {
        timer = undefined;
        if (!cancelled) setVersion((v) => v + 1);
      }, PAGE_REFETCH_DEBOUNCE_MS);
    };
    // Changes can arrive before `observe` answers with its id: refetch anyway, it is harmless.
    const offChange = api.on('dataChange', (change) => {
      if (change.model === model && (subscriptionId === null || change.subscriptionId === subscriptionId)) refetchSoon();
    });
    const offStatus = api.on('syncStatus', refetchSoon);
    api
      .observe({ model })
      .then(({ subscriptionId: id }) => {
        if (cancelled) void api.unobserve({ subscriptionId: id });
        else subscriptionId = id;
      })
      .catch((error: Error) => setState((s) => ({ ...s, loading: false, error: error.message })));
    return () => {
      cancelled = true;
      if (timer !== undefined) clearTimeout(timer);
      offChange();
      offStatus();
      if (subscriptionId !== null) void api.unobserve({ subscriptionId });
    };
  }, [model]);

  // "Loading…" only until a model's first page arrives; a refetch keeps showing the current page.
  const shownModel = useRef<string | undefined>(undefined);
  useEffect(() => {
    if (!model) return undefined;
    let cancelled = false;
    if (shownModel.current !== model) setState({ items: [], marks: [], total: 0, loading: true, error: null });
    api
      .query({
        model,
        ...(where ? { where } : {}),
        ...(sort && sort.length > 0 ? { sort: [...sort] } : {}),
        page,
        limit,
        withCount: true,
        ...(search && search.trim() !== '' ? { search } : {}),
        ...(ignoreCase === true ? { ignoreCase } : {}),
        ...(withMarks === true ? { withMarks } : {}),
      })
      .then(
        ({ items, count, marks }) => {
          if (cancelled) return;
          shownModel.current = model;
          setState({ items, marks: marks ?? items.map(() => ({ unsynced: false, review: false })), total: count ?? items.length, loading: false, error: null });
        },
        (error: Error) => {
          if (!cancelled) setState({ items: [], marks: [], total: 0, loading: false, error: error.message });
        },
      );
    return () => {
      cancelled = true;
    };
    // `fetchKey` stands for model, where, sort, the text options, page, limit and the change counter by value.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [fetchKey]);
  return state;
}
