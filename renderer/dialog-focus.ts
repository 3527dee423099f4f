// Modal dialogs keep keyboard focus inside: Tab from the last stop goes to the first, Shift+Tab
// from the first to the last, focus that lands outside (a click on the backdrop) is brought back,
// Esc closes the topmost dialog, and focus returns to the control that opened it. One definition
// for every dialog (delete, unsynced and leave guards, export, viewer, camera).
import { useEffect, useRef, useState, type KeyboardEvent, type RefObject } from 'react';

// A radio group is one stop: only its checked radio is reached by Tab.
const STOPS =
  'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), video, [tabindex]:not([tabindex="-1"])';

function stopsOf(dialog: HTMLElement): HTMLElement[] {
  return [...dialog.querySelectorAll<HTMLElement>(STOPS)].filter((el) => !(el instanceof HTMLInputElement && el.type === 'radio' && !el.checked));
}

/** Keeps Tab inside `dialog` (a modal) for a keydown `event`; other keys pass untouched. */
export function keepTabInside(event: KeyboardEvent, dialog: HTMLElement | null): void {
  if (event.key !== 'Tab' || dialog === null) return;
  const stops = stopsOf(dialog);
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

// The dialogs open now, innermost last: only the topmost answers Esc and holds focus.
const openDialogs: HTMLElement[] = [];

// The last element that had focus: the opener when the control that opened a dialog lost focus
// on the way (a button disabled while its action asks main first leaves focus on the body).
let lastFocused: HTMLElement | null = null;
if (typeof document !== 'undefined') {
  document.addEventListener('focusin', (event) => {
    if (event.target instanceof HTMLElement && event.target !== document.body) lastFocused = event.target;
  });
}

/** The control a dialog opening now returns focus to: the focused one, else the last one focused. */
function currentOpener(): HTMLElement | null {
  const active = document.activeElement;
  if (active instanceof HTMLElement && active !== document.body) return active;
  return lastFocused?.isConnected ? lastFocused : null;
}

/** Moves focus into `dialog` (its first stop, else the dialog itself) unless it is there already. */
function focusInside(dialog: HTMLElement): void {
  if (dialog.contains(document.activeElement)) return;
  const first = stopsOf(dialog)[0];
  if (first) first.focus();
  else {
    dialog.tabIndex = -1;
    dialog.focus();
  }
}

/**
 * A modal dialog's keyboard behaviour: spread the answer on the dialog element (its `ref`,
 * `onKeyDown` and `aria-modal`). Esc
 * calls `onEscape` (and goes no further: a form behind does not also take it as "leave"); focus
 * moves in when it opens (an `autoFocus` control keeps it), stays in, and goes back to the control
 * that had it before when it closes.
 */
export function useModalDialog<T extends HTMLElement = HTMLDivElement>(
  onEscape: () => void,
): { ref: RefObject<T | null>; onKeyDown: (event: KeyboardEvent) => void; 'aria-modal': true } {
  const ref = useRef<T>(null);
  // Read while rendering, before an autoFocus control inside takes focus.
  const [opener] = useState(currentOpener);
  const escape = useRef(onEscape);
  useEffect(() => {
    escape.current = onEscape;
  });
  useEffect(() => {
    const dialog = ref.current;
    if (dialog === null) return;
    openDialogs.push(dialog);
    focusInside(dialog);
    const isTop = (): boolean => openDialogs[openDialogs.length - 1] === dialog;
    const onKey = (event: globalThis.KeyboardEvent): void => {
      if (!isTop()) return;
      if (event.key === 'Escape') {
        event.preventDefault();
        event.stopPropagation();
        escape.current();
      } else if (event.key === 'Tab' && !dialog.contains(document.activeElement)) {
        event.preventDefault();
        focusInside(dialog);
      }
    };
    const onFocusIn = (event: FocusEvent): void => {
      if (isTop() && event.target instanceof Node && !dialog.contains(event.target)) focusInside(dialog);
    };
    // Capture on the document: Esc is the dialog's even while focus sits on the backdrop.
    document.addEventListener('keydown', onKey, true);
    document.addEventListener('focusin', onFocusIn);
    return () => {
      document.removeEventListener('keydown', onKey, true);
      document.removeEventListener('focusin', onFocusIn);
      openDialogs.splice(openDialogs.indexOf(dialog), 1);
      if (opener?.isConnected) opener.focus();
    };
  }, [opener]);
  return { ref, onKeyDown: (event) => keepTabInside(event, ref.current), 'aria-modal': true };
}
