// React bindings for the preload API: pushed events, live queries, the sync status and session.
import { useEffect, useRef, useState } from 'react';
import type { EventChannel, EventOf, SyncStatus } from '../common/ipc/contract.js';
import type { Predicate } from '../common/predicates/types.js';
import type { ModelRecord } from '../common/schema/types.js';
import { api } from './api.js';

/** Calls `handler` for every `event` while mounted (always the latest handler). */
export function useEvent<E extends EventChannel>(event: E, handler: (payload: EventOf<E>) => void): void {
  const latest = useRef(handler);
  latest.current = handler;
  useEffect(() => api.on(event, (payload) => latest.current(payload)), [event]);
}

export interface LiveQuery {
  readonly items: ModelRecord[];
  readonly isSynced: boolean;
  readonly loading: boolean;
  readonly error: string | null;
}

/** A live query (observeQuery): re-renders with every snapshot main pushes. */
export function useLiveQuery(model: string | undefined, where: Predicate | undefined, sort: ReadonlyArray<{ field: string; direction: 'asc' | 'desc' }> | undefined): LiveQuery {
  const [state, setState] = useState<LiveQuery>({ items: [], isSynced: false, loading: true, error: null });
  const key = JSON.stringify([model, where, sort]);
  useEffect(() => {
    if (!model) return undefined;
    let subscriptionId: string | null = null;
    let cancelled = false;
    // Snapshots can arrive before the request that created them has answered: keep the latest.
    const early = new Map<string, EventOf<'querySnapshot'>>();
    const apply = (s: EventOf<'querySnapshot'>) => setState({ items: s.items, isSynced: s.isSynced, loading: false, error: null });
    const off = api.on('querySnapshot', (snapshot) => {
      if (subscriptionId === null) early.set(snapshot.subscriptionId, snapshot);
      else if (snapshot.subscriptionId === subscriptionId) apply(snapshot);
    });
    setState((s) => ({ ...s, loading: true, error: null }));
    api
      .observeQuery({ model, ...(where ? { where } : {}), ...(sort && sort.length > 0 ? { sort: [...sort] } : {}) })
      .then(({ subscriptionId: id }) => {
        if (cancelled) {
          void api.unobserve({ subscriptionId: id });
          return;
        }
        subscriptionId = id;
        const first = early.get(id);
        if (first) apply(first);
      })
      .catch((error: Error) => setState({ items: [], isSynced: false, loading: false, error: error.message }));
    return () => {
      cancelled = true;
      off();
      if (subscriptionId !== null) void api.unobserve({ subscriptionId });
    };
    // `key` stands for model, where and sort by value.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);
  return state;
}

/** The sync bar's status: fetched once, then kept current by pushed `syncStatus` events. */
export function useSyncStatus(): SyncStatus | null {
  const [status, setStatus] = useState<SyncStatus | null>(null);
  useEffect(() => {
    void api.syncStatus().then(setStatus, () => undefined);
  }, []);
  useEvent('syncStatus', setStatus);
  useEvent('outboxStatus', (o) => setStatus((s) => (s ? { ...s, unsynced: o.unsynced } : s)));
  return status;
}

/** Re-renders every `ms` (for "last synced 2 minutes ago"). */
export function useNow(ms = 15_000): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(t);
  }, [ms]);
  return now;
}
