// One side of a field the review inbox compares: a foreign key by its related record's label (an
// Inspection's Site by name), anything else as the text given.
import type { ModelDef, ModelRecord, Schema } from '../../common/schema/types.js';
import { belongsToFor, relatedKey } from '../schema-view.js';
import { RelatedLabel } from './RelatedLabel.js';

/** The cell for `field` of `record` (null: not there), showing `text` unless the field is a foreign key. */
export function ComparedCell(props: { schema: Schema; model: ModelDef | undefined; field: string; record: ModelRecord | null; text: string }) {
  const relation = props.model ? belongsToFor(props.model, props.field) : undefined;
  const key = relation && props.record ? relatedKey(relation, props.record) : undefined;
  return <td>{relation && key ? <RelatedLabel schema={props.schema} model={relation.relatedModel} recordKey={key} /> : props.text}</td>;
}
