// An embedded (non-model) type's fields as one group inside a form, each with its own control
// and error line. A GeoPoint-shaped group (common/schema/geo-point.ts) also gets "Use my location",
// and its parts are range-checked as they are typed, with the same plain words main's validation
// uses on save, shown under the part.
import { geoPointLayout, geoPointProblems, type GeoPointLayout } from '../../common/schema/geo-point.js';
import type { EmbeddedTypeDef, Schema } from '../../common/schema/types.js';
import { blankRaw, fromRaw, type Raw } from '../form-values.js';
import { ErrorText, HelpText, inputId } from './FieldError.js';
import { FieldInput, helpFor, type FieldInputProps } from './FieldInput.js';
import { UseMyLocation } from './UseMyLocation.js';

/**
 * The group's errors with its typed parts judged as they stand: a part out of range gets its plain
 * message, a part typed and valid loses any error a save left on it (it is stale now). A part still
 * blank keeps what the save said: whether it is required is for the save to judge.
 */
function withRangeErrors(
  schema: Schema,
  type: EmbeddedTypeDef,
  layout: GeoPointLayout,
  obj: Record<string, Raw>,
  path: string,
  errors: ReadonlyMap<string, string>,
): ReadonlyMap<string, string> {
  const value = Object.fromEntries(type.fields.map((f) => [f.name, fromRaw(schema, f, obj[f.name] ?? '')]));
  const problems = new Map(geoPointProblems(value, layout).map((p) => [p.field, p.message]));
  const out = new Map(errors);
  for (const name of [layout.latitude, layout.longitude, layout.accuracy, layout.altitude, layout.altitudeAccuracy]) {
    const raw = name === undefined ? undefined : obj[name];
    if (name === undefined || typeof raw !== 'string' || raw.trim() === '') continue;
    const problem = problems.get(name);
    if (problem === undefined) out.delete(`${path}.${name}`);
    else out.set(`${path}.${name}`, problem);
  }
  return out;
}

/** The fields of `props.field`'s embedded type, grouped under `label`. */
export function EmbeddedFieldset(props: FieldInputProps & { readonly label: string }) {
  const { schema, field, label } = props;
  if (field.type.kind !== 'embedded') return null;
  const type = Object.hasOwn(schema.embeddedTypes, field.type.name) ? schema.embeddedTypes[field.type.name] : undefined;
  const obj = (typeof props.value === 'object' && !Array.isArray(props.value) ? props.value : {}) as Record<string, Raw>;
  const layout = type === undefined ? null : geoPointLayout(type);
  const errors = type === undefined || layout === null ? props.errors : withRangeErrors(schema, type, layout, obj, props.path, props.errors);
  return (
    <fieldset className="field embedded">
      <legend>{label}</legend>
      <HelpText id={inputId(props.path)} help={helpFor(field, props.hint)} />
      {layout !== null && (
        <UseMyLocation
          layout={layout}
          label={label}
          id={inputId(props.path)}
          disabled={props.disabled}
          onLocated={(parts) => props.onChange({ ...obj, ...parts })}
        />
      )}
      <div className={layout === null ? 'embedded-fields' : 'embedded-fields use-location-fields'}>
        {(type?.fields ?? []).map((f) => (
          <FieldInput
            key={f.name}
            {...props}
            hint={undefined}
            label={undefined}
            errors={errors}
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
