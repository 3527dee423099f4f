// The question asked before a form with unsaved changes is dropped (by the form or the shell).
// Esc keeps editing (the safe answer); focus stays in the dialog and returns where it was.
import { useModalDialog } from '../dialog-focus.js';

/** "Discard unsaved changes?" — asked before a dirty form is dropped. */
export function LeaveGuard(props: { onKeep: () => void; onDiscard: () => void }) {
  const modal = useModalDialog(props.onKeep);
  return (
    <div className="dialog-backdrop">
      <div {...modal} className="dialog" role="alertdialog" aria-labelledby="leave-title" aria-describedby="leave-text">
        <h2 id="leave-title">Discard unsaved changes?</h2>
        <p id="leave-text">This form has changes that are not saved. Keep editing to save them, or discard them.</p>
        <div className="actions">
          <button className="primary" onClick={props.onKeep} autoFocus>
            Keep editing
          </button>
          <button className="danger" onClick={props.onDiscard}>
            Discard changes
          </button>
        </div>
      </div>
    </div>
  );
}
