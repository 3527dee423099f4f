// The question asked before local data is wiped while changes have not reached the server, or
// while edits wait in the review inbox (they are deleted with the local data too).

/** "3 unsynced changes", "2 changes need your review", or both. */
export function guardTitle(unsynced: number, reviews: number): string {
  const parts: string[] = [];
  if (unsynced > 0) parts.push(`${unsynced} unsynced change${unsynced === 1 ? '' : 's'}`);
  if (reviews > 0) parts.push(`${reviews} change${reviews === 1 ? ' needs' : 's need'} your review`);
  return parts.join(' · ');
}

/** Asks sync first / discard / cancel; `onChoose(null)` means cancel. */
export function UnsyncedGuard(props: {
  unsynced: number;
  /** Open review items: they are deleted with the local data too. */
  reviewWaiting?: number;
  action: string;
  canSync: boolean;
  onChoose: (choice: 'discard' | 'syncFirst' | null) => void;
}) {
  const reviews = props.reviewWaiting ?? 0;
  // Syncing sends queued changes; it cannot decide review items, so it is offered only for the former.
  const canSync = props.canSync && props.unsynced > 0;
  return (
    <div className="dialog-backdrop">
      <div className="dialog" role="alertdialog" aria-labelledby="guard-title" aria-describedby="guard-text">
        <h2 id="guard-title">{guardTitle(props.unsynced, reviews)}</h2>
        <div id="guard-text">
          {props.unsynced > 0 && (
            <p>
              {props.unsynced === 1 ? 'One change has' : `${props.unsynced} changes have`} not reached the server yet. {props.action} will delete{' '}
              {props.unsynced === 1 ? 'it' : 'them'} from this computer.
            </p>
          )}
          {reviews > 0 && (
            <p data-testid="guard-review">
              {reviews === 1 ? 'One edit waits' : `${reviews} edits wait`} in the review inbox for your decision; {props.action.toLowerCase()} deletes{' '}
              {reviews === 1 ? 'it' : 'them'} too.
            </p>
          )}
        </div>
        <div className="actions">
          {canSync && (
            <button className="primary" onClick={() => props.onChoose('syncFirst')} autoFocus>
              Sync first
            </button>
          )}
          <button className="danger" onClick={() => props.onChoose('discard')}>
            Discard and continue
          </button>
          <button className="secondary" onClick={() => props.onChoose(null)} autoFocus={!canSync}>
            Cancel
          </button>
        </div>
      </div>
    </div>
  );
}
