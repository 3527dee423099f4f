// The record form's delete: it first asks, naming what goes with it (deletePreview), then deletes
// and reports what it took, with the Trash entry that undoes it.
import { useState } from 'react';
import { keyOf } from '../../common/schema/record-key.js';
import { api } from '../api.js';
import { deleteQuestion, deletedNotice } from '../work-view.js';
import type { RecordActionsInput } from './useRecordActions.js';

/** The delete question on screen and the steps of a delete. */
export interface RecordDelete {
  /** The delete question on screen, or null. */
  readonly confirmDelete: string | null;
  askDelete(): Promise<void>;
  cancelDelete(): void;
  remove(): Promise<void>;
}

/** Delete for the form described by `input` (only once it holds a stored record). */
export function useRecordDelete(input: RecordActionsInput): RecordDelete {
  const [confirmDelete, setConfirmDelete] = useState<string | null>(null);
  const { schema, model, setFormError } = input;
  const { original } = input.state;

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
      input.onDeleted?.({ text: deletedNotice(model, original, related), model: model.name, ...(trashId ? { trashId } : {}) });
      input.onDone();
    } catch (e) {
      setConfirmDelete(null);
      setFormError((e as Error).message);
    }
  };

  return { confirmDelete, askDelete, cancelDelete: () => setConfirmDelete(null), remove };
}
