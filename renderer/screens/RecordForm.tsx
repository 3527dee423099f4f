// Create/edit form generated from the model. Enter saves, Escape goes back; errors from main are
// placed next to the field their path names. "Only if unchanged on the server" sends a condition
// the server evaluates against its copy when the change syncs.
import { useEffect, useMemo, useState, type FormEvent, type KeyboardEvent } from 'react';
import type { Predicate } from '../../common/predicates/types.js';
import type { ModelDef, ModelRecord, Schema } from '../../common/schema/types.js';
import { api } from '../api.js';
import { FieldInput } from '../components/FieldInput.js';
import { blankRaw, fromRaw, toRaw, type Raw } from '../form-values.js';
import { filterableFields } from '../filter-draft.js';
import { formFields, recordLabel } from '../schema-view.js';
import type { IpcRequestError } from '../../preload/api-from-bridge.js';

/** `Site.location.latitude` → `location.latitude` (the form's own path for the field). */
function fieldPath(model: string, path: string | undefined): string | undefined {
  if (!path) return undefined;
  return path.startsWith(`${model}.`) ? path.slice(model.length + 1) : undefined;
}

/** The create (`id` null) or edit form for one record of `model`. */
export function RecordForm(props: {
  schema: Schema;
  model: ModelDef;
  id: string | null;
  onDone: (saved?: ModelRecord) => void;
  onSaved: (record: ModelRecord) => void;
}) {
  const { schema, model } = props;
  const fields = useMemo(() => formFields(model), [model]);
  const [original, setOriginal] = useState<ModelRecord | null>(null);
  // The form values as loaded: on edit only fields the user touched are sent, so a value the
  // controls cannot show exactly (seconds of a date-time, a float's last digit) is never rewritten.
  const [loadedRaw, setLoadedRaw] = useState<Record<string, Raw>>({});
  const [values, setValues] = useState<Record<string, Raw>>(() => Object.fromEntries(fields.map((f) => [f.name, blankRaw(schema, f)])));
  const [errors, setErrors] = useState<Map<string, string>>(new Map());
  const [formError, setFormError] = useState<string | null>(null);
  const [onlyIfUnchanged, setOnlyIfUnchanged] = useState(false);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (props.id === null) return;
    void api.get({ model: model.name, id: props.id }).then((record) => {
      if (!record) {
        setFormError(`This ${model.name} no longer exists on this device.`);
        return;
      }
      const raw = Object.fromEntries(fields.map((f) => [f.name, toRaw(schema, f, record[f.name])]));
      setOriginal(record);
      setLoadedRaw(raw);
      setValues(raw);
    });
  }, [props.id, model, fields, schema]);

  const save = async (event?: FormEvent) => {
    event?.preventDefault();
    if (busy) return;
    setBusy(true);
    setErrors(new Map());
    setFormError(null);
    const record: ModelRecord = {};
    for (const f of fields) {
      if (original !== null && JSON.stringify(values[f.name]) === JSON.stringify(loadedRaw[f.name])) continue;
      const value = fromRaw(schema, f, values[f.name] ?? blankRaw(schema, f));
      // On create, leave blank optional fields out; on edit, blank means "clear it".
      if (original === null && (value === null || (Array.isArray(value) && value.length === 0)) && !f.isRequired) continue;
      record[f.name] = value;
    }
    if (original) record.id = original.id;
    let condition: Predicate | undefined;
    if (original && onlyIfUnchanged) {
      const filterable = new Set(filterableFields(model).filter((f) => !f.isList).map((f) => f.name));
      const changed = Object.keys(record).filter(
        (k) => k !== 'id' && filterable.has(k) && JSON.stringify(record[k] ?? null) !== JSON.stringify(original[k] ?? null) && original[k] !== null && original[k] !== undefined,
      );
      if (changed.length > 0) condition = { and: changed.map((k) => ({ field: k, op: 'eq' as const, value: original[k] })) };
    }
    try {
      const saved = await api.save({ model: model.name, record, ...(condition ? { condition } : {}) });
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

  const remove = async () => {
    if (!original) return;
    try {
      await api.delete({ model: model.name, id: String(original.id) });
      props.onDone();
    } catch (e) {
      setFormError((e as Error).message);
    }
  };

  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Escape') {
      event.preventDefault();
      props.onDone();
    }
  };

  const title = original ? `${model.name}: ${recordLabel(model, original)}` : `New ${model.name}`;
  return (
    <section className="form-screen" aria-label={title} onKeyDown={onKeyDown}>
      <header className="screen-header">
        <button className="link" onClick={() => props.onDone()}>
          ‹ Back
        </button>
        <h1>{title}</h1>
      </header>
      <form className="record-form" onSubmit={save} noValidate>
        {formError && (
          <p className="form-error" role="alert">
            {formError}
          </p>
        )}
        {fields.map((f, i) => (
          <FieldInput
            key={f.name}
            schema={schema}
            model={model}
            field={f}
            path={f.name}
            value={values[f.name] ?? blankRaw(schema, f)}
            errors={errors}
            autoFocus={i === 0}
            onChange={(v) => setValues((old) => ({ ...old, [f.name]: v }))}
          />
        ))}
        {original && (
          <label className="check">
            <input type="checkbox" checked={onlyIfUnchanged} onChange={(e) => setOnlyIfUnchanged(e.target.checked)} />
            Only save if the server still has the values I started from
          </label>
        )}
        {original && (
          <p className="meta muted">
            Version {String(original._version ?? 'not yet synced')}
            {typeof original.updatedAt === 'string' ? ` · updated ${new Date(original.updatedAt).toLocaleString()}` : ''}
          </p>
        )}
        <div className="actions">
          <button type="submit" className="primary" disabled={busy}>
            Save
          </button>
          <button type="button" className="secondary" onClick={() => props.onDone()}>
            Cancel
          </button>
          {original &&
            (confirmDelete ? (
              <button type="button" className="danger" onClick={() => void remove()}>
                Confirm delete
              </button>
            ) : (
              <button type="button" className="danger-outline" onClick={() => setConfirmDelete(true)}>
                Delete
              </button>
            ))}
          <span className="muted hint">Enter saves · Esc goes back</span>
        </div>
      </form>
    </section>
  );
}
