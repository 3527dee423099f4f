// What the record form's buttons do: save (or resubmit) with its errors placed by field, and a
// delete that first asks, naming what goes with it, then reports what it took for Undo.
import { useState, type FormEvent } from 'react';
import { keyOf } from '../../common/schema/record-key.js';
import type { FieldDef, ModelDef, ModelRecord, Schema } from '../../common/schema/types.js';
import type { IpcRequestError } from '../../preload/api-from-bridge.js';
import { api } from '../api.js';
import { recordToSave, saveErrorPlace, unchangedCondition, type FormState, type ResubmitShape } from '../record-form-view.js';
import { deleteQuestion, deletedNotice } from '../work-view.js';

/** What the actions need from the form and the shell. */
export interface RecordActionsInput {
  readonly schema: Schema;
  readonly model: ModelDef;
  readonly fields: readonly FieldDef[];
  readonly state: FormState;
  readonly resubmit: (ResubmitShape & { submit(record: ModelRecord): Promise<unknown> }) | undefined;
  readonly onlyIfUnchanged: boolean;
  /** Why this sign-in may not save, or null. */
  readonly cannotSave: string | null;
  readonly setFormError: (message: string | null) => void;
  /** Forgets the form's draft. */
  readonly discardDraft: () => Promise<void>;
  /** Tells the shell the form is done (no longer dirty). */
  readonly release: () => void;
  readonly onSaved: (record: ModelRecord) => void;
  readonly onDone: (saved?: ModelRecord) => void;
  readonly onDeleted: ((notice: { text: string; trashId?: string }) => void) | undefined;
}

/** The record form's save and delete, with their busy flag, field errors and delete question. */
export interface RecordActions {
  readonly busy: boolean;
  readonly errors: Map<string, string>;
  /** The delete question on screen, or null. */
  readonly confirmDelete: string | null;
  save(event?: FormEvent): Promise<void>;
  askDelete(): Promise<void>;
  cancelDelete(): void;
  remove(): Promise<void>;
}

/** Save and delete for the form described by `input`. */
export function useRecordActions(input: RecordActionsInput): RecordActions {
  const [errors, setErrors] = useState<Map<string, string>>(new Map());
  const [confirmDelete, setConfirmDelete] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const { schema, model, state, resubmit, setFormError } = input;
  const { original } = state;

  const save = async (event?: FormEvent) => {
    event?.preventDefault();
    if (busy || input.cannotSave !== null) return;
    setBusy(true);
    setErrors(new Map());
    setFormError(null);
    const record = recordToSave(schema, model, input.fields, state, resubmit);
    const condition = original && input.onlyIfUnchanged ? unchangedCondition(model, record, original) : undefined;
    try {
      if (resubmit) {
        await resubmit.submit(record);
        input.release();
        input.onDone();
        return;
      }
      const saved = await api.save({ model: model.name, record, ...(condition ? { condition } : {}) });
      await input.discardDraft();
      input.release();
      input.onSaved(saved);
      input.onDone(saved);
    } catch (e) {
      const place = saveErrorPlace(model.name, e as IpcRequestError);
      if (place.field !== null) setErrors(new Map([[place.field, place.message]]));
      else setFormError(place.message);
    } finally {
      setBusy(false);
    }
  };

  /** Asks first, naming what the delete takes along (deletePreview). */
  const askDelete = async () => {
    if (!original) return;
    try {
      const key = keyOf(model, original);
      if (!key) throw new Error(`This ${model.name} has no complete key (${model.primaryKey.join(', ')}) and cannot be deleted here.`);
      const { related } = await api.deletePreview({ model: model.name, id: key });
      setConfirmDelete(deleteQuestion(schema, model, original, related));
    } catch (e) {
      setFormError((e as Error).message);
    }
  };

  const remove = async () => {
    if (!original) return;
    try {
      const key = keyOf(model, original)!;
      const { related } = await api.deletePreview({ model: model.name, id: key });
      const { trashId } = await api.delete({ model: model.name, id: key });
      await input.discardDraft();
      input.release();
      input.onDeleted?.({ text: deletedNotice(model, original, related), ...(trashId ? { trashId } : {}) });
      input.onDone();
    } catch (e) {
      setConfirmDelete(null);
      setFormError((e as Error).message);
    }
  };

  return { busy, errors, confirmDelete, save, askDelete, cancelDelete: () => setConfirmDelete(null), remove };
}
