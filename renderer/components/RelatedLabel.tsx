// Shows a related record by its title (e.g. an Inspection's Site name) instead of its key.
import { useEffect, useState } from 'react';
import { modelIdOf, type KeyObject } from '../../common/schema/record-key.js';
import type { Schema } from '../../common/schema/types.js';
import { findModel } from '../../common/schema/model-fields.js';
import { api } from '../api.js';
import { recordLabel } from '../schema-view.js';

/** The title of the record of `model` with key `recordKey`, shown in place of its key. */
export function RelatedLabel(props: { schema: Schema; model: string; recordKey: KeyObject }) {
  const def = findModel(props.schema, props.model);
  const modelId = def ? modelIdOf(def, props.recordKey) : Object.values(props.recordKey).join('-');
  const [label, setLabel] = useState(`#${modelId.slice(0, 8)}`);
  // The key object is rebuilt on every render of the row; its JSON is what identifies it.
  const keyJson = JSON.stringify(props.recordKey);
  useEffect(() => {
    let live = true;
    void api.get({ model: props.model, id: JSON.parse(keyJson) as KeyObject }).then(
      (record) => live && setLabel(record ? recordLabel(findModel(props.schema, props.model), record) : `(missing ${props.model})`),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [props.model, keyJson, props.schema]);
  return <span>{label}</span>;
}
