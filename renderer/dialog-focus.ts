// Modal dialogs keep keyboard focus inside: Tab from the last stop goes to the first, Shift+Tab
// from the first to the last. One definition for every dialog (viewer, camera, export).
import type { KeyboardEvent } from 'react';

// A radio group is one stop: only its checked radio is reached by Tab.
const STOPS =
  'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), video, [tabindex]:not([tabindex="-1"])';

/** Keeps Tab inside `dialog` (a modal) for a keydown `event`; other keys pass untouched. */
export function keepTabInside(event: KeyboardEvent, dialog: HTMLElement | null): void {
  if (event.key !== 'Tab' || dialog === null) return;
  const stops = [...dialog.querySelectorAll<HTMLElement>(STOPS)].filter((el) => !(el instanceof HTMLInputElement && el.type === 'radio' && !el.checked));
  const first = stops[0];
  const last = stops[stops.length - 1];
  if (first === undefined || last === undefined) return;
  if (event.shiftKey && document.activeElement === first) {
    event.preventDefault();
    last.focus();
  } else if (!event.shiftKey && document.activeElement === last) {
    event.preventDefault();
    first.focus();
  }
}
