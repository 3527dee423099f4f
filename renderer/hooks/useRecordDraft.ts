// Work in progress is safe: a form's draft is auto-saved a moment after the last change, offered
// again when the same record (or a new one of the model) is opened, and discarded once it is saved.
import { useEffect, useRef, useState } from 'react';
import type { Draft } from '../../common/ipc/contract.js';
import type { KeyObject } from '../../common/schema/record-key.js';
import { api } from '../api.js';
import type { Raw } from '../form-values.js';
import { DRAFT_SAVE_DEBOUNCE_MS, draftFor, draftValues, isDirty } from '../work-view.js';

/** The draft of one form: the one found when it opened (until restored or dismissed) and how to drop it. */
export interface RecordDraft {
  /** A draft found when the form opened, offered until the user restores or discards it. */
  readonly offered: Draft | null;
  /** Stops offering the draft (it was restored). */
  dismiss(): void;
  /** Stops offering the draft and forgets it (the user discarded it). */
  decline(): void;
  /** Forgets the draft, after any save of it under way. */
  discard(): Promise<void>;
}

/** Drafts for the form of `model`/`recordKey`; `enabled` false (a resubmit) keeps none. */
export function useRecordDraft(options: {
  readonly model: string;
  readonly recordKey: KeyObject | null;
  readonly enabled: boolean;
  readonly loaded: boolean;
  readonly values: Record<string, Raw>;
  readonly loadedRaw: Record<string, Raw>;
}): RecordDraft {
  const { model, recordKey, enabled, loaded, values, loadedRaw } = options;
  const [offered, setOffered] = useState<Draft | null>(null);
  const draftId = useRef<string | null>(null);
  /** The draft save under way, awaited before a draft is discarded (else it would land after). */
  const pendingDraft = useRef<Promise<void>>(Promise.resolve());

  // A draft of this form from before (a crash, a restart, leaving without saving) is offered once loaded.
  useEffect(() => {
    if (!enabled || !loaded) return;
    let cancelled = false;
    void api.draftsList().then(
      (drafts) => {
        const draft = draftFor(drafts, model, recordKey);
        if (cancelled || !draft) return;
        draftId.current = draft.id;
        setOffered(draft);
      },
      () => undefined,
    );
    return () => {
      cancelled = true;
    };
  }, [loaded, model, recordKey, enabled]);

  // Auto-save the draft a moment after the last change; a form back to its loaded values has none.
  const latestValues = useRef(values);
  latestValues.current = values;
  useEffect(() => {
    if (!enabled || !loaded || offered) return;
    const timer = setTimeout(() => {
      if (isDirty(latestValues.current, loadedRaw)) {
        pendingDraft.current = api.draftSave({ model, key: recordKey, values: draftValues(latestValues.current, loadedRaw) }).then(
          (d) => {
            draftId.current = d.id;
          },
          () => undefined,
        );
      } else if (draftId.current !== null) {
        const id = draftId.current;
        draftId.current = null;
        void api.draftDiscard({ id }).catch(() => undefined);
      }
    }, DRAFT_SAVE_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [values, loadedRaw, loaded, offered, model, recordKey, enabled]);

  const discard = async (): Promise<void> => {
    await pendingDraft.current;
    const id = draftId.current ?? offered?.id ?? null;
    draftId.current = null;
    if (id !== null) await api.draftDiscard({ id }).catch(() => undefined);
  };
  const decline = () => {
    setOffered(null);
    void discard();
  };
  return { offered, dismiss: () => setOffered(null), decline, discard };
}
