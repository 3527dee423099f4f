// Builds a predicate from rows of field / operator / value; enum fields offer their members,
// booleans true/false, foreign keys a record picker. Text conditions ignore case and accents unless
// "Match case" is ticked. Applied on "Apply" or Enter, so typing does not re-query on every key.
import { useState, type FormEvent } from 'react';
import type { ModelDef, Schema } from '../../common/schema/types.js';
import { filterableField, filterableFields, newCondition, type Condition, type FilterDraft } from '../filter-draft.js';
import { FilterConditionRow } from './FilterConditionRow.js';

/** Rows of field / operator / value for one model; calls `onApply` with the draft and match-case choice on Apply or Enter. */
export function FilterBuilder(props: {
  schema: Schema;
  model: ModelDef;
  draft: FilterDraft;
  matchCase: boolean;
  onApply: (draft: FilterDraft, matchCase: boolean) => void;
}) {
  const [draft, setDraft] = useState<FilterDraft>(props.draft);
  const [matchCase, setMatchCase] = useState(props.matchCase);
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
    props.onApply(draft, matchCase);
  };
  const clear = () => {
    const empty = { ...draft, conditions: [] };
    setDraft(empty);
    props.onApply(empty, matchCase);
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
      {draft.conditions.map((c, i) => (
        <FilterConditionRow
          key={i}
          schema={props.schema}
          model={props.model}
          fields={fields}
          field={filterableField(props.model, c.field) ?? fields[0]}
          condition={c}
          onChange={(patch) => update(i, patch)}
          onRemove={() => remove(i)}
        />
      ))}
      <div className="filter-actions">
        <button type="button" className="secondary" onClick={add}>
          + Condition
        </button>
        {draft.conditions.length > 0 && (
          <>
            <label className="match-case">
              <input type="checkbox" checked={matchCase} onChange={(e) => setMatchCase(e.target.checked)} />
              Match case and accents
            </label>
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
