// The delete confirmation: the question names what goes with the record; Undo and the Trash bring it back.
// Esc cancels; focus stays in the dialog and returns to the Delete button that opened it.
import { useModalDialog } from '../dialog-focus.js';

/** Asks `question` before a delete; `onDelete` deletes, `onCancel` keeps the record. */
export function DeleteDialog(props: { question: string; onDelete: () => void; onCancel: () => void }) {
  const modal = useModalDialog(props.onCancel);
  return (
    <div className="dialog-backdrop">
      <div {...modal} className="dialog" role="alertdialog" aria-labelledby="delete-title" aria-describedby="delete-text">
        <h2 id="delete-title">{props.question}</h2>
        <p id="delete-text">You can undo it from the notice, or restore it later from the Trash.</p>
        <div className="actions">
          <button className="danger" onClick={props.onDelete} autoFocus>
            Delete
          </button>
          <button className="secondary" onClick={props.onCancel}>
            Cancel
          </button>
        </div>
      </div>
    </div>
  );
}
