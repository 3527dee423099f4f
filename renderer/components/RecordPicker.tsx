// Picks one record of a related model by its label, for a filter on a foreign key ("Site is North
// ridge", not a raw id): type part of its name, choose from the matches (the local search index,
// so it stays quick at 100,000 records). A combobox: arrows move, Enter or a click chooses, Escape
// closes the list.
import { useEffect, useId, useState, type KeyboardEvent } from 'react';
import type { ModelDef, ModelRecord } from '../../common/schema/types.js';
import { useRecordLabel, useRecordMatches } from '../hooks/useRecordMatches.js';
import { recordLabel } from '../schema-view.js';

/** The combobox for `model`'s records; `value` is the chosen record's key field value ('' for none). */
export function RecordPicker(props: { model: ModelDef; keyField: string; value: string; label: string; onChange: (value: string) => void }) {
  const { model, keyField, onChange } = props;
  const listId = useId();
  const chosenLabel = useRecordLabel(model, props.value);
  const [text, setText] = useState<string | null>(null); // null: not typing, the chosen label shows
  const options = useRecordMatches(model, text);
  const [active, setActive] = useState(0);
  useEffect(() => setActive(0), [options]);
  const listed = text !== null && options.length > 0;
  const optionId = (i: number) => `${listId}-option-${i}`;

  const choose = (record: ModelRecord | undefined) => {
    setText(null);
    const key = record?.[keyField];
    if (typeof key === 'string' || typeof key === 'number') onChange(String(key));
  };
  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      if (text === null) setText('');
      else setActive((i) => Math.max(0, Math.min(options.length - 1, i + (e.key === 'ArrowDown' ? 1 : -1))));
    } else if (e.key === 'Enter' && listed) {
      e.preventDefault(); // choosing is not yet applying the filter
      choose(options[active]);
    } else if (e.key === 'Escape' && text !== null) {
      e.preventDefault();
      e.stopPropagation();
      setText(null);
    }
  };

  return (
    <span className="record-picker">
      <input
        role="combobox"
        aria-label={props.label}
        aria-expanded={listed}
        aria-controls={listId}
        aria-autocomplete="list"
        {...(listed && options[active] ? { 'aria-activedescendant': optionId(active) } : {})}
        placeholder={`Type to find a ${model.name.toLowerCase()}`}
        value={text ?? chosenLabel}
        onFocus={(e) => e.target.select()}
        onChange={(e) => setText(e.target.value)}
        onBlur={() => setText(null)}
        onKeyDown={onKeyDown}
      />
      <ul id={listId} role="listbox" className="record-picker-options" aria-label={`${model.name} matches`} hidden={!listed}>
        {listed &&
          options.map((record, i) => (
            <li
              key={String(record[keyField])}
              id={optionId(i)}
              role="option"
              aria-selected={i === active}
              onMouseDown={(e) => {
                e.preventDefault(); // keep focus in the input until the choice is made
                choose(record);
              }}
            >
              {recordLabel(model, record)}
            </li>
          ))}
      </ul>
    </span>
  );
}
