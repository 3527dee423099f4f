// The record form's values: a create's starting values (blank, hinted defaults, a parent's
// pre-fill), prefilled from a resubmitted version, or loaded from the datastore for an edit, with
// the values as loaded kept to tell what the user changed (a create's defaults are not a change).
import { useEffect, useMemo, useState, type Dispatch, type SetStateAction } from 'react';
import type { KeyObject } from '../../common/schema/record-key.js';
import type { FieldDef, ModelDef, ModelRecord, Schema } from '../../common/schema/types.js';
import { api } from '../api.js';
import { blankRaw, toRaw, type Raw } from '../form-values.js';

/** What the form holds: the record as loaded (null: none), its values then and now, and whether loading is over. */
export interface LoadedRecord {
  readonly original: ModelRecord | null;
  readonly loadedRaw: Record<string, Raw>;
  readonly values: Record<string, Raw>;
  readonly setValues: Dispatch<SetStateAction<Record<string, Raw>>>;
  readonly loaded: boolean;
}

/**
 * Loads the record of `model` with `recordKey` (null: a create, starting from `initial`, default
 * blank; it is read when the form opens, so pass a value that stays the same); `onError` gets a
 * sentence when it cannot.
 */
export function useLoadedRecord(
  schema: Schema,
  model: ModelDef,
  fields: readonly FieldDef[],
  recordKey: KeyObject | null,
  resubmit: { readonly values: ModelRecord } | undefined,
  onError: (message: string) => void,
  initial?: Readonly<Record<string, Raw>>,
): LoadedRecord {
  const blank = useMemo(
    () => ({ ...Object.fromEntries(fields.map((f) => [f.name, blankRaw(schema, f)])), ...(recordKey === null ? initial : undefined) }),
    [fields, schema, recordKey, initial],
  );
  const [original, setOriginal] = useState<ModelRecord | null>(null);
  // The form values as loaded: on edit only fields the user touched are sent, so a value the
  // controls cannot show exactly (seconds of a date-time, a float's last digit) is never rewritten.
  const [loadedRaw, setLoadedRaw] = useState<Record<string, Raw>>(blank);
  const [values, setValues] = useState<Record<string, Raw>>(() =>
    resubmit ? Object.fromEntries(fields.map((f) => [f.name, toRaw(schema, f, resubmit.values[f.name])])) : blank,
  );
  const [loaded, setLoaded] = useState(recordKey === null);

  useEffect(() => {
    if (recordKey === null) return;
    void api.get({ model: model.name, id: recordKey }).then(
      (record) => {
        setLoaded(true);
        if (!record) {
          if (!resubmit) onError(`This ${model.name} no longer exists on this device.`);
          return;
        }
        const raw = Object.fromEntries(fields.map((f) => [f.name, toRaw(schema, f, record[f.name])]));
        setOriginal(record);
        setLoadedRaw(raw);
        if (!resubmit) setValues(raw);
      },
      (e: Error) => onError(e.message),
    );
  }, [recordKey, model, fields, schema, resubmit, onError]);

  return { original, loadedRaw, values, setValues, loaded };
}
