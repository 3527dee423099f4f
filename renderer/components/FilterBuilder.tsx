// Builds a predicate from rows of field / operator / value; enum fields offer their members,
// booleans true/false. Applied on "Apply" or Enter, so typing does not re-query on every key.
import { useState, type FormEvent } from 'react';
import type { ModelDef, Schema } from '../../common/schema/types.js';
import { filterableFields, newCondition, OPERATOR_LABELS, type Condition, type FilterDraft } from '../filter-draft.js';
import { fieldLabel } from '../schema-view.js';

/** Rows of field / operator / value for one model; calls `onApply` with the draft on Apply or Enter. */
export function FilterBuilder(props: { schema: Schema; model: ModelDef; draft: FilterDraft; onApply: (draft: FilterDraft) => void }) {
  const [draft, setDraft] = useState<FilterDraft>(props.draft);
  const fields = filterableFields(props.model);
  const update = (index: number, patch: Partial<Condition>) =>
    setDraft((d) => ({ ...d, conditions: d.conditions.map((c, i) => (i === index ? { ...c, ...patch } : c)) }));
  const add = () => {
    const c = newCondition(props.model);
    if (c) setDraft((d) => ({ ...d, conditions: [...d.conditions, c] }));
  };
  const remove = (index: number) => setDraft((d) => ({ ...d, conditions: d.conditions.filter((_, i) => i !== index) }));
  const apply = (event?: FormEvent) => {
    event?.preventDefault();
    props.onApply(draft);
  };
  const clear = () => {
    const empty = { ...draft, conditions: [] };
    setDraft(empty);
    props.onApply(empty);
  };

  return (
    <form className="filter-builder" onSubmit={apply} aria-label="Filter">
      {draft.conditions.length > 1 && (
        <label className="combine">
          Match
          <select value={draft.combine} onChange={(e) => setDraft({ ...draft, combine: e.target.value as 'and' | 'or' })}>
            <option value="and">all conditions</option>
            <option value="or">any condition</option>
          </select>
        </label>
      )}
      {draft.conditions.map((c, i) => {
        const field = fields.find((f) => f.name === c.field) ?? fields[0];
        const enumValues = field?.kind === 'enum' ? props.schema.enums[field.typeName]?.values ?? [] : [];
        return (
          <div className="condition" key={i}>
            <select aria-label="Field" value={c.field} onChange={(e) => {
              const next = fields.find((f) => f.name === e.target.value);
              update(i, { field: e.target.value, op: next?.operators[0] ?? 'eq', value: '', value2: '' });
            }}>
              {fields.map((f) => (
                <option key={f.name} value={f.name}>
                  {fieldLabel(f.name)}
                </option>
              ))}
            </select>
            <select aria-label="Operator" value={c.op} onChange={(e) => update(i, { op: e.target.value as Condition['op'] })}>
              {(field?.operators ?? []).map((op) => (
                <option key={op} value={op}>
                  {OPERATOR_LABELS[op]}
                </option>
              ))}
            </select>
            {c.op === 'attributeExists' || field?.kind === 'boolean' ? (
              <select aria-label="Value" value={c.value} onChange={(e) => update(i, { value: e.target.value })}>
                <option value="true">{c.op === 'attributeExists' ? 'yes' : 'true'}</option>
                <option value="false">{c.op === 'attributeExists' ? 'no' : 'false'}</option>
              </select>
            ) : field?.kind === 'enum' && c.op !== 'in' ? (
              <select aria-label="Value" value={c.value} onChange={(e) => update(i, { value: e.target.value })}>
                <option value="">—</option>
                {enumValues.map((v) => (
                  <option key={v} value={v}>
                    {v}
                  </option>
                ))}
              </select>
            ) : field?.isList && (c.op === 'eq' || c.op === 'ne') ? (
              <span className="muted">empty</span>
            ) : (
              <input
                aria-label="Value"
                value={c.value}
                placeholder={c.op === 'in' ? 'a, b, c' : ''}
                type={field && (field.kind === 'integer' || field.kind === 'float') && c.op !== 'in' ? 'number' : 'text'}
                step="any"
                onChange={(e) => update(i, { value: e.target.value })}
              />
            )}
            {c.op === 'between' && (
              <input aria-label="Upper value" value={c.value2} onChange={(e) => update(i, { value2: e.target.value })} />
            )}
            <button type="button" className="icon" aria-label="Remove condition" onClick={() => remove(i)}>
              ×
            </button>
          </div>
        );
      })}
      <div className="filter-actions">
        <button type="button" className="secondary" onClick={add}>
          + Condition
        </button>
        {draft.conditions.length > 0 && (
          <>
            <button type="submit" className="primary">
              Apply filter
            </button>
            <button type="button" className="link" onClick={clear}>
              Clear
            </button>
          </>
        )}
      </div>
    </form>
  );
}
