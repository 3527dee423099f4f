// The shell asks before dropping a dirty form (navigation, Ctrl+N, sign-out): the form tells it,
// through `onGuard`, whether it is dirty and how to discard its draft.
import { useEffect, useRef } from 'react';

/** What the shell learns from the form to guard leaving it; `discard` forgets its draft. */
export interface FormGuard {
  readonly dirty: boolean;
  discard(): Promise<void>;
}

/** The guard of a form with nothing to lose. */
export const CLEAN_GUARD: FormGuard = { dirty: false, discard: async () => undefined };

/** Keeps `onGuard` told whether the form is `dirty` (and clean once it unmounts). */
export function useFormGuard(onGuard: ((guard: FormGuard) => void) | undefined, dirty: boolean, discard: () => Promise<void>): void {
  const discardRef = useRef(discard);
  discardRef.current = discard;
  useEffect(() => {
    onGuard?.({ dirty, discard: () => discardRef.current() });
  }, [dirty, onGuard]);
  useEffect(() => () => onGuard?.(CLEAN_GUARD), [onGuard]);
}
