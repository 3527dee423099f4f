// The notice after a delete and its Undo: restoring the Trash entry, then saying what came back
// (or why it could not). Each notice gets a new `seq` so a repeat shows as new.
import { useState } from 'react';
import type { Schema } from '../../common/schema/types.js';
import { findModel } from '../../common/schema/model-fields.js';
import { api } from '../api.js';
import { recordLabel } from '../schema-view.js';

/** The notice on screen: its text, the Trash entry Undo restores, and the model deleted from. */
export interface UndoNoticeState {
  readonly text: string;
  readonly trashId?: string;
  readonly model?: string;
  readonly seq: number;
}

/** The undo notice and what changes it. */
export interface UndoDelete {
  readonly notice: UndoNoticeState | null;
  /** Shows the notice of a delete from `model`. */
  deleted(notice: { text: string; trashId?: string }, model: string): void;
  undo(trashId: string): Promise<void>;
  dismiss(): void;
}

/** Undo for deletes in `schema`. */
export function useUndoDelete(schema: Schema | null): UndoDelete {
  const [notice, setNotice] = useState<UndoNoticeState | null>(null);
  const undo = async (trashId: string) => {
    try {
      const restored = await api.trashRestore({ id: trashId });
      const model = notice?.model;
      const name = schema && model ? `${model} “${recordLabel(findModel(schema, model), restored)}”` : '';
      setNotice((u) => ({ text: `Restored${name ? ` ${name}` : ''}.`, seq: (u?.seq ?? 0) + 1 }));
    } catch (e) {
      setNotice((u) => ({ text: `Could not undo: ${(e as Error).message}`, seq: (u?.seq ?? 0) + 1 }));
    }
  };
  return {
    notice,
    deleted: (deleted, model) => setNotice((u) => ({ ...deleted, model, seq: (u?.seq ?? 0) + 1 })),
    undo,
    dismiss: () => setNotice(null),
  };
}
