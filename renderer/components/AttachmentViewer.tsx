// The viewer of a field's files: a dialog showing a picture full size (fit to the window), or for
// another file its name, type and size; "Save a copy" for either. ← and → (and the buttons) step
// through the field's files, Esc closes, and focus goes back where it was. A file that is not on
// this computer and cannot be downloaded now shows main's message.
import { useEffect, useRef, type KeyboardEvent, type RefObject } from 'react';
import type { AttachmentRef } from '../../common/schema/attachment-ref.js';
import { formatBytes, isImageType, stepIndex } from '../attachment-view.js';
import { useAttachmentFile } from '../hooks/useAttachmentBlob.js';
import { shownName } from './AttachmentItem.js';
import { keepTabInside } from '../dialog-focus.js';

/** What the viewer shows: `files[index]`, with the local copies of files added in this form. */
export interface AttachmentViewerProps {
  readonly files: readonly AttachmentRef[];
  readonly index: number;
  readonly local?: ReadonlyMap<string, Blob>;
  onIndex(index: number): void;
  onClose(): void;
}

/** Focus moves into the dialog when it opens and back to what had it when it closes. */
function useReturnFocus(first: RefObject<HTMLElement | null>): void {
  useEffect(() => {
    const before = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    first.current?.focus();
    return () => before?.focus();
  }, [first]);
}

function ViewerBody(props: { file: AttachmentRef; name: string; url: string | null; error: string | null; loading: boolean }) {
  const { file, name, url } = props;
  if (props.error !== null) {
    return (
      <p className="viewer-error" role="alert" data-testid="viewer-error">
        {props.error}
      </p>
    );
  }
  if (url === null) return <p className="viewer-loading">{props.loading ? 'Loading…' : 'Nothing to show.'}</p>;
  if (isImageType(file.contentType)) return <img className="viewer-image" src={url} alt={name} data-testid="viewer-image" />;
  return (
    <dl className="viewer-facts">
      <dt>Name</dt>
      <dd>{name}</dd>
      <dt>Type</dt>
      <dd>{file.contentType}</dd>
      <dt>Size</dt>
      <dd>{formatBytes(file.size)}</dd>
    </dl>
  );
}

/** The dialog over the form showing `files[index]`. */
export function AttachmentViewer(props: AttachmentViewerProps) {
  const { files, index } = props;
  const file = files[index]!;
  const name = shownName(file, index);
  const loaded = useAttachmentFile(file, props.local?.get(file.sha256));
  const url = loaded.url;
  const close = useRef<HTMLButtonElement>(null);
  const dialog = useRef<HTMLDivElement>(null);
  useReturnFocus(close);
  const onKeyDown = (event: KeyboardEvent) => {
    // The form behind treats Esc as "leave the form": the viewer's keys stop here.
    event.stopPropagation();
    keepTabInside(event, dialog.current);
    if (event.key === 'Escape') {
      event.preventDefault();
      props.onClose();
    } else if (event.key === 'ArrowRight' || event.key === 'ArrowLeft') {
      event.preventDefault();
      props.onIndex(stepIndex(index, event.key === 'ArrowRight' ? 1 : -1, files.length));
    }
  };
  return (
    <div className="dialog-backdrop viewer-backdrop" onClick={(e) => e.target === e.currentTarget && props.onClose()}>
      <div ref={dialog} className="viewer" role="dialog" aria-modal="true" aria-label={`${name} (${index + 1} of ${files.length})`} onKeyDown={onKeyDown}>
        <header className="viewer-header">
          <span className="viewer-title">{name}</span>
          <span className="viewer-count">
            {index + 1} of {files.length}
          </span>
          {url !== null && (
            <a className="viewer-save" href={url} download={name}>
              Save a copy
            </a>
          )}
          <button ref={close} type="button" className="secondary small" onClick={props.onClose}>
            Close
          </button>
        </header>
        <div className="viewer-stage">
          <ViewerBody file={file} name={name} url={url} error={loaded.error} loading={loaded.loading} />
        </div>
        {files.length > 1 && (
          <footer className="viewer-steps">
            <button type="button" className="secondary small" onClick={() => props.onIndex(stepIndex(index, -1, files.length))}>
              ← Previous
            </button>
            <button type="button" className="secondary small" onClick={() => props.onIndex(stepIndex(index, 1, files.length))}>
              Next →
            </button>
          </footer>
        )}
      </div>
    </div>
  );
}
