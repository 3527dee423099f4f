// The notice a delete leaves: what went, Undo (while its Trash entry exists) and Dismiss.
import type { UndoNoticeState } from '../hooks/useUndoDelete.js';

/** Shows `notice`; `onUndo` restores its Trash entry. */
export function UndoNotice(props: { notice: UndoNoticeState; onUndo: (trashId: string) => void; onDismiss: () => void }) {
  const { notice } = props;
  return (
    <div className="notice info" role="status">
      <p>{notice.text}</p>
      {notice.trashId && (
        <button className="link" onClick={() => props.onUndo(notice.trashId!)}>
          Undo
        </button>
      )}
      <button className="icon" aria-label="Dismiss" onClick={props.onDismiss}>
        ×
      </button>
    </div>
  );
}
