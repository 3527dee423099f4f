// The review inbox (DESIGN.md "Nothing lost"): every edit of this device that did not survive as
// sent — overridden by a merge or a retry, or refused by the server — waits here until the user
// decides. Open items first, each naming its record by its label and its fields by their labels,
// mine against theirs. Below, the history: decided items and the conflict log of the sync worker.
import type { ReviewItem } from '../../common/ipc/contract.js';
import type { KeyObject } from '../../common/schema/record-key.js';
import type { Schema } from '../../common/schema/types.js';
import { api } from '../api.js';
import { ConflictDetail } from '../components/ConflictDetail.js';
import { ConflictListEntry } from '../components/ConflictListEntry.js';
import { ReviewDetail } from '../components/ReviewDetail.js';
import { ReviewListEntry } from '../components/ReviewListEntry.js';
import { useReviewData } from '../hooks/useReviewData.js';
import { useChosenInView } from '../hooks/useChosenInView.js';
import { shownSelection, waitingText, type Selected } from '../review-inbox-view.js';

/**
 * The review inbox. `onChanged` after a decision (badges), `onOpen` opens a record, `onResubmit`
 * opens the record form prefilled with a rejected item's version.
 */
export function ReviewInbox(props: {
  schema: Schema;
  onChanged: () => void;
  onOpen?: (model: string, key: KeyObject) => void;
  onResubmit?: (item: ReviewItem) => void;
}) {
  const { schema } = props;
  const { items, conflicts, error, decide } = useReviewData(props.onChanged);
  const { chosen: selected, choose, pane } = useChosenInView<Selected>();
  const open = items.filter((i) => i.state === 'open');
  const decided = items.filter((i) => i.state !== 'open');
  const current = shownSelection(selected, items, conflicts);
  const isCurrent = (kind: Selected['kind'], id: string) => current?.kind === kind && current.id === id;
  const entry = (item: ReviewItem) => (
    <ReviewListEntry key={item.id} schema={schema} item={item} active={isCurrent('review', item.id)} onSelect={() => choose({ kind: 'review', id: item.id })} />
  );

  return (
    <section className="conflicts review-inbox" aria-label="Review inbox">
      <header className="screen-header">
        <h1>Review inbox</h1>
        <span className="muted">{waitingText(open.length)}</span>
      </header>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      {items.length === 0 && conflicts.length === 0 ? (
        <p className="empty">Nothing to review. When the server keeps other values than yours, or refuses a change, it is kept here until you decide.</p>
      ) : (
        <div className="conflict-layout">
          <div className="review-lists">
            <h2>Needs your review</h2>
            {open.length === 0 && <p className="muted">Nothing waiting.</p>}
            <ul className="conflict-list" aria-label="Needs your review">
              {open.map(entry)}
            </ul>
            {(decided.length > 0 || conflicts.length > 0) && <h2>History</h2>}
            <ul className="conflict-list" aria-label="History">
              {decided.map(entry)}
              {conflicts.map((c) => (
                <ConflictListEntry
                  key={`c${c.id}`}
                  schema={schema}
                  conflict={c}
                  active={isCurrent('conflict', c.id)}
                  onSelect={() => choose({ kind: 'conflict', id: c.id })}
                />
              ))}
            </ul>
          </div>
          <div className="review-detail-pane" ref={pane}>
            {current?.kind === 'review' && (
              <ReviewDetail
                schema={schema}
                item={items.find((i) => i.id === current.id)!}
                onDecide={(choice) => void decide(() => api.reviewResolve({ id: current.id, choice }))}
                {...(props.onOpen ? { onOpen: props.onOpen } : {})}
                {...(props.onResubmit ? { onResubmit: props.onResubmit } : {})}
              />
            )}
            {current?.kind === 'conflict' && (
              <ConflictDetail
                schema={schema}
                conflict={conflicts.find((c) => c.id === current.id)!}
                onDecide={(choice) => void decide(() => api.conflictsResolve({ id: current.id, choice }))}
                {...(props.onOpen ? { onOpen: props.onOpen } : {})}
              />
            )}
          </div>
        </div>
      )}
    </section>
  );
}
