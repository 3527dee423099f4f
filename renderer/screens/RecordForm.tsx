// Create/edit form generated from the model. Enter saves, Escape goes back; errors from main are
// placed next to the field their path names. "Only if unchanged on the server" sends a condition
// the server evaluates against its copy when the change syncs. Work in progress is safe: the form
// tells the shell when it is dirty (so leaving it asks first), auto-saves a draft that is offered
// again when the same record (or a new one of the model) is opened, even after a restart, and a
// delete says what goes with it and can be undone. With `resubmit` it edits a rejected review
// item's version and hands the record to the inbox instead of saving it.
import { useEffect, useMemo, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import type { Access, Draft } from '../../common/ipc/contract.js';
import type { Predicate } from '../../common/predicates/types.js';
import { hasGeneratedId, keyOf, type KeyObject } from '../../common/schema/record-key.js';
import type { ModelDef, ModelRecord, Schema } from '../../common/schema/types.js';
import { api } from '../api.js';
import { FieldInput, RelationPicker } from '../components/FieldInput.js';
import { blankRaw, toRaw, type Raw } from '../form-values.js';
import { accessRefusal, DRAFT_SAVE_DEBOUNCE_MS, deleteQuestion, deletedNotice, draftFor, draftValues, formRecord, isDirty } from '../work-view.js';
import { filterableFields } from '../filter-draft.js';
import { belongsToFor, fieldLabel, formFields, isKeyField, recordLabel } from '../schema-view.js';
import type { IpcRequestError } from '../../preload/api-from-bridge.js';

/** `Site.location.latitude` → `location.latitude` (the form's own path for the field). */
function fieldPath(model: string, path: string | undefined): string | undefined {
  if (!path) return undefined;
  return path.startsWith(`${model}.`) ? path.slice(model.length + 1) : undefined;
}

/** What the shell learns from the form to guard leaving it; `discard` forgets its draft. */
export interface FormGuard {
  readonly dirty: boolean;
  discard(): Promise<void>;
}

/** A rejected review item edited in the form: prefilled with `values`, saved through `submit`. */
export interface Resubmit {
  readonly values: ModelRecord;
  readonly note: string;
  /** True when the rejected change created the record (the form then treats it as new). */
  readonly isCreate: boolean;
  submit(record: ModelRecord): Promise<unknown>;
}

/** The create (`recordKey` null) or edit form for the record of `model` with that key. */
export function RecordForm(props: {
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
}) {
  const { schema, model, resubmit } = props;
  const fields = useMemo(() => formFields(model), [model]);
  const blank = useMemo(() => Object.fromEntries(fields.map((f) => [f.name, blankRaw(schema, f)])), [fields, schema]);
  const [original, setOriginal] = useState<ModelRecord | null>(null);
  // The form values as loaded: on edit only fields the user touched are sent, so a value the
  // controls cannot show exactly (seconds of a date-time, a float's last digit) is never rewritten.
  const [loadedRaw, setLoadedRaw] = useState<Record<string, Raw>>(blank);
  const [values, setValues] = useState<Record<string, Raw>>(() =>
    resubmit ? Object.fromEntries(fields.map((f) => [f.name, toRaw(schema, f, resubmit.values[f.name])])) : blank,
  );
  const [errors, setErrors] = useState<Map<string, string>>(new Map());
  const [formError, setFormError] = useState<string | null>(null);
  const [onlyIfUnchanged, setOnlyIfUnchanged] = useState(false);
  const [confirmDelete, setConfirmDelete] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  /** A draft found when the form opened, offered until the user restores or discards it. */
  const [offered, setOffered] = useState<Draft | null>(null);
  const [loaded, setLoaded] = useState(props.recordKey === null);
  const draftId = useRef<string | null>(null);
  /** The draft save under way, awaited before a draft is discarded (else it would land after). */
  const pendingDraft = useRef<Promise<void>>(Promise.resolve());
  const [askLeave, setAskLeave] = useState(false);
  // A rejected create edits a record the device no longer has: it is saved as a new one.
  const editing = original !== null && !(resubmit?.isCreate ?? false);
  const dirty = resubmit ? true : isDirty(values, loadedRaw);
  const cannotSave = accessRefusal(props.access ?? null, model, editing ? 'update' : 'create');
  const cannotDelete = accessRefusal(props.access ?? null, model, 'delete');

  useEffect(() => {
    if (props.recordKey === null) return;
    void api.get({ model: model.name, id: props.recordKey }).then(
      (record) => {
        setLoaded(true);
        if (!record) {
          if (!resubmit) setFormError(`This ${model.name} no longer exists on this device.`);
          return;
        }
        const raw = Object.fromEntries(fields.map((f) => [f.name, toRaw(schema, f, record[f.name])]));
        setOriginal(record);
        setLoadedRaw(raw);
        if (!resubmit) setValues(raw);
      },
      (e: Error) => setFormError(e.message),
    );
  }, [props.recordKey, model, fields, schema, resubmit]);

  // A draft of this form from before (a crash, a restart, leaving without saving) is offered once loaded.
  useEffect(() => {
    if (resubmit || !loaded) return;
    let cancelled = false;
    void api.draftsList().then(
      (drafts) => {
        const draft = draftFor(drafts, model.name, props.recordKey);
        if (cancelled || !draft) return;
        draftId.current = draft.id;
        setOffered(draft);
      },
      () => undefined,
    );
    return () => {
      cancelled = true;
    };
  }, [loaded, model.name, props.recordKey, resubmit]);

  // Auto-save the draft a moment after the last change; a form back to its loaded values has none.
  const latestValues = useRef(values);
  latestValues.current = values;
  useEffect(() => {
    if (resubmit || !loaded || offered) return;
    const timer = setTimeout(() => {
      if (isDirty(latestValues.current, loadedRaw)) {
        pendingDraft.current = api.draftSave({ model: model.name, key: props.recordKey, values: draftValues(latestValues.current, loadedRaw) }).then(
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
  }, [values, loadedRaw, loaded, offered, model.name, props.recordKey, resubmit]);

  const discardDraft = async (): Promise<void> => {
    await pendingDraft.current;
    const id = draftId.current ?? offered?.id ?? null;
    draftId.current = null;
    if (id !== null) await api.draftDiscard({ id }).catch(() => undefined);
  };

  // The shell asks before dropping a dirty form (navigation, Ctrl+N, sign-out).
  const onGuard = props.onGuard;
  const discardRef = useRef(discardDraft);
  discardRef.current = discardDraft;
  useEffect(() => {
    onGuard?.({ dirty: dirty && !busy, discard: () => discardRef.current() });
  }, [dirty, busy, onGuard]);
  useEffect(() => () => onGuard?.({ dirty: false, discard: async () => undefined }), [onGuard]);

  /** Leaves the form, asking first when it holds unsaved changes. */
  const leave = () => {
    if (dirty) setAskLeave(true);
    else props.onDone();
  };

  const save = async (event?: FormEvent) => {
    event?.preventDefault();
    if (busy || cannotSave !== null) return;
    setBusy(true);
    setErrors(new Map());
    setFormError(null);
    // A resubmit sends the whole edited version (blank optional fields left out of a create).
    const record: ModelRecord = resubmit
      ? formRecord(schema, fields, values, {}, resubmit.isCreate ? null : {})
      : formRecord(schema, fields, values, loadedRaw, original);
    // An edit names its record by the key it was loaded with (key fields are not editable then).
    if (original) Object.assign(record, keyOf(model, original));
    // A resubmitted create keeps its generated id; a user-chosen key is whatever the form now holds.
    else if (resubmit && props.recordKey && (!resubmit.isCreate || hasGeneratedId(model))) Object.assign(record, props.recordKey);
    let condition: Predicate | undefined;
    if (original && onlyIfUnchanged) {
      const filterable = new Set(filterableFields(model).filter((f) => !f.isList).map((f) => f.name));
      const changed = Object.keys(record).filter(
        (k) => !isKeyField(model, k) && filterable.has(k) && JSON.stringify(record[k] ?? null) !== JSON.stringify(original[k] ?? null) && original[k] !== null && original[k] !== undefined,
      );
      if (changed.length > 0) condition = { and: changed.map((k) => ({ field: k, op: 'eq' as const, value: original[k] })) };
    }
    try {
      if (resubmit) {
        await resubmit.submit(record);
        onGuard?.({ dirty: false, discard: async () => undefined });
        props.onDone();
        return;
      }
      const saved = await api.save({ model: model.name, record, ...(condition ? { condition } : {}) });
      await discardDraft();
      onGuard?.({ dirty: false, discard: async () => undefined });
      props.onSaved(saved);
      props.onDone(saved);
    } catch (e) {
      const error = e as IpcRequestError;
      const path = fieldPath(model.name, error.path);
      if (path) setErrors(new Map([[path, error.message.replace(/^[^:]*\.[^:]*: /, '')]]));
      else setFormError(error.message);
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
      await discardDraft();
      onGuard?.({ dirty: false, discard: async () => undefined });
      props.onDeleted?.({ text: deletedNotice(model, original, related), ...(trashId ? { trashId } : {}) });
      props.onDone();
    } catch (e) {
      setConfirmDelete(null);
      setFormError((e as Error).message);
    }
  };

  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Escape' && !askLeave && confirmDelete === null) {
      event.preventDefault();
      leave();
    }
  };

  const title = resubmit
    ? `Resubmit ${model.name}: ${recordLabel(model, resubmit.values)}`
    : original
      ? `${model.name}: ${recordLabel(model, original)}`
      : `New ${model.name}`;
  return (
    <section className="form-screen" aria-label={title} onKeyDown={onKeyDown}>
      <header className="screen-header">
        <button className="link" onClick={leave}>
          ‹ Back
        </button>
        <h1>{title}</h1>
        {dirty && !resubmit && <span className="muted dirty-mark">Unsaved changes · kept as a draft</span>}
      </header>
      {resubmit && <p className="notice-inline review-note">{resubmit.note}</p>}
      {offered && (
        <div className="notice-inline draft-offer" role="status">
          You have unsaved changes to this {props.recordKey === null ? `new ${model.name}` : model.name} from {new Date(offered.updatedAt).toLocaleString()}.{' '}
          <button
            className="link"
            onClick={() => {
              setValues((old) => ({ ...old, ...(offered.values as Record<string, Raw>) }));
              setOffered(null);
            }}
          >
            Restore them
          </button>
          <button
            className="link"
            onClick={() => {
              setOffered(null);
              void discardDraft();
            }}
          >
            Discard them
          </button>
        </div>
      )}
      <form className="record-form" onSubmit={(event) => void save(event)} noValidate>
        {formError && (
          <p className="form-error" role="alert">
            {formError}
          </p>
        )}
        {cannotSave && (
          <p className="form-error access-note" role="status">
            {cannotSave}
          </p>
        )}
        {fields.map((f, i) => {
          const relation = belongsToFor(model, f.name);
          const disabled = (editing || (resubmit !== undefined && !resubmit.isCreate)) && isKeyField(model, f.name);
          if (relation && relation.fields.length > 1) {
            // One picker sets every field of a composite foreign key; it stands where the first one would.
            if (relation.fields[0] !== f.name) return null;
            const path = relation.fields.find((name) => errors.has(name));
            const error = path === undefined ? undefined : errors.get(path);
            return (
              <div className="field" key={f.name}>
                <label htmlFor={`field-${f.name}`}>
                  {fieldLabel(f.name, model)}
                  {f.isRequired ? ' *' : ''}
                </label>
                <RelationPicker
                  schema={schema}
                  relation={relation}
                  values={Object.fromEntries(relation.fields.map((name) => [name, typeof values[name] === 'string' ? (values[name] as string) : '']))}
                  id={`field-${f.name}`}
                  onChange={(chosen) => setValues((old) => ({ ...old, ...chosen }))}
                  autoFocus={i === 0}
                  disabled={(editing || (resubmit !== undefined && !resubmit.isCreate)) && relation.fields.some((name) => isKeyField(model, name))}
                  invalid={error !== undefined}
                />
                {error && (
                  <span className="field-error" role="alert">
                    {error}
                  </span>
                )}
              </div>
            );
          }
          return (
            <FieldInput
              key={f.name}
              schema={schema}
              model={model}
              field={f}
              path={f.name}
              value={values[f.name] ?? blankRaw(schema, f)}
              errors={errors}
              autoFocus={i === 0}
              disabled={disabled}
              onChange={(v) => setValues((old) => ({ ...old, [f.name]: v }))}
            />
          );
        })}
        {editing && !resubmit && (
          <label className="check">
            <input type="checkbox" checked={onlyIfUnchanged} onChange={(e) => setOnlyIfUnchanged(e.target.checked)} />
            Only save if the server still has the values I started from
          </label>
        )}
        {editing && (
          <p className="meta muted">
            Version {String(original._version ?? 'not yet synced')}
            {typeof original.updatedAt === 'string' ? ` · updated ${new Date(original.updatedAt).toLocaleString()}` : ''}
          </p>
        )}
        <div className="actions">
          <button type="submit" className="primary" disabled={busy || cannotSave !== null} title={cannotSave ?? undefined}>
            {resubmit ? 'Resubmit' : 'Save'}
          </button>
          <button type="button" className="secondary" onClick={leave}>
            Cancel
          </button>
          {editing && !resubmit && cannotDelete === null && (
            <button type="button" className="danger-outline" onClick={() => void askDelete()}>
              Delete
            </button>
          )}
          <span className="muted hint">Enter saves · Esc goes back</span>
        </div>
      </form>
      {confirmDelete !== null && (
        <div className="dialog-backdrop">
          <div className="dialog" role="alertdialog" aria-labelledby="delete-title">
            <h2 id="delete-title">{confirmDelete}</h2>
            <p>You can undo it from the notice, or restore it later from the Trash.</p>
            <div className="actions">
              <button className="danger" onClick={() => void remove()} autoFocus>
                Delete
              </button>
              <button className="secondary" onClick={() => setConfirmDelete(null)}>
                Cancel
              </button>
            </div>
          </div>
        </div>
      )}
      {askLeave && (
        <LeaveGuard
          onKeep={() => setAskLeave(false)}
          onDiscard={() => {
            setAskLeave(false);
            void discardDraft().then(() => {
              onGuard?.({ dirty: false, discard: async () => undefined });
              props.onDone();
            });
          }}
        />
      )}
    </section>
  );
}

/** "Discard unsaved changes?" — asked before a dirty form is dropped. */
export function LeaveGuard(props: { onKeep: () => void; onDiscard: () => void }) {
  return (
    <div className="dialog-backdrop">
      <div className="dialog" role="alertdialog" aria-labelledby="leave-title" aria-describedby="leave-text">
        <h2 id="leave-title">Discard unsaved changes?</h2>
        <p id="leave-text">This form has changes that are not saved. Keep editing to save them, or discard them.</p>
        <div className="actions">
          <button className="primary" onClick={props.onKeep} autoFocus>
            Keep editing
          </button>
          <button className="danger" onClick={props.onDiscard}>
            Discard changes
          </button>
        </div>
      </div>
    </div>
  );
}
