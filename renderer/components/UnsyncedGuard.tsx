// The question asked before local data is wiped while changes have not reached the server, while
// edits wait in the review inbox, or while attached files are not uploaded yet (they are deleted
// with the local data too). "Sync first" runs inside the dialog: it shows how many changes are
// sent so far, or — offline, server unreachable — says at once why it cannot sync and offers
// discard or cancel. Esc cancels (not while syncing); focus stays in and returns to the opener.
import { useEffect, useRef } from 'react';
import { unuploadedText } from '../attachment-view.js';
import { useModalDialog } from '../dialog-focus.js';
import type { GuardPhase } from '../settings-view.js';

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

/** What clearing deletes, one sentence per kind. */
function GuardNotes(p: { unsynced: number; reviews: number; drafts: number; files: number; action: string }) {
  return (
    <div id="guard-text">
      {p.unsynced > 0 && (
        <p>
          {p.unsynced === 1 ? 'One change has' : `${p.unsynced} changes have`} not reached the server yet. {p.action} will delete{' '}
          {p.unsynced === 1 ? 'it' : 'them'} from this computer.
        </p>
      )}
      {p.reviews > 0 && (
        <p data-testid="guard-review">
          {p.reviews === 1 ? 'One edit waits' : `${p.reviews} edits wait`} in the review inbox for your decision; {p.action.toLowerCase()} deletes{' '}
          {p.reviews === 1 ? 'it' : 'them'} too.
        </p>
      )}
      {p.drafts > 0 && (
        <p data-testid="guard-drafts">
          {p.drafts === 1 ? 'One form you did not save is' : `${p.drafts} forms you did not save are`} kept as {p.drafts === 1 ? 'a draft' : 'drafts'};{' '}
          {p.action.toLowerCase()} deletes {p.drafts === 1 ? 'it' : 'them'}.
        </p>
      )}
      {p.files > 0 && (
        <p data-testid="guard-files">
          {p.files === 1 ? 'One attached file has' : `${p.files} attached files have`} not been uploaded yet; {p.action.toLowerCase()} deletes{' '}
          {p.files === 1 ? 'it' : 'them'} from this computer.
        </p>
      )}
    </div>
  );
}

/** The dialog's line for where "sync first" is: why it cannot sync, what is left, or how far it got. */
function GuardPhaseLine({ phase, progress }: { phase: GuardPhase; progress: { readonly text: string; readonly sent: number; readonly total: number } | null }) {
  if (phase.kind === 'ask') return null;
  return (
    <>
      {phase.kind === 'blocked' && (
        <p className="guard-reason" role="alert" data-testid="guard-reason">
          {phase.reason}
        </p>
      )}
      {phase.kind === 'left' && (
        <p className="guard-left" role="status" data-testid="guard-left">
          {phase.text}
        </p>
      )}
      {phase.kind === 'syncing' && (
        <div className="guard-progress" role="status" aria-live="polite" data-testid="guard-progress">
          <span>{progress?.text ?? 'Connecting to the server…'}</span>
          {progress && progress.total > 0 && <progress max={progress.total} value={progress.sent} aria-label="Changes sent" />}
        </div>
      )}
    </>
  );
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
  /** Where the dialog is (default: asking). */
  phase?: GuardPhase;
  /** While syncing: "Sending changes: 2 of 5 sent", and how far (sent of total) for the bar. */
  progress?: { readonly text: string; readonly sent: number; readonly total: number } | null;
  onChoose: (choice: 'discard' | 'syncFirst' | null) => void;
}) {
  const reviews = props.reviewWaiting ?? 0;
  const drafts = props.drafts ?? 0;
  const files = props.unuploadedFiles ?? 0;
  const phase = props.phase ?? { kind: 'ask' };
  const syncing = phase.kind === 'syncing';
  // Syncing sends queued changes; it cannot decide review items, so it is offered only for the
  // former — and not again once main said it cannot sync now.
  const canSync = props.canSync && (props.unsynced > 0 || files > 0) && phase.kind !== 'blocked';
  const modal = useModalDialog(() => {
    if (!syncing) props.onChoose(null);
  });
  const cancel = useRef<HTMLButtonElement>(null);
  // The Sync first button goes when sync cannot run: focus moves to Cancel, not to the page.
  useEffect(() => {
    if (phase.kind === 'blocked' || phase.kind === 'left') cancel.current?.focus();
  }, [phase.kind]);
  return (
    <div className="dialog-backdrop">
      <div {...modal} className="dialog guard-dialog" role="alertdialog" aria-labelledby="guard-title" aria-describedby="guard-text" aria-busy={syncing}>
        <h2 id="guard-title">{guardTitle(props.unsynced, reviews, drafts, files)}</h2>
        <GuardPhaseLine phase={phase} progress={props.progress ?? null} />
        <GuardNotes unsynced={props.unsynced} reviews={reviews} drafts={drafts} files={files} action={props.action} />
        <div className="actions">
          {canSync && (
            <button className="primary" onClick={() => props.onChoose('syncFirst')} disabled={syncing} autoFocus>
              {syncing ? 'Syncing…' : phase.kind === 'left' ? 'Try again' : 'Sync first'}
            </button>
          )}
          <button className="danger" onClick={() => props.onChoose('discard')} disabled={syncing}>
            Discard and continue
          </button>
          <button ref={cancel} className="secondary" onClick={() => props.onChoose(null)} disabled={syncing} autoFocus={!canSync}>
            Cancel
          </button>
        </div>
      </div>
    </div>
  );
}
