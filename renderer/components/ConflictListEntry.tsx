// One conflict-log entry in the inbox's history: its record by label, when, and how it was settled.
import type { Conflict } from '../../common/ipc/contract.js';
import type { Schema } from '../../common/schema/types.js';
import { findModel } from '../../common/schema/model-fields.js';
import { conflictStateText } from '../review-inbox-view.js';
import { recordLabel } from '../schema-view.js';

/** The list entry of `conflict`; `active` marks the one shown in the detail pane (aria-current, for screen readers too). */
export function ConflictListEntry(props: { schema: Schema; conflict: Conflict; active: boolean; onSelect: () => void }) {
  const { conflict: c } = props;
  return (
    <li>
      <button className={props.active ? 'conflict-item active' : 'conflict-item'} onClick={props.onSelect} aria-current={props.active ? true : undefined}>
        <strong>
          {c.model} “{recordLabel(findModel(props.schema, c.model), { ...c.remote, ...c.local })}”
        </strong>
        <span className="muted">
          Conflict · {new Date(c.at).toLocaleString()} · {conflictStateText(c)}
        </span>
      </button>
    </li>
  );
}
