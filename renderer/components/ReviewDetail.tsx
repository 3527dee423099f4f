// The detail of a review item: its headline and reason, mine against theirs field by field (a
// foreign key by its related record's label, ComparedCell), and the decisions it offers.
import type { ReviewItem } from '../../common/ipc/contract.js';
import type { KeyObject } from '../../common/schema/record-key.js';
import type { Schema } from '../../common/schema/types.js';
import { findModel } from '../../common/schema/model-fields.js';
import { itemKey } from '../review-inbox-view.js';
import { reviewHeadline, reviewRows } from '../work-view.js';
import { RecordKeyLine } from './RecordKeyLine.js';
import { ComparedCell } from './ComparedCell.js';
import { ReviewActions } from './ReviewActions.js';

/** The review item `item` in full; `onDecide` resolves it. */
export function ReviewDetail(props: {
  schema: Schema;
  item: ReviewItem;
  onDecide: (choice: 'keepMine' | 'keepTheirs') => void;
  onOpen?: (model: string, key: KeyObject) => void;
  onResubmit?: (item: ReviewItem) => void;
}) {
  const { item, schema } = props;
  const model = findModel(schema, item.model);
  const key = itemKey(schema, item, item.mine, item.theirs);
  return (
    <div className="conflict-detail" aria-label="Review item">
      <h2 className="review-headline">{reviewHeadline(model, item)}</h2>
      <p className="muted">
        {model && key && model.primaryKey.length > 1 && (
          <>
            <RecordKeyLine schema={schema} model={model} recordKey={key} />
            {' · '}
          </>
        )}
        {new Date(item.at).toLocaleString()}
      </p>
      <p className="review-reason">{item.reason}</p>
      <table className="compare">
        <thead>
          <tr>
            <th>Field</th>
            <th>Mine (this device)</th>
            <th>{item.kind === 'rejected' ? 'On the server' : 'Theirs (another device)'}</th>
          </tr>
        </thead>
        <tbody>
          {reviewRows(model, item).map((r) => (
            <tr key={r.field} className={r.differs ? 'differs' : ''} data-differs={r.differs}>
              <th scope="row">{r.label}</th>
              <ComparedCell schema={schema} model={model} field={r.field} record={item.mine} text={r.mine} />
              <ComparedCell schema={schema} model={model} field={r.field} record={item.theirs} text={r.theirs} />
            </tr>
          ))}
        </tbody>
      </table>
      <ReviewActions item={item} recordKey={key} onDecide={props.onDecide} onOpen={props.onOpen} onResubmit={props.onResubmit} />
    </div>
  );
}
