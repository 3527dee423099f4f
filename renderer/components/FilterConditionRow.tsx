// One row of the filter builder: field, operator, value (and an upper value for "between"), and remove.
import type { FilterableField } from '../../common/predicates/filterable-fields.js';
import type { ModelDef, Schema } from '../../common/schema/types.js';
import { OPERATOR_LABELS, withField, type Condition } from '../filter-draft.js';
import { fieldLabel } from '../schema-view.js';
import { FilterValueInput } from './FilterValueInput.js';

/** The row editing `condition`; `field` is its field (else the first offered); `onChange` gets a patch. */
export function FilterConditionRow(props: {
  schema: Schema;
  model: ModelDef;
  fields: readonly FilterableField[];
  field: FilterableField | undefined;
  condition: Condition;
  onChange: (patch: Partial<Condition>) => void;
  onRemove: () => void;
}) {
  const { field, condition: c, onChange } = props;
  return (
    <div className="condition">
      <select aria-label="Field" value={c.field} onChange={(e) => onChange(withField(props.model, e.target.value))}>
        {props.fields.map((f) => (
          <option key={f.name} value={f.name}>
            {fieldLabel(f.name, props.model)}
          </option>
        ))}
      </select>
      <select aria-label="Operator" value={c.op} onChange={(e) => onChange({ op: e.target.value as Condition['op'] })}>
        {(field?.operators ?? []).map((op) => (
          <option key={op} value={op}>
            {OPERATOR_LABELS[op]}
          </option>
        ))}
      </select>
      <FilterValueInput schema={props.schema} model={props.model} field={field} condition={c} onValue={(value) => onChange({ value })} />
      {c.op === 'between' && <input aria-label="Upper value" value={c.value2} onChange={(e) => onChange({ value2: e.target.value })} />}
      <button type="button" className="icon" aria-label="Remove condition" onClick={props.onRemove}>
        ×
      </button>
    </div>
  );
}
