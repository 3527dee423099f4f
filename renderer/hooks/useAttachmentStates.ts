// The upload queue as main pushes it: every file's state by key and the queue's totals, fetched
// once (attachmentStates) and kept current by the `attachmentState` and `attachmentQueue` events.
import { useEffect, useState } from 'react';
import type { AttachmentQueue, AttachmentState } from '../../common/ipc/attachment-contract.js';
import { api } from '../api.js';
import { useEvent } from './useEvent.js';

/** Files by key and the queue's totals (null until main answered, or when attachments are not available). */
export interface AttachmentStates {
  readonly files: ReadonlyMap<string, AttachmentState>;
  readonly queue: AttachmentQueue | null;
}

/** The attachment queue's states, current while mounted. */
export function useAttachmentStates(): AttachmentStates {
  const [files, setFiles] = useState<ReadonlyMap<string, AttachmentState>>(new Map());
  const [queue, setQueue] = useState<AttachmentQueue | null>(null);
  useEffect(() => {
    let cancelled = false;
    void api.attachmentStates().then(
      (answer) => {
        if (cancelled) return;
        // Events that arrived while the answer was on its way are newer: they win.
        setFiles((seen) => new Map([...answer.files.map((f) => [f.key, f] as const), ...seen]));
        setQueue((seen) => seen ?? answer.queue);
      },
      () => undefined,
    );
    return () => {
      cancelled = true;
    };
  }, []);
  useEvent('attachmentState', (state) => setFiles((old) => new Map(old).set(state.key, state)));
  useEvent('attachmentQueue', setQueue);
  return { files, queue };
}
