// The detail of a conflict-log entry: how the sync settled it, mine against the server's field by
// field (a foreign key by its related record's label), and keep mine / keep theirs / open the record.
import type { Conflict } from '../../common/ipc/contract.js';
import type { KeyObject } from '../../common/schema/record-key.js';
import { findField, findModel } from '../../common/schema/model-fields.js';
import type { Schema } from '../../common/schema/types.js';
import { conflictFields, itemKey } from '../review-inbox-view.js';
import { fieldLabel, recordLabel } from '../schema-view.js';
import { displayValue } from '../work-view.js';
import { ComparedCell } from './ComparedCell.js';
import { RecordKeyLine } from './RecordKeyLine.js';

/** The conflict `conflict` in full; `onDecide` records the user's choice. */
export function ConflictDetail(props: {
  schema: Schema;
  conflict: Conflict;
  onDecide: (choice: 'keepMine' | 'keepTheirs') => void;
  onOpen?: (model: string, key: KeyObject) => void;
}) {
  const { conflict: c, schema } = props;
  const model = findModel(schema, c.model);
  const key = itemKey(schema, c, { ...c.remote, ...c.local });
  return (
    <div className="conflict-detail" aria-label="Conflict detail">
      <h2 className="review-headline">
        {c.model} “{recordLabel(model, { ...c.remote, ...c.local })}”: a conflict the sync settled as “{c.resolution}”
      </h2>
      <p className="muted">
        {model && key && model.primaryKey.length > 1 && (
          <>
            <RecordKeyLine schema={schema} model={model} recordKey={key} />
            {' · '}
          </>
        )}
        {new Date(c.at).toLocaleString()}
      </p>
      <table className="compare">
        <thead>
          <tr>
            <th>Field</th>
            <th>Mine (this device)</th>
            <th>Theirs (server)</th>
          </tr>
        </thead>
        <tbody>
          {conflictFields(model, c).map((f) => {
            const differs = JSON.stringify(c.local[f] ?? null) !== JSON.stringify(c.remote[f] ?? null);
            const def = model ? findField(model, f) : undefined;
            return (
              <tr key={f} className={differs ? 'differs' : ''} data-differs={differs}>
                <th scope="row">{fieldLabel(f, model)}</th>
                <ComparedCell schema={schema} model={model} field={f} record={c.local} text={displayValue(def, c.local[f])} />
                <ComparedCell schema={schema} model={model} field={f} record={c.remote} text={displayValue(def, c.remote[f])} />
              </tr>
            );
          })}
        </tbody>
      </table>
      <div className="actions">
        <button className="primary" onClick={() => props.onDecide('keepMine')}>
          Keep mine
        </button>
        <button className="secondary" onClick={() => props.onDecide('keepTheirs')}>
          Keep theirs
        </button>
        {key && props.onOpen && (
          <button className="link" onClick={() => props.onOpen?.(c.model, key)}>
            Open record
          </button>
        )}
        {c.reviewed && <span className="muted">You chose {c.reviewed === 'keepMine' ? 'mine' : 'theirs'}.</span>}
      </div>
    </div>
  );
}
