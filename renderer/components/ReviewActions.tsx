// The decisions a review item offers: keep mine or theirs (overridden), resubmit, delete again or
// discard (rejected), retry or keep local (a refused upload), opening the record, and once decided
// what was chosen.
import { useEffect, useRef } from 'react';
import { ATTACHMENT_REFUSED } from '../../common/ipc/attachment-contract.js';
import type { ReviewItem } from '../../common/ipc/contract.js';
import type { KeyObject } from '../../common/schema/record-key.js';
import { reviewStateText } from '../work-view.js';

/** The buttons for `item`; `recordKey` (when known) lets "Open record" open it. */
export function ReviewActions(props: {
  item: ReviewItem;
  recordKey: KeyObject | undefined;
  onDecide: (choice: 'keepMine' | 'keepTheirs') => void;
  onOpen?: ((model: string, key: KeyObject) => void) | undefined;
  onResubmit?: ((item: ReviewItem) => void) | undefined;
}) {
  const { item, recordKey: key, onDecide } = props;
  const isOpen = item.state === 'open';
  const decided = useRef<HTMLSpanElement>(null);
  useEffect(() => {
    // The decision's buttons went away with the keyboard focus they held: it goes to what was decided.
    if (!isOpen && (document.activeElement === null || document.activeElement === document.body)) decided.current?.focus();
  }, [isOpen]);
  return (
    <div className="actions">
      {isOpen && item.kind === 'overridden' && (
        <>
          <button className="primary" onClick={() => onDecide('keepMine')}>
            Keep mine
          </button>
          <button className="secondary" onClick={() => onDecide('keepTheirs')}>
            Keep theirs
          </button>
        </>
      )}
      {isOpen && item.kind === 'rejected' && item.errorType === ATTACHMENT_REFUSED && (
        <>
          <button className="primary" onClick={() => onDecide('keepMine')}>
            Retry upload
          </button>
          <button className="secondary" onClick={() => onDecide('keepTheirs')}>
            Keep on this device only
          </button>
        </>
      )}
      {isOpen && item.kind === 'rejected' && item.errorType !== ATTACHMENT_REFUSED && (
        <>
          {props.onResubmit && item.operation !== 'DELETE' && (
            <button className="primary" onClick={() => props.onResubmit?.(item)}>
              Edit and resubmit
            </button>
          )}
          {item.operation === 'DELETE' && (
            <button className="primary" onClick={() => onDecide('keepMine')}>
              Delete again
            </button>
          )}
          <button className="secondary" onClick={() => onDecide('keepTheirs')}>
            Discard my version
          </button>
        </>
      )}
      {key && props.onOpen && (
        <button className="link" onClick={() => props.onOpen?.(item.model, key)}>
          Open record
        </button>
      )}
      {!isOpen && (
        <span className="muted" role="status" tabIndex={-1} ref={decided}>
          Decided: {reviewStateText(item)}.
        </span>
      )}
    </div>
  );
}
