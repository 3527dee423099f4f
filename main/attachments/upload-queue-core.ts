// The attachment queue's decisions as plain functions over data (DESIGN.md "Attachments"): which
// uploads may start now, what an upload's outcome makes of its entry, and which cached files to
// evict. upload-runner.ts and attachment-cache.ts interpret them; nothing here does I/O or reads a
// clock.
import { retryDelay, type RetryPolicy } from '../sync/core/retry-policy.js';

export type UploadState = 'queued' | 'uploading' | 'done' | 'failed';

/** The record (and field) a file is attached to. */
export interface AttachmentRecord {
  readonly model: string;
  readonly recordId: string;
  readonly field: string;
}

/** One row of the attachment table (attachment-tables.ts); times in ms since the epoch. */
export interface AttachmentEntry extends AttachmentRecord {
  /** The server blob id, `attachmentKey(model, recordId, sha256)`. */
  readonly key: string;
  readonly sha256: string;
  /** Bytes. */
  readonly size: number;
  readonly contentType: string;
  readonly name: string | null;
  readonly state: UploadState;
  /** Bytes the server acknowledged so far. */
  readonly bytesAcked: number;
  /** The tus upload URL once created, so an upload resumes after a restart. */
  readonly uploadUrl: string | null;
  /** Failed attempts so far. */
  readonly attempts: number;
  /** Not before this time (backoff); 0 = at once. */
  readonly nextAttemptAt: number;
  readonly failureReason: string | null;
  /** True while the file exists only on this device (not yet uploaded). */
  readonly localOnly: boolean;
  /** True while the file is in the local file store (false once evicted or before a download). */
  readonly present: boolean;
  readonly lastAccessAt: number;
}

/** What the caller knows when asking which uploads to start. */
export interface StartContext {
  /** Whether the record's mutation has been accepted by the server (uploads wait for it). */
  readonly isRecordAccepted: (record: AttachmentRecord) => boolean;
  readonly paused: boolean;
  /** ms since the epoch. */
  readonly now: number;
  /** Most uploads at once. */
  readonly maxConcurrent: number;
  /** Keys uploading right now. */
  readonly running: ReadonlySet<string>;
}

/** The entries to start now, oldest first by table order, at most `maxConcurrent - running`. */
export function uploadsToStart(entries: readonly AttachmentEntry[], context: StartContext): AttachmentEntry[] {
  if (context.paused) return [];
  const room = context.maxConcurrent - context.running.size;
  if (room <= 0) return [];
  return entries.filter((entry) => isStartable(entry, context)).slice(0, room);
}

function isStartable(entry: AttachmentEntry, context: StartContext): boolean {
  // `uploading` rows not running here are left over from a stopped runner: they resume.
  if (!entry.localOnly || entry.state === 'done' || entry.state === 'failed') return false;
  return !context.running.has(entry.key) && entry.nextAttemptAt <= context.now && context.isRecordAccepted(entry);
}

/** When the next waiting entry's backoff is due (ms since the epoch), or null when none waits on time. */
export function nextDueAt(entries: readonly AttachmentEntry[], context: StartContext): number | null {
  let due: number | null = null;
  for (const entry of entries) {
    if (!entry.localOnly || entry.state === 'done' || entry.state === 'failed' || context.running.has(entry.key)) continue;
    if (entry.nextAttemptAt > context.now && context.isRecordAccepted(entry)) due = due === null ? entry.nextAttemptAt : Math.min(due, entry.nextAttemptAt);
  }
  return due;
}

/** How one upload attempt ended. */
export type UploadOutcome =
  | { readonly kind: 'uploaded' }
  /** The server answered with an HTTP status; `body` is its plain-text reason. */
  | { readonly kind: 'http'; readonly status: number; readonly body: string }
  /** No answer: connection refused or cut, DNS, TLS. */
  | { readonly kind: 'network'; readonly message: string }
  /** No progress for the stall timeout. */
  | { readonly kind: 'timeout' }
  /** The file is not in this device's file store (it cannot come back by retrying). */
  | { readonly kind: 'file-missing' }
  /** The file here failed its integrity check (altered, or another key): `message` names it; it cannot come back by retrying. */
  | { readonly kind: 'file-damaged'; readonly message: string }
  /** Stopped on purpose (pause, shutdown): not a failure. */
  | { readonly kind: 'aborted' };

/** What an entry becomes after an outcome. */
export type UploadVerdict =
  | { readonly state: 'done' }
  | { readonly state: 'queued'; readonly attempts: number; readonly nextAttemptAt: number; readonly reason: string | null }
  | { readonly state: 'failed'; readonly reason: string };

/** Why an upload failed when its file went missing here (it cannot come back by retrying). */
export const FILE_MISSING_REASON = 'the file is no longer on this device';

/** Why an upload failed when its file here is damaged (the start of the reason; the file's path follows). */
export const FILE_DAMAGED_REASON = 'the file on this device is damaged and was not sent';

/** Statuses that will not change by retrying: each refusal becomes a review item (refused-uploads.ts). */
// 401 is not among them: a token that expired mid-upload is renewed by the sign-in before the next try.
const REFUSED_FOR_GOOD = new Set([400, 403, 404, 413, 422]);

/** The verdict on `outcome` after `attempts` earlier failed attempts, at `now` (ms), backing off by `policy`. */
export function uploadVerdict(outcome: UploadOutcome, attempts: number, now: number, policy: RetryPolicy): UploadVerdict {
  if (outcome.kind === 'uploaded') return { state: 'done' };
  if (outcome.kind === 'aborted') return { state: 'queued', attempts, nextAttemptAt: 0, reason: null };
  if (outcome.kind === 'file-missing') return { state: 'failed', reason: FILE_MISSING_REASON };
  if (outcome.kind === 'file-damaged') return { state: 'failed', reason: `${FILE_DAMAGED_REASON}: ${outcome.message}` };
  if (outcome.kind === 'http' && REFUSED_FOR_GOOD.has(outcome.status)) {
    return { state: 'failed', reason: refusalReason(outcome.status, outcome.body) };
  }
  const reason =
    outcome.kind === 'http' && outcome.status === 401
      ? 'not signed in: retried with the renewed sign-in'
      : outcome.kind === 'http'
        ? `server answered ${outcome.status}${outcome.body ? `: ${outcome.body.trim()}` : ''}`
        : outcome.kind === 'timeout'
          ? 'the upload stalled'
          : outcome.message;
  const failed = attempts + 1;
  if (policy.maxAttempts !== undefined && failed >= policy.maxAttempts) return { state: 'failed', reason: `gave up after ${failed} attempts: ${reason}` };
  return { state: 'queued', attempts: failed, nextAttemptAt: now + retryDelay(failed, policy), reason };
}

function refusalReason(status: number, body: string): string {
  const text = body.trim();
  if (text !== '') return text;
  if (status === 404) return 'the server has no such record, or you may not read it';
  return `the server refused the upload (${status})`;
}

/** One file of the cache as eviction sees it (all entries of one sha-256 together). */
export interface CachedFile {
  readonly sha256: string;
  /** Bytes. */
  readonly size: number;
  /** Latest access of any entry holding it, ms since the epoch. */
  readonly lastAccessAt: number;
  /** True when some entry holding it is not uploaded yet: never evicted. */
  readonly pinned: boolean;
}

/** The files in the store, one per sha-256, from the table's entries that are present. */
export function cachedFiles(entries: readonly AttachmentEntry[]): CachedFile[] {
  const bySha = new Map<string, CachedFile>();
  for (const entry of entries) {
    if (!entry.present) continue;
    const seen = bySha.get(entry.sha256);
    bySha.set(entry.sha256, {
      sha256: entry.sha256,
      size: entry.size,
      lastAccessAt: Math.max(seen?.lastAccessAt ?? 0, entry.lastAccessAt),
      pinned: (seen?.pinned ?? false) || entry.localOnly,
    });
  }
  return [...bySha.values()];
}

/** The sha-256s to evict, least recently used first, until the files total at most `limitBytes`; never a pinned one. */
export function evictionPlan(files: readonly CachedFile[], limitBytes: number): string[] {
  let total = files.reduce((sum, file) => sum + file.size, 0);
  const candidates = files.filter((file) => !file.pinned).sort((a, b) => a.lastAccessAt - b.lastAccessAt || (a.sha256 < b.sha256 ? -1 : 1));
  const evict: string[] = [];
  for (const file of candidates) {
    if (total <= limitBytes) break;
    evict.push(file.sha256);
    total -= file.size;
  }
  return evict;
}

/** Bytes still to send for the entries that are not uploaded yet (queued, uploading or waiting on backoff). */
export function bytesWaiting(entries: readonly AttachmentEntry[]): number {
  return entries.reduce((sum, entry) => (entry.localOnly && entry.state !== 'failed' && entry.state !== 'done' ? sum + entry.size - entry.bytesAcked : sum), 0);
}
