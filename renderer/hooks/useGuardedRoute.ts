// The shell's route, guarded: going elsewhere while the form on screen has unsaved changes asks
// first ("Discard unsaved changes?"), and discarding forgets the form's draft before going.
import { useCallback, useRef, useState } from 'react';
import type { Route } from '../route.js';
import { CLEAN_GUARD, type FormGuard } from './useFormGuard.js';

/** The route, the ways to change it, and the route waiting on the leave question. */
export interface GuardedRoute {
  readonly route: Route | null;
  /** Goes to `next`, asking first when the form on screen has unsaved changes. */
  readonly setRoute: (next: Route | null) => void;
  /** Goes to `next` without asking (the form is done, or there is none). */
  readonly setRouteNow: (next: Route | null) => void;
  /** Where the user asked to go while a dirty form was open, or null. */
  readonly leaving: Route | null;
  /** Given to the open form: it tells whether it is dirty. */
  readonly onGuard: (guard: FormGuard) => void;
  /** Stays on the form. */
  keep(): void;
  /** Discards the form's draft and goes where the user asked. */
  discardAndGo(): void;
}

/** The shell's guarded route, starting nowhere (null). */
export function useGuardedRoute(): GuardedRoute {
  const [route, setRouteNow] = useState<Route | null>(null);
  // The open form's guard: a dirty form is not dropped without asking.
  const guard = useRef<FormGuard>(CLEAN_GUARD);
  const onGuard = useCallback((g: FormGuard) => {
    guard.current = g;
  }, []);
  const [leaving, setLeaving] = useState<Route | null>(null);
  const setRoute = useCallback((next: Route | null) => {
    if (next !== null && guard.current.dirty) setLeaving(next);
    else setRouteNow(next);
  }, []);
  const discardAndGo = () => {
    const next = leaving;
    setLeaving(null);
    void guard.current.discard().then(() => {
      guard.current = CLEAN_GUARD;
      setRouteNow(next);
    });
  };
  return { route, setRoute, setRouteNow, leaving, onGuard, keep: () => setLeaving(null), discardAndGo };
}
