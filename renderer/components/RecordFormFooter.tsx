// The end of a record form: the "only if unchanged" choice and the version line on an edit, then
// Save (or Resubmit), "Save and new" (not for a resubmit), Cancel and, where this sign-in may, Delete.
import type { ModelRecord } from '../../common/schema/types.js';

/** The footer of the form; `original` is the record as loaded when editing, else null. */
export function RecordFormFooter(props: {
  original: ModelRecord | null;
  isResubmit: boolean;
  onlyIfUnchanged: boolean;
  onOnlyIfUnchanged: (checked: boolean) => void;
  busy: boolean;
  cannotSave: string | null;
  canDelete: boolean;
  onCancel: () => void;
  onDelete: () => void;
  onSaveAndNew: () => void;
}) {
  const { original, isResubmit, cannotSave } = props;
  return (
    <>
      {original && !isResubmit && (
        <label className="check">
          <input type="checkbox" checked={props.onlyIfUnchanged} onChange={(e) => props.onOnlyIfUnchanged(e.target.checked)} />
          Only save if the server still has the values I started from
        </label>
      )}
      {original && (
        <p className="meta muted">
          Version {String(original._version ?? 'not yet synced')}
          {typeof original.updatedAt === 'string' ? ` · updated ${new Date(original.updatedAt).toLocaleString()}` : ''}
        </p>
      )}
      <div className="actions">
        <button type="submit" className="primary" disabled={props.busy || cannotSave !== null} title={cannotSave ?? undefined}>
          {isResubmit ? 'Resubmit' : 'Save'}
        </button>
        {!isResubmit && (
          <button type="button" className="secondary" disabled={props.busy || cannotSave !== null} onClick={props.onSaveAndNew}>
            Save and new
          </button>
        )}
        <button type="button" className="secondary" onClick={props.onCancel}>
          Cancel
        </button>
        {original && !isResubmit && props.canDelete && (
          <button type="button" className="danger-outline" onClick={props.onDelete}>
            Delete
          </button>
        )}
        <span className="muted hint">Enter saves · Esc goes back</span>
      </div>
    </>
  );
}
