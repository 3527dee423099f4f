// Which model's form is on screen when it is not the route's: a child opened over its parent (an
// Inspection added from a Site) lives in RecordForm's form stack, which the route cannot carry (it
// holds the parent's pre-fill). The form says it here; the sidebar reads it, so it marks the model
// the user is working on, not the parent's.
import { useSyncExternalStore } from 'react';

let shown: string | null = null;
const listeners = new Set<() => void>();

/** Says that `model`'s form is on screen over the route (null: the route's own screen is). */
export function setShownModel(model: string | null): void {
  if (shown === model) return;
  shown = model;
  for (const listener of listeners) listener();
}

/** The model a child form on screen belongs to, or null. */
export function useShownModel(): string | null {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => shown,
  );
}
