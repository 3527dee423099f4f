// The upload queue as the renderer sees it (common/ipc/attachment-contract.ts): one file's state
// from its table entry, and the queue's totals. Plain functions over entries.
import type { AttachmentQueue, AttachmentState } from '../../common/ipc/attachment-contract.js';
import type { AttachmentEntry } from './upload-queue-core.js';
import { bytesWaiting } from './upload-queue-core.js';

/** `entry` as the contract's AttachmentState; `bytesSent` overrides the acknowledged bytes (progress of a running upload). */
export function attachmentStateOf(entry: AttachmentEntry, bytesSent?: number): AttachmentState {
  return {
    key: entry.key,
    sha256: entry.sha256,
    model: entry.model,
    recordId: entry.recordId,
    field: entry.field,
    name: entry.name,
    contentType: entry.contentType,
    state: entry.state,
    bytesSent: Math.min(entry.size, Math.max(0, Math.floor(bytesSent ?? (entry.state === 'done' ? entry.size : entry.bytesAcked)))),
    bytesTotal: entry.size,
    ...(entry.state !== 'done' && entry.failureReason !== null ? { reason: entry.failureReason } : {}),
  };
}

/** True while the file is still this device's to upload (queued, uploading, backing off or refused). */
export function isUnuploaded(entry: AttachmentEntry): boolean {
  return entry.localOnly && entry.state !== 'done';
}

/** The queue's totals over every entry. */
export function queueTotals(entries: readonly AttachmentEntry[], paused: boolean, uploadsAvailable: boolean): AttachmentQueue {
  let waiting = 0;
  let failed = 0;
  for (const entry of entries) {
    if (!isUnuploaded(entry)) continue;
    if (entry.state === 'failed') failed++;
    else waiting++;
  }
  return { bytesWaiting: bytesWaiting(entries), waiting, failed, paused, uploadsAvailable };
}
