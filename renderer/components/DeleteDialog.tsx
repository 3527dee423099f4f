// The delete confirmation: the question names what goes with the record; Undo and the Trash bring it back.
/** Asks `question` before a delete; `onDelete` deletes, `onCancel` keeps the record. */
export function DeleteDialog(props: { question: string; onDelete: () => void; onCancel: () => void }) {
  return (
    <div className="dialog-backdrop">
      <div className="dialog" role="alertdialog" aria-labelledby="delete-title">
        <h2 id="delete-title">{props.question}</h2>
        <p>You can undo it from the notice, or restore it later from the Trash.</p>
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
