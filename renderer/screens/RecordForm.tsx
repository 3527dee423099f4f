// Create/edit form generated from the model and its form hints (labels, help, pick lists, bounds,
// defaults, order). Enter saves, Escape goes back; before saving, the whole record is checked here
// and every problem is shown under its field at once (form-problems.ts); main's refusals are placed
// the same way. "Save and new" saves and opens an empty form of the model with its defaults. An
// edit lists the records inside it (a Site's Inspections: its @hasMany children) and "Add …"
// opens a new child pre-filled with this parent; a child opens here, over its parent, and going
// back returns to the parent. "Only if unchanged on the server" sends a condition the server
// evaluates against its copy when the change syncs. Work in progress is safe: the form tells the
// shell when it is dirty (so leaving it asks first), auto-saves a draft that is offered again when
// the same record (or a new one of the model) is opened, even after a restart, and a delete says
// what goes with it and can be undone. With `resubmit` it edits a rejected review item's version
// and hands the record to the inbox instead of saving it.
import { useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import type { Access } from '../../common/ipc/contract.js';
import type { FormHints } from '../../common/schema/form-hints.js';
import { findModel } from '../../common/schema/model-fields.js';
import type { KeyObject } from '../../common/schema/record-key.js';
import type { FieldDef, ModelDef, ModelRecord, Schema } from '../../common/schema/types.js';
import { ChildRecords } from '../components/ChildRecords.js';
import { DeleteDialog } from '../components/DeleteDialog.js';
import { DraftOffer } from '../components/DraftOffer.js';
import { FormMessages } from '../components/FormMessages.js';
import { LeaveGuard } from '../components/LeaveGuard.js';
import { RecordFields } from '../components/RecordFields.js';
import { RecordFormFooter } from '../components/RecordFormFooter.js';
import { RecordFormHeader } from '../components/RecordFormHeader.js';
import { initialValues, orderedFields } from '../form-hints-view.js';
import type { Raw } from '../form-values.js';
import { useFormHints } from '../hooks/useFormHints.js';
import { CLEAN_GUARD, useFormGuard, type FormGuard } from '../hooks/useFormGuard.js';
import { useLeaveForm } from '../hooks/useLeaveForm.js';
import { useLoadedRecord, type LoadedRecord } from '../hooks/useLoadedRecord.js';
import { useRecordActions, type RecordActions } from '../hooks/useRecordActions.js';
import { useRecordDraft, type RecordDraft } from '../hooks/useRecordDraft.js';
import { readLastUsed } from '../last-used.js';
import { setShownModel } from '../hooks/useShownModel.js';
import { formKeyAction, formTitle } from '../record-form-view.js';
import { formFields } from '../schema-view.js';
import { accessRefusal, isDirty } from '../work-view.js';
import '../forms.css';

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
  /** The signed-in profile: "the last site used" is this profile's (none remembered when null or absent). */
  profileId?: string | null;
  onDone: (saved?: ModelRecord) => void;
  onSaved: (record: ModelRecord) => void;
  /** Called whenever the form becomes dirty or clean. */
  onGuard?: (guard: FormGuard) => void;
  /** What this sign-in may do: a save or delete it may not make is refused here, naming why. */
  access?: Access | null;
  /** After a delete: the notice text and the Trash entry that undoes it. */
  onDeleted?: (notice: { text: string; model: string; trashId?: string }) => void;
  resubmit?: Resubmit;
}

/** One form on the stack: the shell's record, then children opened from it. */
interface FormEntry {
  /** Tells forms apart (a new form of the same model is a new entry). */
  readonly seq: number;
  readonly model: ModelDef;
  readonly recordKey: KeyObject | null;
  /** What a new child starts with: its parent's key in its back-reference fields. */
  readonly prefill?: ModelRecord;
}

/** The create (`recordKey` null) or edit form for the record of `model` with that key, and the children forms opened from it. */
export function RecordForm(props: RecordFormProps) {
  const hints = useFormHints();
  const nextSeq = useRef(1);
  const [stack, setStack] = useState<readonly FormEntry[]>(() => [{ seq: 0, model: props.model, recordKey: props.recordKey }]);
  // A child form is on screen over the route's: the sidebar marks its model (useShownModel.ts).
  const childModel = stack.length > 1 ? stack[stack.length - 1]!.model.name : null;
  useEffect(() => {
    setShownModel(childModel);
    return () => setShownModel(null);
  }, [childModel]);
  if (hints === null) {
    return (
      <section className="form-screen" aria-busy="true" aria-label={`${props.model.name} form`}>
        <p className="muted">Opening the form…</p>
      </section>
    );
  }
  const top = stack[stack.length - 1]!;
  const nested = stack.length > 1;
  const entry = (e: Omit<FormEntry, 'seq'>): FormEntry => ({ ...e, seq: nextSeq.current++ });
  return (
    <RecordFormPage
      key={top.seq}
      {...props}
      hints={hints}
      model={top.model}
      recordKey={top.recordKey}
      prefill={top.prefill}
      nested={nested}
      resubmit={top.seq === 0 ? props.resubmit : undefined}
      onDone={nested ? () => setStack((s) => s.slice(0, -1)) : props.onDone}
      onNew={() => setStack((s) => [...s.slice(0, -1), entry({ model: top.model, recordKey: null, ...(top.prefill ? { prefill: top.prefill } : {}) })])}
      onOpenChild={(modelName, recordKey, prefill) => {
        const model = findModel(props.schema, modelName);
        if (model) setStack((s) => [...s, entry({ model, recordKey, ...(prefill ? { prefill } : {}) })]);
      }}
    />
  );
}

/** One form of the stack, with where its buttons lead. */
interface RecordFormPageProps extends RecordFormProps {
  readonly hints: FormHints;
  readonly prefill: ModelRecord | undefined;
  /** True for a child opened from another form (Ctrl+N then opens a new child here). */
  readonly nested: boolean;
  /** Opens an empty form of this model ("Save and new", Ctrl+N in a child). */
  readonly onNew: () => void;
  /** Opens a child record's form (`recordKey` null: a new one starting from `prefill`). */
  readonly onOpenChild: (model: string, recordKey: KeyObject | null, prefill?: ModelRecord) => void;
}

/** The form's fields in the hinted order, and what a new record starts with (defaults, the parent's pre-fill), computed once when it opens. */
function useFormStart(props: RecordFormPageProps): { fields: FieldDef[]; initial: Record<string, Raw> | undefined } {
  const { schema, hints, model, recordKey, resubmit, prefill } = props;
  const fields = useMemo(() => orderedFields(hints, model, formFields(model)), [hints, model]);
  const [initial] = useState(() =>
    recordKey === null && !resubmit
      ? initialValues(schema, hints, model, fields, {
          now: new Date(),
          lastUsed: (field) => readLastUsed(props.profileId ?? null, model.name, field),
          ...(prefill ? { prefill } : {}),
        })
      : undefined,
  );
  return { fields, initial };
}

function RecordFormPage(props: RecordFormPageProps) {
  const { schema, hints, model, resubmit, recordKey, onGuard } = props;
  const { fields, initial } = useFormStart(props);
  const [formError, setFormError] = useState<string | null>(null);
  const { original, loadedRaw, values, setValues, loaded } = useLoadedRecord(schema, model, fields, recordKey, resubmit, setFormError, initial);
  const draft = useRecordDraft({ model: model.name, recordKey, enabled: !resubmit, loaded, values, loadedRaw });
  const [onlyIfUnchanged, setOnlyIfUnchanged] = useState(false);
  // A rejected create edits a record the device no longer has: it is saved as a new one.
  const editing = original !== null && !(resubmit?.isCreate ?? false);
  const dirty = resubmit ? true : isDirty(values, loadedRaw);
  const cannotSave = accessRefusal(props.access ?? null, model, editing ? 'update' : 'create');
  const release = () => onGuard?.(CLEAN_GUARD);
  const actions = useRecordActions({
    schema,
    hints,
    model,
    fields,
    state: { values, loadedRaw, original, recordKey },
    mode: editing || (recordKey !== null && resubmit === undefined) ? 'update' : 'create',
    resubmit,
    onlyIfUnchanged,
    cannotSave,
    setFormError,
    discardDraft: draft.discard,
    release,
    onSaved: props.onSaved,
    onDone: props.onDone,
    onSaveAndNew: props.onNew,
    onDeleted: props.onDeleted,
    profileId: props.profileId ?? null,
  });
  useFormGuard(onGuard, dirty && !actions.busy, draft.discard);

  const { asking: askLeave, leave, keep, discardAndLeave } = useLeaveForm(dirty, () => props.onDone(), draft.discard, release);
  const onKeyDown = (event: KeyboardEvent) => {
    const action = formKeyAction(event, { asking: askLeave || actions.confirmDelete !== null, nested: props.nested, mayCreate: cannotSave === null });
    if (action === null) return;
    event.preventDefault();
    event.stopPropagation(); // not on to the shell, whose Ctrl+N would open a new record of the parent's model
    leave(action === 'new' ? props.onNew : undefined);
  };

  const title = formTitle(model, original, resubmit);
  return (
    <section className="form-screen" aria-label={title} onKeyDown={onKeyDown}>
      <RecordFormHeader title={title} dirtyMark={dirty && !resubmit} note={resubmit?.note} onBack={() => leave()} />
      <RecordFormBody
        {...props}
        fields={fields}
        loaded={{ original, values, setValues }}
        draft={draft}
        editing={editing}
        actions={actions}
        formError={formError}
        cannotSave={cannotSave}
        onlyIfUnchanged={onlyIfUnchanged}
        setOnlyIfUnchanged={setOnlyIfUnchanged}
        onLeave={() => leave()}
      />
      {editing && original && !resubmit && (
        <ChildRecords
          schema={schema}
          model={model}
          parent={original}
          access={props.access ?? null}
          onOpen={(child, key, prefill) => leave(() => props.onOpenChild(child, key, prefill))}
        />
      )}
      {actions.confirmDelete !== null && (
        <DeleteDialog question={actions.confirmDelete} onDelete={() => void actions.remove()} onCancel={actions.cancelDelete} />
      )}
      {askLeave && <LeaveGuard onKeep={keep} onDiscard={discardAndLeave} />}
    </section>
  );
}

/** The <form> of a page (messages, the inputs, the footer), under the offer of a draft found when it opened. */
function RecordFormBody(
  props: RecordFormPageProps & {
    fields: readonly FieldDef[];
    loaded: Pick<LoadedRecord, 'original' | 'values' | 'setValues'>;
    draft: RecordDraft;
    editing: boolean;
    actions: RecordActions;
    formError: string | null;
    cannotSave: string | null;
    onlyIfUnchanged: boolean;
    setOnlyIfUnchanged: (checked: boolean) => void;
    onLeave: () => void;
  },
) {
  const { schema, hints, model, fields, resubmit, actions, editing, formError, cannotSave, onlyIfUnchanged, setOnlyIfUnchanged } = props;
  const { original, values, setValues } = props.loaded;
  const { draft, recordKey } = props;
  return (
    <>
      {draft.offered && (
        <DraftOffer
          draft={draft.offered}
          what={recordKey === null ? `new ${model.name}` : model.name}
          onRestore={() => {
            setValues((old) => ({ ...old, ...(draft.offered!.values as Record<string, Raw>) }));
            draft.dismiss();
          }}
          onDiscard={draft.decline}
        />
      )}
      <form className="record-form" onSubmit={(event) => void actions.save(event)} noValidate>
        <FormMessages error={formError} refusal={cannotSave} problemCount={actions.problemCount} />
        <RecordFields
          schema={schema}
          hints={hints}
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
          onCancel={props.onLeave}
          onDelete={() => void actions.askDelete()}
          onSaveAndNew={() => void actions.saveAndNew()}
        />
      </form>
    </>
  );
}
