// Shows a related record by its title (e.g. an Inspection's Site name) instead of its id.
import { useEffect, useState } from 'react';
import type { Schema } from '../../common/schema/types.js';
import { api } from '../api.js';
import { recordLabel } from '../schema-view.js';

/** The title of the record `model`/`id`, shown in place of its id. */
export function RelatedLabel(props: { schema: Schema; model: string; id: string }) {
  const [label, setLabel] = useState(`#${props.id.slice(0, 8)}`);
  useEffect(() => {
    let live = true;
    void api.get({ model: props.model, id: props.id }).then(
      (record) => live && setLabel(record ? recordLabel(props.schema.models[props.model], record) : `(missing ${props.model})`),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [props.model, props.id, props.schema]);
  return <span>{label}</span>;
}
