// The review inbox's selection: what the user chose in the lists, and the detail pane brought into
// view when that choice left it out of sight (a narrow window puts the detail under the lists).
import { useEffect, useRef, useState, type RefObject } from 'react';
import { detailOutOfView } from '../review-inbox-view.js';

/** The chosen entry (null until a choice), `choose` for the lists, and the ref for the detail pane. */
export function useChosenInView<T>(): { chosen: T | null; choose: (next: T) => void; pane: RefObject<HTMLDivElement | null> } {
  const [chosen, setChosen] = useState<T | null>(null);
  const pane = useRef<HTMLDivElement | null>(null);
  // Set by a choice: the render it causes is the one to scroll after (not a reload of the lists).
  const justChosen = useRef(false);
  useEffect(() => {
    if (!justChosen.current) return;
    justChosen.current = false;
    const element = pane.current;
    if (element && detailOutOfView(element.getBoundingClientRect(), window.innerHeight)) element.scrollIntoView({ block: 'start' });
  }, [chosen]);
  const choose = (next: T) => {
    justChosen.current = true;
    setChosen(next);
  };
  return { chosen, choose, pane };
}
