// An attachment field in a form (issue 13 "UI"): the files it holds (thumbnails for pictures, rows
// for other files) with their upload state, and four ways to add one — "Add photo or file…" (a file
// picker), dropping files on the field, pasting an image while the field or its form has focus, and
// "Take photo" where a camera exists. Each add is staged in main first (useAttachmentStaging); the
// field's value is the list of references (or the one reference) that the record's save keeps.
import { useEffect, useRef, useState, type DragEvent, type RefObject } from 'react';
import type { StagedFile } from '../../common/ipc/attachment-contract.js';
import { formatBytes, refsOfRaw, withAttachment, withoutAttachment } from '../attachment-view.js';
import { useAttachmentCamera } from '../hooks/useAttachmentCamera.js';
import { useAttachmentStaging, type AttachmentStaging } from '../hooks/useAttachmentStaging.js';
import { useAttachmentStates } from '../hooks/useAttachmentStates.js';
import { AttachmentItem } from './AttachmentItem.js';
import { AttachmentViewer } from './AttachmentViewer.js';
import { CameraCapture } from './CameraCapture.js';
import { ErrorText, inputId } from './FieldError.js';
import type { FieldInputProps } from './FieldInput.js';

type Added = ReadonlyArray<{ readonly blob: Blob; readonly name: string }>;

const filesOf = (list: FileList | null | undefined, fallback: string): Added => [...(list ?? [])].map((f) => ({ blob: f, name: f.name || fallback }));

/**
 * Paste: files pasted into this field, or anywhere else in its form that is not another attachment
 * field when this is the form's first one, are added here.
 */
function usePasteInto(fieldset: RefObject<HTMLFieldSetElement | null>, add: (files: Added) => void, enabled: boolean): void {
  const latestAdd = useRef(add);
  latestAdd.current = add;
  useEffect(() => {
    const own = fieldset.current;
    if (own === null || !enabled) return;
    const form = own.closest('form');
    const target: HTMLElement = form ?? own;
    const onPaste = (event: ClipboardEvent) => {
      const files = filesOf(event.clipboardData?.files, 'pasted image.png');
      if (files.length === 0) return;
      const inField = event.target instanceof Element ? event.target.closest('.attachment-field') : null;
      if (inField !== null ? inField !== own : form?.querySelector('.attachment-field') !== own) return;
      event.preventDefault();
      latestAdd.current(files);
    };
    target.addEventListener('paste', onPaste);
    return () => target.removeEventListener('paste', onPaste);
  }, [fieldset, enabled]);
}

/** Drag and drop onto the field: `dragging` while files are held over it. */
function useDropOnto(add: (files: Added) => void, enabled: boolean) {
  const [dragging, setDragging] = useState(false);
  const hasFiles = (event: DragEvent) => enabled && [...event.dataTransfer.types].includes('Files');
  return {
    dragging,
    handlers: {
      onDragEnter: (event: DragEvent) => hasFiles(event) && setDragging(true),
      onDragOver: (event: DragEvent) => {
        if (!hasFiles(event)) return;
        event.preventDefault();
        event.dataTransfer.dropEffect = 'copy';
        setDragging(true);
      },
      onDragLeave: (event: DragEvent) => {
        if (!(event.relatedTarget instanceof Node && event.currentTarget.contains(event.relatedTarget))) setDragging(false);
      },
      onDrop: (event: DragEvent) => {
        setDragging(false);
        if (!enabled) return;
        event.preventDefault();
        add(filesOf(event.dataTransfer.files, 'dropped file'));
      },
    },
  };
}

/** Files on their way in, with progress, and what could not be added. */
function AddingRows(props: { staging: AttachmentStaging }) {
  const { adding, problems } = props.staging;
  return (
    <>
      {adding.map((a) => (
        <div className="attachment-adding" key={a.id} role="status">
          <span>
            Adding {a.name} ({a.size > 0 ? `${Math.floor((a.received / a.size) * 100)}% of ` : ''}
            {formatBytes(a.size)})…
          </span>
          <progress max={Math.max(1, a.size)} value={a.received} aria-label={`Adding ${a.name}`} />
        </div>
      ))}
      {problems.map((p, i) => (
        <p className="attachment-problem" role="alert" key={i}>
          {p}
        </p>
      ))}
    </>
  );
}

/** The buttons that add files: the picker (a hidden file input behind a visible button) and the camera. */
function AddButtons(props: { id: string; multiple: boolean; disabled: boolean; onFiles: (files: Added) => void; onCamera: () => void }) {
  const input = useRef<HTMLInputElement>(null);
  const hasCamera = useAttachmentCamera();
  return (
    <div className="attachment-add">
      <input
        ref={input}
        id={`${props.id}-input`}
        type="file"
        multiple={props.multiple}
        hidden
        tabIndex={-1}
        onChange={(e) => {
          props.onFiles(filesOf(e.target.files, 'file'));
          e.target.value = '';
        }}
      />
      <button type="button" className="secondary small" disabled={props.disabled} onClick={() => input.current?.click()}>
        Add photo or file…
      </button>
      {hasCamera && (
        <button type="button" className="secondary small" disabled={props.disabled} onClick={props.onCamera}>
          Take photo
        </button>
      )}
      <span className="hint attachment-hint">or drop files here, or paste an image</span>
    </div>
  );
}

/** The attachment field `props.field` under `label`: its files, their states, and the ways to add more. */
export function AttachmentField(props: FieldInputProps & { readonly label: string }) {
  const { field, path } = props;
  const id = inputId(path);
  const files = refsOfRaw(props.value);
  const latest = useRef(props.value);
  latest.current = props.value;
  const onAdded = (file: StagedFile): string | null => {
    const next = withAttachment(latest.current, file, field.isList);
    if (next.duplicate) return `“${file.name ?? 'This file'}” is already attached.`;
    latest.current = next.value;
    props.onChange(next.value);
    return null;
  };
  const staging = useAttachmentStaging(onAdded);
  const states = useAttachmentStates();
  const enabled = props.disabled !== true;
  const fieldset = useRef<HTMLFieldSetElement>(null);
  usePasteInto(fieldset, staging.add, enabled);
  const drop = useDropOnto(staging.add, enabled);
  const [viewing, setViewing] = useState<number | null>(null);
  const [camera, setCamera] = useState(false);
  const itemErrors = [...props.errors.keys()].filter((k) => k.startsWith(`${path}[`) || k.startsWith(`${path}.`));
  return (
    <fieldset ref={fieldset} id={id} className={`field attachment-field${drop.dragging ? ' attachment-dragging' : ''}`} {...drop.handlers}>
      <legend>{props.label}</legend>
      {files.length > 0 && (
        <ul className="attachment-list" aria-label={`${props.label} files`}>
          {files.map((file, i) => (
            <AttachmentItem
              key={`${file.sha256}-${i}`}
              file={file}
              index={i}
              state={file.key === '' ? undefined : states.files.get(file.key)}
              local={staging.local.get(file.sha256)}
              disabled={!enabled}
              onOpen={setViewing}
              onRemove={(index) => props.onChange(withoutAttachment(props.value, index, field.isList))}
            />
          ))}
        </ul>
      )}
      {drop.dragging && <p className="attachment-drop-note">Drop to attach</p>}
      <AddingRows staging={staging} />
      <AddButtons id={id} multiple={field.isList} disabled={!enabled} onFiles={staging.add} onCamera={() => setCamera(true)} />
      <ErrorText errors={props.errors} path={path} />
      {itemErrors.map((k) => (
        <ErrorText key={k} errors={props.errors} path={k} />
      ))}
      {viewing !== null && files.length > 0 && (
        <AttachmentViewer
          files={files}
          index={Math.min(viewing, files.length - 1)}
          local={staging.local}
          onIndex={setViewing}
          onClose={() => setViewing(null)}
        />
      )}
      {camera && <CameraCapture onCapture={(blob, name) => staging.add([{ blob, name }])} onClose={() => setCamera(false)} />}
    </fieldset>
  );
}
