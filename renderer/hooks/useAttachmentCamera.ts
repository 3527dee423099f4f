// Whether this computer has a camera the page may use: `navigator.mediaDevices` exists and lists a
// video input (checked again when devices come and go). "Take photo" is shown only then.
import { useEffect, useState } from 'react';

/** True when a camera is present (false without mediaDevices, e.g. an insecure page, or with no video input). */
export function useAttachmentCamera(): boolean {
  const [present, setPresent] = useState(false);
  useEffect(() => {
    const devices = typeof navigator === 'undefined' ? undefined : navigator.mediaDevices;
    if (devices === undefined || typeof devices.enumerateDevices !== 'function' || typeof devices.getUserMedia !== 'function') return;
    let cancelled = false;
    const check = () =>
      void devices.enumerateDevices().then(
        (list) => !cancelled && setPresent(list.some((d) => d.kind === 'videoinput')),
        () => !cancelled && setPresent(false),
      );
    check();
    devices.addEventListener('devicechange', check);
    return () => {
      cancelled = true;
      devices.removeEventListener('devicechange', check);
    };
  }, []);
  return present;
}
