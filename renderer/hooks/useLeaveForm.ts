// Leaving a form (Back, Cancel, Escape, opening a record inside it) asks first when it holds
// unsaved changes; discarding then forgets the draft before the form goes where it was leaving to.
import { useState } from 'react';

/** Whether "Discard unsaved changes?" is asked, and the ways out of the form. */
export interface LeaveForm {
  readonly asking: boolean;
  /** Leaves (to `to`, default `onDone`), or asks first when `dirty`. */
  leave(to?: () => void): void;
  /** Answers "Keep editing". */
  keep(): void;
  /** Answers "Discard changes": forgets the draft (`discard`), tells the shell (`release`), then leaves. */
  discardAndLeave(): void;
}

/** The leave question of a form that is `dirty`; `onDone` leaves it. */
export function useLeaveForm(dirty: boolean, onDone: () => void, discard: () => Promise<void>, release: () => void): LeaveForm {
  // Where the question, once answered "discard", goes: null while not asking.
  const [target, setTarget] = useState<{ go: () => void } | null>(null);
  return {
    asking: target !== null,
    leave: (to = onDone) => {
      if (dirty) setTarget({ go: to });
      else to();
    },
    keep: () => setTarget(null),
    discardAndLeave: () => {
      const go = target?.go ?? onDone;
      setTarget(null);
      void discard().then(() => {
        release();
        go();
      });
    },
  };
}
