// The question asked before local data is wiped while changes have not reached the server.
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
  return (
    <div className="dialog-backdrop">
      <div className="dialog" role="alertdialog" aria-labelledby="guard-title" aria-describedby="guard-text">
        <h2 id="guard-title">{props.unsynced} unsynced change{props.unsynced === 1 ? '' : 's'}</h2>
        <p id="guard-text">
          {props.unsynced === 1 ? 'One change has' : `${props.unsynced} changes have`} not reached the server yet. {props.action} will delete{' '}
          {props.unsynced === 1 ? 'it' : 'them'} from this computer.
        </p>
        {reviews > 0 && (
          <p data-testid="guard-review">
            {reviews === 1 ? 'One change waits' : `${reviews} changes wait`} in the review inbox; {props.action.toLowerCase()} deletes {reviews === 1 ? 'it' : 'them'} too.
          </p>
        )}
        <div className="actions">
          {props.canSync && (
            <button className="primary" onClick={() => props.onChoose('syncFirst')} autoFocus>
              Sync first
            </button>
          )}
          <button className="danger" onClick={() => props.onChoose('discard')}>
            Discard and continue
          </button>
          <button className="secondary" onClick={() => props.onChoose(null)} autoFocus={!props.canSync}>
            Cancel
          </button>
        </div>
      </div>
    </div>
  );
}
