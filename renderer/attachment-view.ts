// What the attachment controls say and decide, as plain functions over data (issue 13 "UI"): sizes
// in words, a file's upload state, the sync bar's queue sentence, the guard's file count, names and
// content types a staged file is given, and base64 for the IPC chunks. The components only render
// what these return (tested in test/unit/renderer/attachment-view.test.ts).
import type { AttachmentQueue, AttachmentState } from '../common/ipc/attachment-contract.js';
import type { AttachmentRef } from '../common/schema/attachment-ref.js';

const count = (n: number): string => n.toLocaleString('en-US');
const plural = (n: number, one: string, many: string): string => `${count(n)} ${n === 1 ? one : many}`;

/** Bytes in words, decimal units with one decimal above 1 kB: "512 B", "12.3 kB", "12.3 MB", "1.5 GB". */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '?';
  if (bytes < 1000) return `${Math.round(bytes)} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let value = bytes / 1000;
  let unit = 0;
  while (value >= 999.95 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

/** True for a content type the viewer shows as a picture (and the form as a thumbnail). */
export function isImageType(contentType: string): boolean {
  return /^image\/(png|jpeg|gif|webp|avif|bmp|svg\+xml)$/i.test(contentType.trim());
}

/** One file's upload state as the form shows it: "queued", "uploading 42%", "uploaded", "failed: <reason>". */
export function uploadStateText(state: Pick<AttachmentState, 'state' | 'bytesSent' | 'bytesTotal' | 'reason'> | undefined, staged: boolean): string {
  if (staged) return 'uploads after you save';
  if (state === undefined) return '';
  switch (state.state) {
    case 'queued':
      return 'queued';
    case 'uploading': {
      const percent = state.bytesTotal > 0 ? Math.min(99, Math.floor((state.bytesSent / state.bytesTotal) * 100)) : 0;
      return `uploading ${percent}%`;
    }
    case 'done':
      return 'uploaded';
    case 'failed':
      return state.reason ? `failed: ${state.reason}` : 'failed';
  }
}

/** What the sync bar says about files: the waiting sentence (null: nothing waits) and the failed link (null: none). */
export interface QueueSummary {
  readonly text: string | null;
  /** True when `text` is a warning (paused, or no upload endpoint). */
  readonly pending: boolean;
  readonly failed: string | null;
}

/**
 * "3 files (12.3 MB) waiting to upload", "Uploads paused: 3 files (12.3 MB) waiting", "Uploads
 * paused" (nothing waiting), "3 files (12.3 MB) stay on this computer: this server takes no
 * uploads"; the failed count "2 files failed to upload" links to the review inbox.
 */
export function attachmentQueueSummary(queue: AttachmentQueue | null): QueueSummary {
  if (queue === null) return { text: null, pending: false, failed: null };
  const files = `${plural(queue.waiting, 'file', 'files')} (${formatBytes(queue.bytesWaiting)})`;
  const failed = queue.failed > 0 ? `${plural(queue.failed, 'file', 'files')} failed to upload` : null;
  if (queue.waiting > 0 && !queue.uploadsAvailable) return { text: `${files} stay on this computer: this server takes no uploads`, pending: true, failed };
  if (queue.paused) return { text: queue.waiting > 0 ? `Uploads paused: ${files} waiting` : 'Uploads paused', pending: true, failed };
  if (queue.waiting > 0) return { text: `${files} waiting to upload`, pending: true, failed };
  return { text: null, pending: false, failed };
}

/** The bar's record sentence beside waiting files: "All changes synced" becomes "All records synced" while files wait. */
export function recordSummaryText(text: string, queue: AttachmentQueue | null): string {
  return text === 'All changes synced' && queue !== null && (queue.waiting > 0 || queue.failed > 0) ? 'All records synced' : text;
}

/** "2 attached files not uploaded yet" (null for none): the guard's count of files a sign-out or clear deletes. */
export function unuploadedText(files: number): string | null {
  return files > 0 ? `${plural(files, 'attached file', 'attached files')} not uploaded yet` : null;
}

/** Most characters of a staged file's name (the contract's limit). */
export const MAX_FILE_NAME_CHARS = 255;

/** The name a file is staged with: its own (path parts and control characters dropped), cut to 255 characters keeping its extension; `fallback` when blank. */
export function stagingName(name: string, fallback: string): string {
  const base = (name.split(/[\\/]/).pop() ?? '').replace(/[\u0000-\u001f\u007f]/g, '').trim();
  const chosen = base === '' ? fallback : base;
  const chars = [...chosen];
  if (chars.length <= MAX_FILE_NAME_CHARS) return chosen;
  const dot = chosen.lastIndexOf('.');
  const ext = dot > 0 && chosen.length - dot <= 16 ? chosen.slice(dot) : '';
  return chars.slice(0, MAX_FILE_NAME_CHARS - [...ext].length).join('') + ext;
}

const MIME = /^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/i;

/** The content type a file is staged with: the browser's type without parameters, or application/octet-stream when it has none. */
export function stagingContentType(type: string): string {
  const bare = (type.split(';')[0] ?? '').trim().toLowerCase();
  return MIME.test(bare) && bare.length <= 200 ? bare : 'application/octet-stream';
}

/** "photo-2026-03-04-101502.jpg": the name of a picture taken with the camera at `date` (local time). */
export function cameraFileName(date: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `photo-${date.getFullYear()}-${p(date.getMonth() + 1)}-${p(date.getDate())}-${p(date.getHours())}${p(date.getMinutes())}${p(date.getSeconds())}.jpg`;
}

/** The references a field holds: a list field's items, a single field's one reference, without blanks. */
export function refsOfRaw(value: unknown): AttachmentRef[] {
  const items = Array.isArray(value) ? value : [value];
  return items.filter((v): v is AttachmentRef => typeof v === 'object' && v !== null && typeof (v as AttachmentRef).sha256 === 'string');
}

/** The field's value once `added` is attached: appended to a list (skipping a file already there), or replacing a single one. */
export function withAttachment(
  value: unknown,
  added: AttachmentRef,
  isList: boolean,
): { readonly value: AttachmentRef | AttachmentRef[]; readonly duplicate: boolean } {
  if (!isList) return { value: added, duplicate: false };
  const refs = refsOfRaw(value);
  if (refs.some((r) => r.sha256 === added.sha256)) return { value: refs, duplicate: true };
  return { value: [...refs, added], duplicate: false };
}

/** The field's value without the reference at `index`: a list without it, or '' for a single field. */
export function withoutAttachment(value: unknown, index: number, isList: boolean): AttachmentRef[] | '' {
  return isList ? refsOfRaw(value).filter((_, i) => i !== index) : '';
}

/** The first picture among `refs` (a list's thumbnail), or undefined. */
export function firstImage(refs: readonly AttachmentRef[]): AttachmentRef | undefined {
  return refs.find((r) => isImageType(r.contentType));
}

/** Index `from` moved by `step` within `length` items, wrapping round (the viewer's next/previous). */
export function stepIndex(from: number, step: number, length: number): number {
  if (length <= 0) return 0;
  return (((from + step) % length) + length) % length;
}

/** The byte ranges `[offset, length]` a file of `size` bytes is read in, `chunk` bytes each (the last shorter). */
export function chunkRanges(size: number, chunk: number): Array<readonly [number, number]> {
  const out: Array<readonly [number, number]> = [];
  for (let offset = 0; offset < size; offset += chunk) out.push([offset, Math.min(chunk, size - offset)]);
  return out;
}

/** Bytes as base64 (built in 32 KiB pieces: one String.fromCharCode call per piece). */
export function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** The bytes of base64 `text`. */
export function base64ToBytes(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
