// One record in a list: its columns' values, a related record by its title; Enter or a click opens it.
import { keyOf, type KeyObject } from '../../common/schema/record-key.js';
import type { FieldDef, ModelDef, ModelRecord, Schema } from '../../common/schema/types.js';
import { belongsToFor, formatValue, recordLabel, relatedKey } from '../schema-view.js';
import { RelatedLabel } from './RelatedLabel.js';

/** The row of `record` showing `columns`; `onOpen` gets its key (a record without a complete key does not open). */
export function RecordRow(props: { schema: Schema; model: ModelDef; columns: readonly FieldDef[]; record: ModelRecord; onOpen: (key: KeyObject) => void }) {
  const { schema, model, record } = props;
  const key = keyOf(model, record);
  const open = () => key && props.onOpen(key);
  return (
    <tr tabIndex={0} onClick={open} onKeyDown={(e) => e.key === 'Enter' && open()} aria-label={recordLabel(model, record)}>
      {props.columns.map((c) => {
        const relation = belongsToFor(model, c.name);
        const related = relation ? relatedKey(relation, record) : undefined;
        return (
          <td key={c.name}>
            {relation && related ? <RelatedLabel schema={schema} model={relation.relatedModel} recordKey={related} /> : formatValue(c, record[c.name])}
          </td>
        );
      })}
    </tr>
  );
}
