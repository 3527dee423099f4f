// The attachment upload queue at work: reads the table (attachment-tables.ts), asks the decisions
// (upload-queue-core.ts) what may start, runs each upload as a tus attempt (tus-upload-attempt.ts),
// persists the URL and acknowledged offset as they arrive, and writes the verdict back. A runner
// over the same table after a restart resumes from the stored URLs. Pausing stops new uploads and
// aborts running ones; the server keeps what it acknowledged.
import { Readable } from 'node:stream';
import type Database from 'better-sqlite3';
import { RETRY_POLICIES, type RetryPolicy } from '../sync/core/retry-policy.js';
import { AttachmentFileDamaged, type AttachmentFiles } from './attachment-files.js';
import {
  bytesWaitingIn,
  loadBackingOffEntries,
  loadDueEntries,
  loadEntry,
  markDone,
  markFailed,
  markQueued,
  markUploading,
  saveProgress,
} from './attachment-tables.js';
import { attemptTusUpload } from './tus-upload-attempt.js';
import {
  nextDueAt,
  uploadsToStart,
  uploadVerdict,
  type AttachmentEntry,
  type AttachmentRecord,
  type StartContext,
  type UploadOutcome,
  type UploadState,
} from './upload-queue-core.js';

/** One file's upload state, as pushed to the renderer. Bytes. */
export interface FileStateEvent {
  readonly key: string;
  readonly state: UploadState;
  readonly bytesSent: number;
  readonly bytesTotal: number;
  readonly reason?: string;
}

export interface UploadRunnerOptions {
  readonly db: Database.Database;
  readonly files: AttachmentFiles;
  /** The tus creation endpoint, e.g. `https://server/attachments`. */
  readonly endpoint: string;
  /** Headers for every request (the bearer token), asked afresh per request. */
  readonly headers: () => Promise<Readonly<Record<string, string>>> | Readonly<Record<string, string>>;
  /** Whether the record's mutation was accepted by the server; call wake() when that changes. */
  readonly isRecordAccepted: (record: AttachmentRecord) => boolean;
  /** Bytes per PATCH; default DEFAULT_CHUNK_BYTES (16 MiB). */
  readonly chunkSize?: number;
  /** Uploads at once; default 2. */
  readonly maxConcurrent?: number;
  /** Backoff after a retryable failure; default RETRY_POLICIES.attachmentUpload (capped at 5 min, never given up). */
  readonly policy?: RetryPolicy;
  /** No progress for this long (ms) ends an attempt as a timeout; default 60 s. */
  readonly stallTimeoutMs?: number;
  /** Starts paused; default false. */
  readonly paused?: boolean;
  /** Clock in ms since the epoch; default Date.now. */
  readonly now?: () => number;
}

const MiB = 1024 * 1024;
/** Bytes per PATCH: a durable commit and a request per chunk, so fewer for large files; a cut still resumes from the server's offset, not the chunk's start. */
export const DEFAULT_CHUNK_BYTES = 16 * MiB;
/** Due rows read at once when looking for uploads to start. */
const WAKE_PAGE = 32;

/** Runs the upload queue of one profile against one server. */
export class UploadRunner {
  private readonly running = new Map<string, { readonly abort: AbortController; readonly done: Promise<void> }>();
  private readonly fileListeners = new Set<(event: FileStateEvent) => void>();
  private readonly waitingListeners = new Set<(bytes: number) => void>();
  private paused: boolean;
  private stopped = true;
  private timer: NodeJS.Timeout | undefined;
  private readonly now: () => number;

  constructor(private readonly options: UploadRunnerOptions) {
    this.paused = options.paused ?? false;
    this.now = options.now ?? Date.now;
  }

  /** Starts (or restarts) working the queue. */
  start(): void {
    this.stopped = false;
    this.wake();
  }

  /** Stops: no new uploads, running ones aborted (acknowledged bytes kept); resolves when they ended. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.abortRunning();
  }

  /** Pauses (true) or resumes (false) uploads; pausing aborts running ones without losing acknowledged bytes. */
  async setPaused(paused: boolean): Promise<void> {
    this.paused = paused;
    if (paused) await this.abortRunning();
    else this.wake();
  }

  get isPaused(): boolean {
    return this.paused;
  }

  /** Looks at the queue again now (after a staged upload or an accepted record mutation). */
  wake(): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    const { db } = this.options;
    // Only as many due rows as it takes to fill the free slots, a page at a time: reading every row
    // still to upload at each wake (each finished file) made a long queue quadratic.
    const context = this.context();
    for (let skip = 0; !context.paused && this.running.size < context.maxConcurrent; skip += WAKE_PAGE) {
      const page = loadDueEntries(db, context.now, WAKE_PAGE, skip);
      for (const entry of uploadsToStart(page, { ...context, running: new Set(this.running.keys()) })) this.launch(entry);
      if (page.length < WAKE_PAGE) break;
    }
    this.emitWaiting(bytesWaitingIn(db));
    // The same `now` as the SQL's: with a later one, an entry that fell due in between would be
    // neither started (not due at `context.now`) nor timed (no longer after the later now), and wait forever.
    const due = nextDueAt(loadBackingOffEntries(db, context.now), { ...context, running: new Set(this.running.keys()) });
    if (due !== null && !this.paused) this.timer = setTimeout(() => this.wake(), Math.max(0, due - this.now()));
  }

  /** Bytes not yet uploaded of files that will be (queued, uploading or backing off). */
  bytesWaiting(): number {
    return bytesWaitingIn(this.options.db);
  }

  /** Calls `listener` with each file's state change; returns the unsubscribe. */
  onFileState(listener: (event: FileStateEvent) => void): () => void {
    this.fileListeners.add(listener);
    return () => this.fileListeners.delete(listener);
  }

  /** Calls `listener` with the bytes waiting to upload whenever the queue is looked at; returns the unsubscribe. */
  onBytesWaiting(listener: (bytes: number) => void): () => void {
    this.waitingListeners.add(listener);
    return () => this.waitingListeners.delete(listener);
  }

  private context(): StartContext {
    return {
      isRecordAccepted: this.options.isRecordAccepted,
      paused: this.paused,
      now: this.now(),
      maxConcurrent: this.options.maxConcurrent ?? 2,
      running: new Set(this.running.keys()),
    };
  }

  private launch(entry: AttachmentEntry): void {
    const abort = new AbortController();
    const done = this.upload(entry, abort.signal)
      .catch((error: unknown) => {
        // A local failure (file gone, database closed): the entry backs off like a network error.
        this.settle(entry.key, { kind: 'network', message: `upload could not run: ${String(error)}` });
      })
      .finally(() => {
        this.running.delete(entry.key);
        this.wake();
      });
    this.running.set(entry.key, { abort, done });
  }

  private async upload(entry: AttachmentEntry, signal: AbortSignal): Promise<void> {
    const { db } = this.options;
    const { files } = this.options;
    const size = await files.sizeOf(entry.sha256);
    if (size === null) return this.settle(entry.key, { kind: 'file-missing' });
    markUploading(db, entry.key);
    this.emit({ key: entry.key, state: 'uploading', bytesSent: entry.bytesAcked, bytesTotal: entry.size });
    const recordScopedUrl = `${this.options.endpoint.replace(/\/+$/, '')}/${entry.key}`;
    // Never tried: create it with its first chunk. Tried before, or left `uploading` by a crash: resume by HEAD.
    const uploadUrl = entry.uploadUrl ?? (entry.state === 'queued' && entry.attempts === 0 ? null : recordScopedUrl);
    let outcome = await this.attempt(entry, size, uploadUrl, signal);
    // The server has this upload already: an earlier try whose `uploading` mark a power loss undid
    // (markUploading does not wait for the disk). Resume it now instead of backing off.
    if (uploadUrl === null && outcome.kind === 'http' && outcome.status === 409 && !signal.aborted) {
      outcome = await this.attempt(entry, size, recordScopedUrl, signal);
    }
    this.settle(entry.key, outcome);
  }

  /** One tus attempt at `entry`'s file of `size` bytes, created anew (`uploadUrl` null) or resumed at `uploadUrl`. */
  private attempt(entry: AttachmentEntry, size: number, uploadUrl: string | null, signal: AbortSignal): Promise<UploadOutcome> {
    const { db, files } = this.options;
    return attemptTusUpload({
      endpoint: this.options.endpoint,
      uploadUrl,
      source: {
        size,
        slice: (start, end) => (end > start ? files.read(entry.sha256, { start, end: end - 1 }) : Readable.from([])),
      },
      sourceFailure: (error) =>
        error instanceof AttachmentFileDamaged
          ? { kind: 'file-damaged', message: error.message }
          : (error as NodeJS.ErrnoException).code === 'ENOENT'
            ? { kind: 'file-missing' }
            : null,
      metadata: {
        model: entry.model,
        recordId: entry.recordId,
        field: entry.field,
        sha256: entry.sha256,
        contentType: entry.contentType,
        filename: entry.name ?? '',
      },
      headers: this.options.headers,
      chunkSize: this.options.chunkSize ?? DEFAULT_CHUNK_BYTES,
      stallTimeoutMs: this.options.stallTimeoutMs ?? 60_000,
      onAcknowledged: (url, offset) => {
        // One commit per acknowledged chunk (not waiting for the disk: saveProgress), and none where it would tell nothing new: at 0
        // the row is `uploading` already (a restart resumes by HEAD at the record-scoped URL, the one
        // the server answers), and the last chunk's is markDone's, which comes next.
        if (offset === 0 || offset === entry.size) return;
        saveProgress(db, entry.key, url, offset);
        this.emitWaiting(bytesWaitingIn(db));
      },
      onProgress: (bytesSent) => this.emit({ key: entry.key, state: 'uploading', bytesSent, bytesTotal: entry.size }),
      signal,
    });
  }

  private settle(key: string, outcome: UploadOutcome): void {
    const { db } = this.options;
    const entry = loadEntry(db, key);
    if (entry === null) return;
    const verdict = uploadVerdict(outcome, entry.attempts, this.now(), this.options.policy ?? RETRY_POLICIES.attachmentUpload);
    if (verdict.state === 'done') markDone(db, key);
    else if (verdict.state === 'failed') markFailed(db, key, verdict.reason);
    else markQueued(db, key, verdict.attempts, verdict.nextAttemptAt, verdict.reason);
    const after = loadEntry(db, key) ?? entry;
    const reason = verdict.state === 'done' ? undefined : (verdict.reason ?? undefined);
    this.emit({ key, state: verdict.state, bytesSent: after.bytesAcked, bytesTotal: after.size, ...(reason === undefined ? {} : { reason }) });
  }

  private async abortRunning(): Promise<void> {
    const running = [...this.running.values()];
    for (const upload of running) upload.abort.abort();
    await Promise.all(running.map((upload) => upload.done));
  }

  private emit(event: FileStateEvent): void {
    for (const listener of this.fileListeners) listener(event);
  }

  private emitWaiting(bytes: number): void {
    for (const listener of this.waitingListeners) listener(bytes);
  }
}
