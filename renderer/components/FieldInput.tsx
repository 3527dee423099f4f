// One schema-driven form control: scalars by type (dates, times and date-times with the browser's
// picker, numbers as text the form checks, so "1.5" in a whole-number field or "1e" is named rather
// than silently blanked), enums and hinted pick lists as selects, foreign keys as pickers of the
// related model's records by label, lists as editable lists, embedded types as grouped fields, and
// attachment fields (one file or a list of them) as the attachment control. A required field is
// marked; its help text and its error (form-problems.ts, or main's) are right under it.
import { useEffect, useState } from 'react';
import type { FieldHint } from '../../common/schema/form-hints.js';
import type { FieldDef, ModelDef, ModelRecord, Schema } from '../../common/schema/types.js';
import { findModel } from '../../common/schema/model-fields.js';
import { api } from '../api.js';
import { blankRaw, isAttachmentField, type Raw } from '../form-values.js';
import { AttachmentField } from './AttachmentField.js';
import { EmbeddedFieldset } from './EmbeddedFieldset.js';
import { ErrorText, HelpText, describedBy, inputId } from './FieldError.js';
import { useRecordLabel } from './RelatedLabel.js';
import { belongsToFor, enumLabel, fieldLabel, recordLabel, relatedKey, titleField, type BelongsTo } from '../schema-view.js';

export interface FieldInputProps {
  readonly schema: Schema;
  readonly model: ModelDef;
  readonly field: FieldDef;
  readonly value: Raw;
  /** Dotted path of this value inside the record (`location.latitude`, `tags[1]`). */
  readonly path: string;
  readonly errors: ReadonlyMap<string, string>;
  readonly onChange: (value: Raw) => void;
  readonly autoFocus?: boolean;
  /** Shown but not editable (a key field of a record that exists). */
  readonly disabled?: boolean;
  /** The form hints of this field (list items share their list's); none inside a group. */
  readonly hint?: FieldHint | undefined;
  /** The label to show instead of the one the schema suggests (the hint's). */
  readonly label?: string | undefined;
}

const INPUT_TYPES: Record<string, string> = {
  AWSDate: 'date',
  AWSTime: 'time',
  AWSDateTime: 'datetime-local',
  AWSEmail: 'email',
  AWSURL: 'url',
  AWSPhone: 'tel',
};

/** The option value for a related record: its key values in key order (one select value for any key size). */
function optionValue(values: readonly unknown[]): string {
  return values.every((v) => v === '' || v === null || v === undefined)
    ? ''
    : JSON.stringify(values.map((v) => (v === null || v === undefined ? '' : String(v))));
}

/**
 * One select for a `@belongsTo`: lists the related model's records by title and sets every
 * foreign-key field of the relation from the chosen record's key (one field for an `id` key,
 * several for a composite key).
 */
export function RelationPicker(props: {
  schema: Schema;
  relation: BelongsTo;
  /** The form values of the relation's foreign-key fields, by field name. */
  values: Readonly<Record<string, string>>;
  id: string;
  onChange: (values: Record<string, string>) => void;
  autoFocus?: boolean | undefined;
  disabled?: boolean | undefined;
  invalid: boolean;
  required?: boolean | undefined;
  describedBy?: string | undefined;
}) {
  const { relation } = props;
  const [options, setOptions] = useState<ModelRecord[]>([]);
  const related = findModel(props.schema, relation.relatedModel);
  const shown = relatedKey(relation, props.values);
  // A chosen record beyond the loaded options is still named by its label, never by its id.
  const chosenLabel = useRecordLabel(props.schema, relation.relatedModel, shown);
  useEffect(() => {
    const title = related ? titleField(related) : undefined;
    void api.query({ model: relation.relatedModel, limit: 1000, ...(title ? { sort: [{ field: title, direction: 'asc' as const }] } : {}) }).then(
      (r) => setOptions(r.items),
      () => setOptions([]),
    );
  }, [relation.relatedModel, related]);
  const value = optionValue(relation.fields.map((f) => props.values[f] ?? ''));
  const valueOf = (o: ModelRecord) => optionValue(relation.associatedWith.map((k) => o[k]));
  const choose = (chosen: string) => {
    const parts = chosen === '' ? [] : (JSON.parse(chosen) as string[]);
    props.onChange(Object.fromEntries(relation.fields.map((f, i) => [f, parts[i] ?? ''])));
  };
  return (
    <select
      id={props.id}
      value={value}
      autoFocus={props.autoFocus}
      disabled={props.disabled}
      aria-invalid={props.invalid}
      aria-required={props.required}
      aria-describedby={props.describedBy}
      onChange={(e) => choose(e.target.value)}
    >
      <option value="">Choose a {relation.relatedModel}…</option>
      {options.map((o) => (
        <option key={valueOf(o)} value={valueOf(o)}>
          {recordLabel(related, o)}
        </option>
      ))}
      {value !== '' && !options.some((o) => valueOf(o) === value) && <option value={value}>{chosenLabel}</option>}
    </select>
  );
}

function ScalarControl(props: FieldInputProps & { id: string; value: string }) {
  const { field, schema, model, hint } = props;
  const invalid = props.errors.has(props.path);
  const common = {
    id: props.id,
    autoFocus: props.autoFocus,
    disabled: props.disabled,
    'aria-invalid': invalid,
    'aria-required': field.isRequired || undefined,
    'aria-describedby': describedBy(props.id, invalid, helpFor(field, hint) !== undefined),
  };
  const relation = belongsToFor(model, field.name);
  if (relation && relation.fields.length === 1 && !field.isList) {
    return (
      <RelationPicker
        schema={schema}
        relation={relation}
        values={{ [field.name]: props.value }}
        id={props.id}
        onChange={(values) => props.onChange(values[field.name] ?? '')}
        autoFocus={props.autoFocus}
        disabled={props.disabled}
        invalid={invalid}
        required={field.isRequired}
        describedBy={common['aria-describedby']}
      />
    );
  }
  if (hint?.choices !== undefined) {
    const choices = hint.choices.map(String);
    return (
      <select {...common} value={props.value} onChange={(e) => props.onChange(e.target.value)}>
        <option value="">{field.isRequired ? 'Choose…' : '—'}</option>
        {choices.map((c) => (
          <option key={c} value={c}>
            {field.type.kind === 'enum' ? enumLabel(c) : c}
          </option>
        ))}
        {props.value !== '' && !choices.includes(props.value) && <option value={props.value}>{props.value}</option>}
      </select>
    );
  }
  if (field.type.kind === 'enum') {
    const values = schema.enums[field.type.name]?.values ?? [];
    return (
      <select {...common} value={props.value} onChange={(e) => props.onChange(e.target.value)}>
        <option value="">{field.isRequired ? 'Choose…' : '—'}</option>
        {values.map((v) => (
          <option key={v} value={v}>
            {enumLabel(v)}
          </option>
        ))}
      </select>
    );
  }
  const scalar = field.type.kind === 'scalar' ? field.type.name : 'String';
  if (scalar === 'Boolean') {
    return (
      <select {...common} value={props.value} onChange={(e) => props.onChange(e.target.value)}>
        <option value="">—</option>
        <option value="true">Yes</option>
        <option value="false">No</option>
      </select>
    );
  }
  if (scalar === 'AWSJSON' || (scalar === 'String' && /notes|description|comment/i.test(field.name))) {
    return <textarea {...common} rows={3} value={props.value} onChange={(e) => props.onChange(e.target.value)} />;
  }
  return (
    <input
      {...common}
      type={INPUT_TYPES[scalar] ?? 'text'}
      inputMode={NUMBER_MODES[scalar]}
      autoComplete={NUMBER_MODES[scalar] === undefined ? undefined : 'off'}
      value={props.value}
      onChange={(e) => props.onChange(e.target.value)}
    />
  );
}

/** Numbers are typed as text (checked by the form) with the keyboard a number wants. */
const NUMBER_MODES: Record<string, 'numeric' | 'decimal' | undefined> = { Int: 'numeric', AWSTimestamp: 'numeric', Float: 'decimal' };

const NUMBER = new Intl.NumberFormat('en');

/** The help under a field: the hint's words, and its bounds said plainly when there are any. */
export function helpFor(field: FieldDef, hint: FieldHint | undefined): string | undefined {
  if (hint === undefined) return undefined;
  const { min, max } = hint;
  const bounds =
    min !== undefined && max !== undefined
      ? `From ${NUMBER.format(min)} to ${NUMBER.format(max)}.`
      : min !== undefined
        ? `${NUMBER.format(min)} or more.`
        : max !== undefined
          ? `${NUMBER.format(max)} or less.`
          : undefined;
  const parts = [hint.help, field.isList ? undefined : bounds].filter((p): p is string => p !== undefined);
  return parts.length === 0 ? undefined : parts.join(' ');
}

/** A labelled control (or group) for one field, with its error message. */
export function FieldInput(props: FieldInputProps) {
  const { field, schema } = props;
  const id = inputId(props.path);
  const label = `${props.label ?? fieldLabel(field.name, props.model)}${field.isRequired ? ' *' : ''}`;
  const help = helpFor(field, props.hint);

  // Files are added, viewed and removed whole: never edited as a list of text boxes.
  if (isAttachmentField(schema, field)) return <AttachmentField {...props} label={label} />;

  if (field.isList) {
    const items = Array.isArray(props.value) ? props.value : [];
    const itemField: FieldDef = { ...field, isList: false, isRequired: field.isListItemRequired };
    return (
      <fieldset className="field list-field" aria-describedby={help === undefined ? undefined : `${id}-help`}>
        <legend>{label}</legend>
        <HelpText id={id} help={help} />
        {items.map((item, i) => (
          <div className="list-item" key={i}>
            <FieldInput
              {...props}
              field={itemField}
              label={`${props.label ?? fieldLabel(field.name, props.model)} ${i + 1}`}
              value={item}
              path={`${props.path}[${i}]`}
              autoFocus={false}
              onChange={(v) => props.onChange(items.map((x, j) => (j === i ? v : x)))}
            />
            <button
              type="button"
              className="icon"
              aria-label={`Remove ${props.label ?? fieldLabel(field.name)} ${i + 1}`}
              onClick={() => props.onChange(items.filter((_, j) => j !== i))}
            >
              ×
            </button>
          </div>
        ))}
        <button type="button" className="secondary small" onClick={() => props.onChange([...items, blankRaw(schema, field, true)])}>
          + Add{' '}
          {(props.label ?? fieldLabel(field.name))
            .replace(/\s*\(.*\)$/, '')
            .toLowerCase()
            .replace(/s$/, '')}
        </button>
        <ErrorText errors={props.errors} path={props.path} />
      </fieldset>
    );
  }

  if (field.type.kind === 'embedded') return <EmbeddedFieldset {...props} label={label} />;

  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <ScalarControl {...props} id={id} value={typeof props.value === 'string' ? props.value : ''} />
      <HelpText id={id} help={help} />
      <ErrorText errors={props.errors} path={props.path} />
    </div>
  );
}
