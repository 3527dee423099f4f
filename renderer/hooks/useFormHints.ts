// The form hints main read beside the schema (labels, help, pick lists, bounds, defaults, order),
// asked for once per page: they do not change while the app runs.
import { useEffect, useState } from 'react';
import { NO_FORM_HINTS, type FormHints } from '../../common/schema/form-hints.js';
import { api } from '../api.js';

let asked: Promise<FormHints> | null = null;

/** The form hints, or null until main has answered (a failed answer is no hints: forms still work from the schema). */
export function useFormHints(): FormHints | null {
  const [hints, setHints] = useState<FormHints | null>(null);
  useEffect(() => {
    let live = true;
    asked ??= api.formHints().catch(() => NO_FORM_HINTS);
    void asked.then((h) => live && setHints(h));
    return () => {
      live = false;
    };
  }, []);
  return hints;
}
