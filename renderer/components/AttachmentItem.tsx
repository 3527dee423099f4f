// One attached file in a form: a picture as a thumbnail that opens the viewer, another file as a row
// with its name, type and size; each with its upload state and a labelled remove button.
import type { AttachmentState } from '../../common/ipc/attachment-contract.js';
import type { AttachmentRef } from '../../common/schema/attachment-ref.js';
import { api } from '../api.js';
import { formatBytes, isImageType, uploadStateText } from '../attachment-view.js';
import { useAttachmentThumbnail } from '../hooks/useAttachmentBlob.js';

/** What one attached file shows and does. */
export interface AttachmentItemProps {
  readonly file: AttachmentRef;
  readonly index: number;
  /** Its place in the upload queue, when main reported one. */
  readonly state: AttachmentState | undefined;
  /** The bytes, when the file was added while this form is open. */
  readonly local: Blob | undefined;
  readonly disabled: boolean;
  onOpen(index: number): void;
  onRemove(index: number): void;
}

/** The name shown for a file: its own, else "File 2". */
export function shownName(file: AttachmentRef, index: number): string {
  return file.name !== null && file.name !== '' ? file.name : `File ${index + 1}`;
}

function UploadState(props: { file: AttachmentRef; state: AttachmentState | undefined }) {
  const { file, state } = props;
  const text = uploadStateText(state, file.key === '');
  if (text === '') return null;
  return (
    <span className="attachment-state" data-testid="attachment-state" data-state={file.key === '' ? 'staged' : (state?.state ?? 'unknown')}>
      {text}
      {state?.state === 'failed' && (
        <button type="button" className="link attachment-retry" onClick={() => void api.attachmentRetry({ key: file.key }).catch(() => undefined)}>
          Retry upload
        </button>
      )}
    </span>
  );
}

function RemoveButton(props: { name: string; index: number; disabled: boolean; onRemove(index: number): void }) {
  return (
    <button
      type="button"
      className="icon attachment-remove"
      aria-label={`Remove ${props.name}`}
      disabled={props.disabled}
      onClick={() => props.onRemove(props.index)}
    >
      ×
    </button>
  );
}

/** A picture: its thumbnail (downloading the file the first time it is shown here), a click opens the viewer. */
function PictureItem(props: AttachmentItemProps) {
  const { file, index } = props;
  const name = shownName(file, index);
  const thumbnail = useAttachmentThumbnail(file, { download: true, visible: true, local: props.local });
  return (
    <li className="attachment-item attachment-picture" data-testid="attachment-item">
      <button type="button" className="attachment-thumb" aria-label={`View ${name}`} onClick={() => props.onOpen(index)}>
        {thumbnail.url !== null ? (
          <img src={thumbnail.url} alt="" data-testid="attachment-thumbnail" />
        ) : (
          <span className="attachment-placeholder" title={thumbnail.error ?? undefined}>
            {thumbnail.loading ? 'Loading…' : thumbnail.error !== null ? 'Not on this computer' : 'Photo'}
          </span>
        )}
      </button>
      <span className="attachment-caption">
        <span className="attachment-name" title={name}>
          {name}
        </span>
        <span className="attachment-size">{formatBytes(file.size)}</span>
        <UploadState file={file} state={props.state} />
      </span>
      <RemoveButton name={name} index={index} disabled={props.disabled} onRemove={props.onRemove} />
    </li>
  );
}

/** Another file: a row with its name, type and size; a click opens the viewer (which offers "Save a copy"). */
function FileItem(props: AttachmentItemProps) {
  const { file, index } = props;
  const name = shownName(file, index);
  return (
    <li className="attachment-item attachment-file" data-testid="attachment-item">
      <button type="button" className="attachment-file-open" aria-label={`Open ${name}`} onClick={() => props.onOpen(index)}>
        <span className="attachment-file-icon" aria-hidden="true">
          ▤
        </span>
        <span className="attachment-name">{name}</span>
      </button>
      <span className="attachment-caption">
        <span className="attachment-size">
          {file.contentType} · {formatBytes(file.size)}
        </span>
        <UploadState file={file} state={props.state} />
      </span>
      <RemoveButton name={name} index={index} disabled={props.disabled} onRemove={props.onRemove} />
    </li>
  );
}

/** One attached file: a thumbnail for a picture, a row for anything else. */
export function AttachmentItem(props: AttachmentItemProps) {
  return isImageType(props.file.contentType) ? <PictureItem {...props} /> : <FileItem {...props} />;
}
