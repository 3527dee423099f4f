// Shows a related record by its label (e.g. an Inspection's Site name) instead of its key.
import { useEffect, useState } from 'react';
import { modelIdOf, type KeyObject } from '../../common/schema/record-key.js';
import type { Schema } from '../../common/schema/types.js';
import { findModel } from '../../common/schema/model-fields.js';
import { api } from '../api.js';
import { recordLabel } from '../schema-view.js';

/** The label of the record of `model` with `recordKey` ('' without a key): its key's short form until it is read, "(missing …)" when it is gone. */
export function useRecordLabel(schema: Schema, model: string, recordKey: KeyObject | undefined): string {
  const def = findModel(schema, model);
  const modelId = recordKey === undefined ? '' : def ? modelIdOf(def, recordKey) : Object.values(recordKey).join('-');
  // The key object is rebuilt on every render of the caller; its JSON is what identifies it.
  const keyJson = recordKey === undefined ? null : JSON.stringify(recordKey);
  const [read, setRead] = useState<{ key: string; label: string } | null>(null);
  useEffect(() => {
    if (keyJson === null) return;
    let live = true;
    void api.get({ model, id: JSON.parse(keyJson) as KeyObject }).then(
      (record) => live && setRead({ key: keyJson, label: record ? recordLabel(findModel(schema, model), record) : `(missing ${model})` }),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [model, keyJson, schema]);
  if (keyJson === null) return '';
  return read?.key === keyJson ? read.label : `#${modelId.slice(0, 8)}`;
}

/** The title of the record of `model` with key `recordKey`, shown in place of its key. */
export function RelatedLabel(props: { schema: Schema; model: string; recordKey: KeyObject }) {
  return <span>{useRecordLabel(props.schema, props.model, props.recordKey)}</span>;
}
