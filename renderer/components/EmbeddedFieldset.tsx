// An embedded (non-model) type's fields as one group inside a form, each with its own control
// and error line.
import { blankRaw, type Raw } from '../form-values.js';
import { ErrorText } from './FieldError.js';
import { FieldInput, type FieldInputProps } from './FieldInput.js';

/** The fields of `props.field`'s embedded type, grouped under `label`. */
export function EmbeddedFieldset(props: FieldInputProps & { readonly label: string }) {
  const { schema, field, label } = props;
  if (field.type.kind !== 'embedded') return null;
  const type = schema.embeddedTypes[field.type.name];
  const obj = (typeof props.value === 'object' && !Array.isArray(props.value) ? props.value : {}) as Record<string, Raw>;
  return (
    <fieldset className="field embedded">
      <legend>{label}</legend>
      <div className="embedded-fields">
        {(type?.fields ?? []).map((f) => (
          <FieldInput
            key={f.name}
            {...props}
            field={f}
            value={obj[f.name] ?? blankRaw(schema, f)}
            path={`${props.path}.${f.name}`}
            autoFocus={false}
            onChange={(v) => props.onChange({ ...obj, [f.name]: v })}
          />
        ))}
      </div>
      <ErrorText errors={props.errors} path={props.path} />
    </fieldset>
  );
}
