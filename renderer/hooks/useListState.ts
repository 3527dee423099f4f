// A model list's filter, search, sort and match-case choice, remembered per profile and model for
// as long as the app runs (list-state.ts says where and why). `ready` turns true once the stored
// state is read, so the list never queries with a state it is about to replace.
import { useCallback, useEffect, useState } from 'react';
import type { ModelDef } from '../../common/schema/types.js';
import { api } from '../api.js';
import { DEFAULT_LIST_STATE, listStateKey, parseListState, serializeListState, type ListState } from '../list-state.js';

function storage(): Storage | null {
  try {
    return window.sessionStorage;
  } catch {
    return null; // storage refused (a locked-down window): the list still works, it only forgets
  }
}

/**
 * The list state of `model` for `profileId` (the shell's signed-in profile; undefined: asked of
 * main, for a list shown outside the shell), and a setter that also stores it.
 */
export function useListState(model: ModelDef, profileId?: string | null): { state: ListState; ready: boolean; update: (patch: Partial<ListState>) => void } {
  const [key, setKey] = useState<string | null>(null);
  const [state, setState] = useState<ListState>(DEFAULT_LIST_STATE);
  const [ready, setReady] = useState(false);
  useEffect(() => {
    let cancelled = false;
    const load = (id: string | null) => {
      if (cancelled) return;
      const k = id === null ? null : listStateKey(id, model.name);
      setKey(k);
      setState(k === null ? DEFAULT_LIST_STATE : parseListState(model, storage()?.getItem(k) ?? null));
      setReady(true);
    };
    if (profileId !== undefined) {
      load(profileId);
      return;
    }
    setReady(false);
    api.currentUser().then(
      (user) => load(user?.profileId ?? null),
      () => load(null),
    );
    return () => {
      cancelled = true;
    };
  }, [model, profileId]);
  const update = useCallback(
    (patch: Partial<ListState>) =>
      setState((old) => {
        const next = { ...old, ...patch };
        if (key !== null) {
          try {
            storage()?.setItem(key, serializeListState(next));
          } catch {
            // full or refused: remembered for this visit only
          }
        }
        return next;
      }),
    [key],
  );
  return { state, ready, update };
}
