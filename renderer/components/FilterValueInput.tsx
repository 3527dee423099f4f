// The value control of one filter condition, chosen by its field and operator: yes/no for "is
// set", true/false for booleans, the members of an enum by their labels, a record picker for a
// foreign key ("Site is North ridge"), nothing for "list is empty", else text.
import type { FilterableField } from '../../common/predicates/filterable-fields.js';
import { findModel } from '../../common/schema/model-fields.js';
import type { ModelDef, Schema } from '../../common/schema/types.js';
import type { Condition } from '../filter-draft.js';
import { belongsToFor, enumLabel, fieldLabel } from '../schema-view.js';
import { RecordPicker } from './RecordPicker.js';

/** The "Value" control for `condition` on `field` of `model`; `onValue` gets the new raw text. */
export function FilterValueInput(props: {
  schema: Schema;
  model: ModelDef;
  field: FilterableField | undefined;
  condition: Condition;
  onValue: (value: string) => void;
}) {
  const { field, condition: c, onValue } = props;
  if (c.op === 'attributeExists' || field?.kind === 'boolean') {
    return (
      <select aria-label="Value" value={c.value} onChange={(e) => onValue(e.target.value)}>
        <option value="true">{c.op === 'attributeExists' ? 'yes' : 'true'}</option>
        <option value="false">{c.op === 'attributeExists' ? 'no' : 'false'}</option>
      </select>
    );
  }
  if (field?.kind === 'enum' && c.op !== 'in') {
    const enumValues = props.schema.enums[field.typeName]?.values ?? [];
    return (
      <select aria-label="Value" value={c.value} onChange={(e) => onValue(e.target.value)}>
        <option value="">—</option>
        {enumValues.map((v) => (
          <option key={v} value={v}>
            {enumLabel(v)}
          </option>
        ))}
      </select>
    );
  }
  const relation = field ? belongsToFor(props.model, field.name) : undefined;
  const related = relation && relation.fields.length === 1 ? findModel(props.schema, relation.relatedModel) : undefined;
  if (field && relation && related && (c.op === 'eq' || c.op === 'ne')) {
    return (
      <RecordPicker
        model={related}
        keyField={relation.associatedWith[0]!}
        value={c.value}
        label={`Value: ${fieldLabel(field.name, props.model)}`}
        onChange={onValue}
      />
    );
  }
  if (field?.isList && (c.op === 'eq' || c.op === 'ne')) return <span className="muted">empty</span>;
  return (
    <input
      aria-label="Value"
      value={c.value}
      placeholder={c.op === 'in' ? 'a, b, c' : ''}
      type={field && (field.kind === 'integer' || field.kind === 'float') && c.op !== 'in' ? 'number' : 'text'}
      step="any"
      onChange={(e) => onValue(e.target.value)}
    />
  );
}
