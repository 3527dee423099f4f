// Create/edit form generated from the model. Enter saves, Escape goes back; errors from main are
// placed next to the field their path names. "Only if unchanged on the server" sends a condition
// the server evaluates against its copy when the change syncs.
import { useEffect, useMemo, useState, type FormEvent, type KeyboardEvent } from 'react';
import type { Predicate } from '../../common/predicates/types.js';
import { keyOf, type KeyObject } from '../../common/schema/record-key.js';
import type { ModelDef, ModelRecord, Schema } from '../../common/schema/types.js';
import { api } from '../api.js';
import { FieldInput, RelationPicker } from '../components/FieldInput.js';
import { blankRaw, fromRaw, toRaw, type Raw } from '../form-values.js';
import { filterableFields } from '../filter-draft.js';
import { belongsToFor, fieldLabel, formFields, isKeyField, recordLabel } from '../schema-view.js';
import type { IpcRequestError } from '../../preload/api-from-bridge.js';

/** `Site.location.latitude` → `location.latitude` (the form's own path for the field). */
function fieldPath(model: string, path: string | undefined): string | undefined {
  if (!path) return undefined;
  return path.startsWith(`${model}.`) ? path.slice(model.length + 1) : undefined;
}

/** The create (`recordKey` null) or edit form for the record of `model` with that key. */
export function RecordForm(props: {
  schema: Schema;
  model: ModelDef;
  recordKey: KeyObject | null;
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
    if (props.recordKey === null) return;
    void api.get({ model: model.name, id: props.recordKey }).then(
      (record) => {
        if (!record) {
          setFormError(`This ${model.name} no longer exists on this device.`);
          return;
        }
        const raw = Object.fromEntries(fields.map((f) => [f.name, toRaw(schema, f, record[f.name])]));
        setOriginal(record);
        setLoadedRaw(raw);
        setValues(raw);
      },
      (e: Error) => setFormError(e.message),
    );
  }, [props.recordKey, model, fields, schema]);

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
    // An edit names its record by the key it was loaded with (key fields are not editable then).
    if (original) Object.assign(record, keyOf(model, original));
    let condition: Predicate | undefined;
    if (original && onlyIfUnchanged) {
      const filterable = new Set(filterableFields(model).filter((f) => !f.isList).map((f) => f.name));
      const changed = Object.keys(record).filter(
        (k) => !isKeyField(model, k) && filterable.has(k) && JSON.stringify(record[k] ?? null) !== JSON.stringify(original[k] ?? null) && original[k] !== null && original[k] !== undefined,
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
      const key = keyOf(model, original);
      if (!key) throw new Error(`This ${model.name} has no complete key (${model.primaryKey.join(', ')}) and cannot be deleted here.`);
      await api.delete({ model: model.name, id: key });
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
        {fields.map((f, i) => {
          const relation = belongsToFor(model, f.name);
          const disabled = original !== null && isKeyField(model, f.name);
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
                  disabled={original !== null && relation.fields.some((name) => isKeyField(model, name))}
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
