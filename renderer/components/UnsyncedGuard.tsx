// The question asked before local data is wiped while changes have not reached the server, while
// edits wait in the review inbox, or while attached files are not uploaded yet (they are deleted
// with the local data too).
import { unuploadedText } from '../attachment-view.js';

/** "3 unsynced changes", "2 changes need your review", "1 unsaved draft", joined by " · ", then "… and 2 attached files not uploaded yet". */
export function guardTitle(unsynced: number, reviews: number, drafts = 0, files = 0): string {
  const parts: string[] = [];
  if (unsynced > 0) parts.push(`${unsynced} unsynced change${unsynced === 1 ? '' : 's'}`);
  if (reviews > 0) parts.push(`${reviews} change${reviews === 1 ? ' needs' : 's need'} your review`);
  if (drafts > 0) parts.push(`${drafts} unsaved draft${drafts === 1 ? '' : 's'}`);
  const title = parts.join(' · ');
  const filesText = unuploadedText(files);
  if (filesText === null) return title;
  return title === '' ? filesText.charAt(0).toUpperCase() + filesText.slice(1) : `${title} and ${filesText}`;
}

/** Asks sync first / discard / cancel; `onChoose(null)` means cancel. */
export function UnsyncedGuard(props: {
  unsynced: number;
  /** Open review items: they are deleted with the local data too. */
  reviewWaiting?: number;
  /** Drafts of forms not saved: deleted too. */
  drafts?: number;
  /** Attached files not uploaded yet: deleted too. */
  unuploadedFiles?: number;
  action: string;
  canSync: boolean;
  onChoose: (choice: 'discard' | 'syncFirst' | null) => void;
}) {
  const reviews = props.reviewWaiting ?? 0;
  const drafts = props.drafts ?? 0;
  const files = props.unuploadedFiles ?? 0;
  // Syncing sends queued changes; it cannot decide review items, so it is offered only for the former.
  const canSync = props.canSync && props.unsynced > 0;
  return (
    <div className="dialog-backdrop">
      <div className="dialog" role="alertdialog" aria-labelledby="guard-title" aria-describedby="guard-text">
        <h2 id="guard-title">{guardTitle(props.unsynced, reviews, drafts, files)}</h2>
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
          {drafts > 0 && (
            <p data-testid="guard-drafts">
              {drafts === 1 ? 'One form you did not save is' : `${drafts} forms you did not save are`} kept as {drafts === 1 ? 'a draft' : 'drafts'};{' '}
              {props.action.toLowerCase()} deletes {drafts === 1 ? 'it' : 'them'}.
            </p>
          )}
          {files > 0 && (
            <p data-testid="guard-files">
              {files === 1 ? 'One attached file has' : `${files} attached files have`} not been uploaded yet; {props.action.toLowerCase()} deletes{' '}
              {files === 1 ? 'it' : 'them'} from this computer.
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
