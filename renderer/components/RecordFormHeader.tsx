// The record form's heading: Back, the title, the "unsaved changes" mark, and a resubmit's note.
/** The header of the form titled `title`; `note` is a resubmit's reason, shown under it. */
export function RecordFormHeader(props: { title: string; dirtyMark: boolean; note: string | undefined; onBack: () => void }) {
  return (
    <>
      <header className="screen-header">
        <button className="link" onClick={props.onBack}>
          ‹ Back
        </button>
        <h1>{props.title}</h1>
        {props.dirtyMark && <span className="muted dirty-mark">Unsaved changes · kept as a draft</span>}
      </header>
      {props.note !== undefined && <p className="notice-inline review-note">{props.note}</p>}
    </>
  );
}
