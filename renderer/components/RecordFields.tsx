// The inputs of a record form, one per form field in order (the hinted order, see
// form-hints-view.ts), labelled and helped by the form hints; a composite foreign key gets one
// picker for all its fields. Key fields are locked when the record already exists.
import type { Dispatch, SetStateAction } from 'react';
import { fieldHint, type FormHints } from '../../common/schema/form-hints.js';
import type { FieldDef, ModelDef, Schema } from '../../common/schema/types.js';
import { hintedLabel } from '../form-hints-view.js';
import { blankRaw, type Raw } from '../form-values.js';
import { belongsToFor, isKeyField } from '../schema-view.js';
import { CompositeRelationField } from './CompositeRelationField.js';
import { FieldInput } from './FieldInput.js';

/** Inputs for `fields` of `model`; `keysLocked` disables key fields (an edit); the first input takes focus. */
export function RecordFields(props: {
  schema: Schema;
  hints: FormHints;
  model: ModelDef;
  fields: readonly FieldDef[];
  values: Readonly<Record<string, Raw>>;
  setValues: Dispatch<SetStateAction<Record<string, Raw>>>;
  errors: ReadonlyMap<string, string>;
  keysLocked: boolean;
}) {
  const { schema, hints, model, values, setValues, errors, keysLocked } = props;
  return (
    <>
      {props.fields.map((f, i) => {
        const relation = belongsToFor(model, f.name);
        if (relation && relation.fields.length > 1) {
          if (relation.fields[0] !== f.name) return null;
          return (
            <CompositeRelationField
              key={f.name}
              schema={schema}
              model={model}
              field={f}
              label={hintedLabel(hints, model, f.name)}
              relation={relation}
              values={values}
              errors={errors}
              autoFocus={i === 0}
              disabled={keysLocked && relation.fields.some((name) => isKeyField(model, name))}
              onChange={(chosen) => setValues((old) => ({ ...old, ...chosen }))}
            />
          );
        }
        return (
          <FieldInput
            key={f.name}
            schema={schema}
            model={model}
            field={f}
            hint={fieldHint(hints, model.name, f.name)}
            label={hintedLabel(hints, model, f.name)}
            path={f.name}
            value={values[f.name] ?? blankRaw(schema, f)}
            errors={errors}
            autoFocus={i === 0}
            disabled={keysLocked && isKeyField(model, f.name)}
            onChange={(v) => setValues((old) => ({ ...old, [f.name]: v }))}
          />
        );
      })}
    </>
  );
}
