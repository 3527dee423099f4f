// Create/edit form generated from the model. Enter saves, Escape goes back; errors from main are
// placed next to the field their path names. "Only if unchanged on the server" sends a condition
// the server evaluates against its copy when the change syncs. Work in progress is safe: the form
// tells the shell when it is dirty (so leaving it asks first), auto-saves a draft that is offered
// again when the same record (or a new one of the model) is opened, even after a restart, and a
// delete says what goes with it and can be undone. With `resubmit` it edits a rejected review
// item's version and hands the record to the inbox instead of saving it.
import { useMemo, useState, type KeyboardEvent } from 'react';
import type { Access } from '../../common/ipc/contract.js';
import type { KeyObject } from '../../common/schema/record-key.js';
import type { ModelDef, ModelRecord, Schema } from '../../common/schema/types.js';
import { DeleteDialog } from '../components/DeleteDialog.js';
import { DraftOffer } from '../components/DraftOffer.js';
import { FormMessages } from '../components/FormMessages.js';
import { LeaveGuard } from '../components/LeaveGuard.js';
import { RecordFields } from '../components/RecordFields.js';
import { RecordFormFooter } from '../components/RecordFormFooter.js';
import { RecordFormHeader } from '../components/RecordFormHeader.js';
import type { Raw } from '../form-values.js';
import { CLEAN_GUARD, useFormGuard, type FormGuard } from '../hooks/useFormGuard.js';
import { useLeaveForm } from '../hooks/useLeaveForm.js';
import { useLoadedRecord } from '../hooks/useLoadedRecord.js';
import { useRecordActions } from '../hooks/useRecordActions.js';
import { useRecordDraft } from '../hooks/useRecordDraft.js';
import { formTitle } from '../record-form-view.js';
import { formFields } from '../schema-view.js';
import { accessRefusal, isDirty } from '../work-view.js';

export type { FormGuard } from '../hooks/useFormGuard.js';

/** A rejected review item edited in the form: prefilled with `values`, saved through `submit`. */
export interface Resubmit {
  readonly values: ModelRecord;
  readonly note: string;
  /** True when the rejected change created the record (the form then treats it as new). */
  readonly isCreate: boolean;
  submit(record: ModelRecord): Promise<unknown>;
}

/** What the shell gives the record form. */
export interface RecordFormProps {
  schema: Schema;
  model: ModelDef;
  recordKey: KeyObject | null;
  onDone: (saved?: ModelRecord) => void;
  onSaved: (record: ModelRecord) => void;
  /** Called whenever the form becomes dirty or clean. */
  onGuard?: (guard: FormGuard) => void;
  /** What this sign-in may do: a save or delete it may not make is refused here, naming why. */
  access?: Access | null;
  /** After a delete: the notice text and the Trash entry that undoes it. */
  onDeleted?: (notice: { text: string; trashId?: string }) => void;
  resubmit?: Resubmit;
}

/** The create (`recordKey` null) or edit form for the record of `model` with that key. */
export function RecordForm(props: RecordFormProps) {
  const { schema, model, resubmit, recordKey, onGuard } = props;
  const fields = useMemo(() => formFields(model), [model]);
  const [formError, setFormError] = useState<string | null>(null);
  const { original, loadedRaw, values, setValues, loaded } = useLoadedRecord(schema, model, fields, recordKey, resubmit, setFormError);
  const draft = useRecordDraft({ model: model.name, recordKey, enabled: !resubmit, loaded, values, loadedRaw });
  const [onlyIfUnchanged, setOnlyIfUnchanged] = useState(false);
  // A rejected create edits a record the device no longer has: it is saved as a new one.
  const editing = original !== null && !(resubmit?.isCreate ?? false);
  const dirty = resubmit ? true : isDirty(values, loadedRaw);
  const cannotSave = accessRefusal(props.access ?? null, model, editing ? 'update' : 'create');
  const release = () => onGuard?.(CLEAN_GUARD);
  const actions = useRecordActions({
    schema,
    model,
    fields,
    state: { values, loadedRaw, original, recordKey },
    resubmit,
    onlyIfUnchanged,
    cannotSave,
    setFormError,
    discardDraft: draft.discard,
    release,
    onSaved: props.onSaved,
    onDone: props.onDone,
    onDeleted: props.onDeleted,
  });
  useFormGuard(onGuard, dirty && !actions.busy, draft.discard);

  const { asking: askLeave, leave, keep, discardAndLeave } = useLeaveForm(dirty, () => props.onDone(), draft.discard, release);
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Escape' && !askLeave && actions.confirmDelete === null) {
      event.preventDefault();
      leave();
    }
  };
  const restoreDraft = (offered: Record<string, Raw>) => {
    setValues((old) => ({ ...old, ...offered }));
    draft.dismiss();
  };

  const title = formTitle(model, original, resubmit);
  return (
    <section className="form-screen" aria-label={title} onKeyDown={onKeyDown}>
      <RecordFormHeader title={title} dirtyMark={dirty && !resubmit} note={resubmit?.note} onBack={leave} />
      {draft.offered && (
        <DraftOffer
          draft={draft.offered}
          what={recordKey === null ? `new ${model.name}` : model.name}
          onRestore={() => restoreDraft(draft.offered!.values as Record<string, Raw>)}
          onDiscard={draft.decline}
        />
      )}
      <form className="record-form" onSubmit={(event) => void actions.save(event)} noValidate>
        <FormMessages error={formError} refusal={cannotSave} />
        <RecordFields
          schema={schema}
          model={model}
          fields={fields}
          values={values}
          setValues={setValues}
          errors={actions.errors}
          keysLocked={editing || (resubmit !== undefined && !resubmit.isCreate)}
        />
        <RecordFormFooter
          original={editing ? original : null}
          isResubmit={resubmit !== undefined}
          onlyIfUnchanged={onlyIfUnchanged}
          onOnlyIfUnchanged={setOnlyIfUnchanged}
          busy={actions.busy}
          cannotSave={cannotSave}
          canDelete={accessRefusal(props.access ?? null, model, 'delete') === null}
          onCancel={leave}
          onDelete={() => void actions.askDelete()}
        />
      </form>
      {actions.confirmDelete !== null && (
        <DeleteDialog question={actions.confirmDelete} onDelete={() => void actions.remove()} onCancel={actions.cancelDelete} />
      )}
      {askLeave && <LeaveGuard onKeep={keep} onDiscard={discardAndLeave} />}
    </section>
  );
}
