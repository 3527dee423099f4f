// What the record form's buttons do: save (or resubmit, or save and start a new one) after checking
// the whole record here first, every problem under its field at once (form-problems.ts), main's own
// refusals placed by field in the same words; and a delete that first asks, naming what goes with
// it, then reports what it took for Undo.
import { useMemo, useState, type FormEvent } from 'react';
import type { FormHints } from '../../common/schema/form-hints.js';
import type { FieldDef, ModelDef, ModelRecord, Schema } from '../../common/schema/types.js';
import type { IpcRequestError } from '../../preload/api-from-bridge.js';
import { api } from '../api.js';
import { lastUsedValues } from '../form-hints-view.js';
import { formProblems, plainSaveError, standingErrors } from '../form-problems.js';
import { rememberLastUsed } from '../last-used.js';
import { recordToSave, unchangedCondition, type FormState, type ResubmitShape } from '../record-form-view.js';
import { useRecordDelete, type RecordDelete } from './useRecordDelete.js';

/** What the actions need from the form and the shell. */
export interface RecordActionsInput {
  readonly schema: Schema;
  readonly hints: FormHints;
  readonly model: ModelDef;
  readonly fields: readonly FieldDef[];
  readonly state: FormState;
  /** Whether the form makes a new record or edits one (how required fields are judged). */
  readonly mode: 'create' | 'update';
  readonly resubmit: (ResubmitShape & { submit(record: ModelRecord): Promise<unknown> }) | undefined;
  readonly onlyIfUnchanged: boolean;
  /** Why this sign-in may not save, or null. */
  readonly cannotSave: string | null;
  readonly setFormError: (message: string | null) => void;
  /** Whose "last used" values a save updates (null: nobody's). */
  readonly profileId: string | null;
  /** Forgets the form's draft. */
  readonly discardDraft: () => Promise<void>;
  /** Tells the shell the form is done (no longer dirty). */
  readonly release: () => void;
  readonly onSaved: (record: ModelRecord) => void;
  readonly onDone: (saved?: ModelRecord) => void;
  /** After "Save and new" saved: open an empty form of the model. */
  readonly onSaveAndNew: () => void;
  /** `model`: the deleted record's (a child form deletes a child, not the parent the route names). */
  readonly onDeleted: ((notice: { text: string; model: string; trashId?: string }) => void) | undefined;
}

/** The record form's save and delete, with their busy flag, field errors and delete question. */
export interface RecordActions extends RecordDelete {
  readonly busy: boolean;
  /** Messages by the form's field path: the last save's, each until its problem is fixed, and main's. */
  readonly errors: ReadonlyMap<string, string>;
  /** How many of the fields the last save attempt found wrong are still wrong. */
  readonly problemCount: number;
  save(event?: FormEvent): Promise<void>;
  /** Saves, then opens an empty form of the same model. */
  saveAndNew(): Promise<void>;
}

/** Save and delete for the form described by `input`. */
export function useRecordActions(input: RecordActionsInput): RecordActions {
  // The form's own findings at the last save, and main's refusal (kept until the next save).
  const [checked, setChecked] = useState<ReadonlyMap<string, string>>(new Map());
  const [refused, setRefused] = useState<ReadonlyMap<string, string>>(new Map());
  const [busy, setBusy] = useState(false);
  const { schema, hints, model, fields, state, resubmit, setFormError, mode } = input;
  const { original, values } = state;

  // A message goes as soon as its field is fixed; re-checking is only needed while some are shown.
  const { errors, standingCount } = useMemo(() => {
    const standing = checked.size === 0 ? checked : standingErrors(checked, formProblems(schema, hints, model, fields, values, mode));
    return { errors: refused.size === 0 ? standing : new Map([...standing, ...refused]), standingCount: standing.size };
  }, [checked, refused, schema, hints, model, fields, values, mode]);

  const run = async (then: 'close' | 'new') => {
    if (busy || input.cannotSave !== null) return;
    setRefused(new Map());
    setFormError(null);
    const problems = formProblems(schema, hints, model, fields, values, mode);
    setChecked(new Map(problems.map((p) => [p.field, p.message])));
    if (problems.length > 0) {
      // The first field to fix takes focus, so the keyboard lands where the work is.
      setTimeout(() => document.querySelector<HTMLElement>('.record-form [aria-invalid="true"]')?.focus(), 0);
      return;
    }
    setBusy(true);
    const record = recordToSave(schema, model, fields, state, resubmit);
    const condition = original && input.onlyIfUnchanged ? unchangedCondition(model, record, original) : undefined;
    try {
      if (resubmit) {
        await resubmit.submit(record);
        input.release();
        input.onDone();
        return;
      }
      const saved = await api.save({ model: model.name, record, ...(condition ? { condition } : {}) });
      rememberLastUsed(input.profileId, model.name, lastUsedValues(hints, model, saved));
      await input.discardDraft();
      input.release();
      input.onSaved(saved);
      if (then === 'new') input.onSaveAndNew();
      else input.onDone(saved);
    } catch (e) {
      const place = plainSaveError(hints, model, e as IpcRequestError);
      if (place.field !== null) setRefused(new Map([[place.field, place.message]]));
      else setFormError(place.message);
    } finally {
      setBusy(false);
    }
  };

  const save = async (event?: FormEvent) => {
    event?.preventDefault();
    await run('close');
  };

  const deletion = useRecordDelete(input);

  return {
    busy,
    errors,
    problemCount: standingCount,
    save,
    saveAndNew: () => run('new'),
    ...deletion,
  };
}
