// A file dropped anywhere but on an attachment field must not be opened by the window (Chromium
// navigates to it; the shell refuses the navigation, but the drop would be lost without a word).
// Attachment fields handle their own drops first; what bubbles up here unhandled is refused.
import { useEffect } from 'react';

/** Refuses drops outside the places that take them, for the window's lifetime. */
export function useWindowDropGuard(): void {
  useEffect(() => {
    const onDragOver = (event: DragEvent): void => {
      if (event.defaultPrevented) return;
      event.preventDefault();
      if (event.dataTransfer) event.dataTransfer.dropEffect = 'none';
    };
    const onDrop = (event: DragEvent): void => {
      event.preventDefault();
    };
    window.addEventListener('dragover', onDragOver);
    window.addEventListener('drop', onDrop);
    return () => {
      window.removeEventListener('dragover', onDragOver);
      window.removeEventListener('drop', onDrop);
    };
  }, []);
}
