// One picker for every field of a composite foreign key, with its label and the first error of
// any of its fields; it stands where the first of those fields would.
import type { FieldDef, ModelDef, Schema } from '../../common/schema/types.js';
import type { Raw } from '../form-values.js';
import { fieldLabel, type BelongsTo } from '../schema-view.js';
import { RelationPicker } from './FieldInput.js';

/** The labelled picker for `relation` (whose first field is `field`), setting all its fields at once. */
export function CompositeRelationField(props: {
  schema: Schema;
  model: ModelDef;
  field: FieldDef;
  /** The label shown (the hint's, else the related model's name). */
  label?: string;
  relation: BelongsTo;
  values: Readonly<Record<string, Raw>>;
  errors: ReadonlyMap<string, string>;
  autoFocus: boolean;
  disabled: boolean;
  onChange: (chosen: Record<string, string>) => void;
}) {
  const { field, relation, values, errors } = props;
  const path = relation.fields.find((name) => errors.has(name));
  const error = path === undefined ? undefined : errors.get(path);
  return (
    <div className="field">
      <label htmlFor={`field-${field.name}`}>
        {props.label ?? fieldLabel(field.name, props.model)}
        {field.isRequired ? ' *' : ''}
      </label>
      <RelationPicker
        schema={props.schema}
        relation={relation}
        values={Object.fromEntries(relation.fields.map((name) => [name, typeof values[name] === 'string' ? (values[name] as string) : '']))}
        id={`field-${field.name}`}
        onChange={props.onChange}
        autoFocus={props.autoFocus}
        disabled={props.disabled}
        invalid={error !== undefined}
        required={field.isRequired}
        describedBy={error === undefined ? undefined : `field-${field.name}-error`}
      />
      {error && (
        <span className="field-error" id={`field-${field.name}-error`} role="alert">
          {error}
        </span>
      )}
    </div>
  );
}
