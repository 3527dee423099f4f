// The question asked before a form with unsaved changes is dropped (by the form or the shell).
/** "Discard unsaved changes?" — asked before a dirty form is dropped. */
export function LeaveGuard(props: { onKeep: () => void; onDiscard: () => void }) {
  return (
    <div className="dialog-backdrop">
      <div className="dialog" role="alertdialog" aria-labelledby="leave-title" aria-describedby="leave-text">
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
