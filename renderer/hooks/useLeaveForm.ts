// Leaving a form (Back, Cancel, Escape) asks first when it holds unsaved changes; discarding then
// forgets the draft before the form goes.
import { useState } from 'react';

/** Whether "Discard unsaved changes?" is asked, and the ways out of the form. */
export interface LeaveForm {
  readonly asking: boolean;
  /** Leaves, or asks first when `dirty`. */
  leave(): void;
  /** Answers "Keep editing". */
  keep(): void;
  /** Answers "Discard changes": forgets the draft (`discard`), tells the shell (`release`), then leaves. */
  discardAndLeave(): void;
}

/** The leave question of a form that is `dirty`; `onDone` leaves it. */
export function useLeaveForm(dirty: boolean, onDone: () => void, discard: () => Promise<void>, release: () => void): LeaveForm {
  const [asking, setAsking] = useState(false);
  return {
    asking,
    leave: () => {
      if (dirty) setAsking(true);
      else onDone();
    },
    keep: () => setAsking(false),
    discardAndLeave: () => {
      setAsking(false);
      void discard().then(() => {
        release();
        onDone();
      });
    },
  };
}
