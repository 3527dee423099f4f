// One review item in the inbox's lists: its record by label, what happened to which fields, when, and its state.
import type { ReviewItem } from '../../common/ipc/contract.js';
import type { Schema } from '../../common/schema/types.js';
import { findModel } from '../../common/schema/model-fields.js';
import { fieldLabel, recordLabel } from '../schema-view.js';
import { reviewStateText } from '../work-view.js';

/** The list entry of `item`; `active` marks the one shown in the detail pane (aria-current, for screen readers too). */
export function ReviewListEntry(props: { schema: Schema; item: ReviewItem; active: boolean; onSelect: () => void }) {
  const { item } = props;
  const model = findModel(props.schema, item.model);
  return (
    <li>
      <button
        className={props.active ? 'conflict-item active' : 'conflict-item'}
        onClick={props.onSelect}
        aria-current={props.active ? true : undefined}
        data-kind={item.kind}
      >
        <strong>
          {item.model} “{recordLabel(model, { ...(item.theirs ?? {}), ...item.mine })}”
        </strong>
        <span className="muted">
          {item.kind === 'overridden' ? 'Overridden' : 'Rejected'} · {item.fields.map((f) => fieldLabel(f, model)).join(', ') || 'whole record'}
        </span>
        <span className="muted">
          {new Date(item.at).toLocaleString()} · {reviewStateText(item)}
        </span>
      </button>
    </li>
  );
}
