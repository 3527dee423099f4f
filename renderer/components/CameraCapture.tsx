// "Take photo": a dialog with the camera's live picture (getUserMedia), Capture and Cancel. Capture
// hands a JPEG of the current frame to the field; either way the camera is stopped when the dialog
// closes (every track of the stream), so its light goes off.
import { useEffect, useRef, useState, type KeyboardEvent, type RefObject } from 'react';
import { cameraFileName } from '../attachment-view.js';
import { keepTabInside } from '../dialog-focus.js';

/** Why the camera could not start, in plain words, from getUserMedia's error. */
function cameraProblem(error: unknown): string {
  const name = error instanceof Error ? error.name : '';
  if (name === 'NotAllowedError' || name === 'SecurityError')
    return 'Outpost may not use the camera: allow it in your system’s privacy settings and try again.';
  if (name === 'NotFoundError' || name === 'OverconstrainedError') return 'No camera was found on this computer.';
  if (name === 'NotReadableError' || name === 'AbortError') return 'The camera is in use by another program, or could not be started.';
  return `The camera could not be started${error instanceof Error && error.message ? `: ${error.message}` : '.'}`;
}

/** The live camera stream while mounted (stopped on unmount), or the problem starting it. */
function useCameraStream(video: RefObject<HTMLVideoElement | null>): { ready: boolean; problem: string | null } {
  const [ready, setReady] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    let stream: MediaStream | null = null;
    let closed = false;
    navigator.mediaDevices.getUserMedia({ video: true }).then(
      (s) => {
        if (closed) {
          s.getTracks().forEach((t) => t.stop());
          return;
        }
        stream = s;
        const element = video.current;
        if (element === null) return;
        element.srcObject = s;
        void element.play().then(
          () => setReady(true),
          () => setReady(true),
        );
      },
      (error: unknown) => !closed && setProblem(cameraProblem(error)),
    );
    return () => {
      closed = true;
      stream?.getTracks().forEach((t) => t.stop());
    };
  }, [video]);
  return { ready, problem };
}

/** The current frame of `video` as a JPEG. */
function captureFrame(video: HTMLVideoElement): Promise<Blob | null> {
  const canvas = document.createElement('canvas');
  canvas.width = video.videoWidth;
  canvas.height = video.videoHeight;
  canvas.getContext('2d')?.drawImage(video, 0, 0);
  return new Promise((resolve) => canvas.toBlob(resolve, 'image/jpeg', 0.9));
}

/** The camera dialog; `onCapture` gets the picture taken (then the dialog closes). */
export function CameraCapture(props: { onCapture: (blob: Blob, name: string) => void; onClose: () => void }) {
  const video = useRef<HTMLVideoElement>(null);
  const cancel = useRef<HTMLButtonElement>(null);
  const dialog = useRef<HTMLDivElement>(null);
  const { ready, problem } = useCameraStream(video);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    const before = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    cancel.current?.focus();
    return () => before?.focus();
  }, []);
  const capture = async () => {
    if (video.current === null) return;
    setBusy(true);
    const blob = await captureFrame(video.current);
    setBusy(false);
    if (blob !== null) props.onCapture(blob, cameraFileName(new Date()));
    props.onClose();
  };
  const onKeyDown = (event: KeyboardEvent) => {
    // Esc closes the camera, not the form behind it.
    event.stopPropagation();
    keepTabInside(event, dialog.current);
    if (event.key === 'Escape') {
      event.preventDefault();
      props.onClose();
    }
  };
  return (
    <div className="dialog-backdrop camera-backdrop">
      <div ref={dialog} className="dialog camera-dialog" role="dialog" aria-modal="true" aria-labelledby="camera-title" onKeyDown={onKeyDown}>
        <h2 id="camera-title" className="camera-title">
          Take photo
        </h2>
        {problem !== null ? (
          <p className="camera-problem" role="alert">
            {problem}
          </p>
        ) : (
          <video ref={video} className="camera-preview" muted playsInline aria-label="Camera preview" />
        )}
        <div className="actions">
          <button type="button" className="primary" disabled={!ready || busy || problem !== null} onClick={() => void capture()}>
            Capture
          </button>
          <button ref={cancel} type="button" className="secondary" onClick={props.onClose}>
            Cancel
          </button>
        </div>
      </div>
    </div>
  );
}
