// One open profile's attachments (DESIGN.md "Attachments", issue 13): its file store under the
// profile folder, files being added over IPC, the upload queue and the runner that works it, the
// per-file states and queue totals pushed to the renderer, the settings, and the refusals that
// become review items.
// - The runner runs only while sync runs and the profile's server announced an attachment
//   endpoint (the `attachments` capability, learnt from the sync worker); without one (AppSync, an
//   offline profile, sync stopped) files stay on this device and `uploadsAvailable` is false.
// - An upload waits until its record's mutation was accepted (no outbox entry left, a server
//   version); the app wakes the runner whenever an outbox entry completes.
// - Viewing others' files uses the endpoint last announced to this profile (kept beside its
//   database) until the server announces one again, so a view offline says "not downloaded yet"
//   rather than "this server keeps no files".
// - Opening sweeps files no row references (older than a day) and makes review items of refusals
//   a crash left without one.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import type { AttachmentQueue, AttachmentSettings, AttachmentState } from '../../common/ipc/attachment-contract.js';
import { ValidationError } from '../../common/errors.js';
import type { Datastore, ReviewRecord } from '../datastore/datastore.js';
import { writeFileAtomically } from '../atomic-file.js';
import { RETRY_POLICIES } from '../sync/core/retry-policy.js';
import type { AttachmentFiles } from './attachment-files.js';
import { openAttachmentSettings, type AttachmentSettingsStore } from './attachment-settings.js';
import { attachmentStateOf, isUnuploaded, queueTotals } from './attachment-states.js';
import { sweepOrphanFiles } from './attachment-sweep.js';
import { loadEntries, loadEntry, requeue, reviewIdOf, unuploadedFiles, uploadedSince } from './attachment-tables.js';
import { enforceCacheLimit, prefetchAttachments } from './attachment-prefetch.js';
import type { ViewingDeps } from './attachment-viewing.js';
import { ProgressThrottle } from './progress-throttle.js';
import { ThumbnailStore } from './thumbnail-store.js';
import { decideRefusal, recordRefusals } from './refused-uploads.js';
import { StagedAdds } from './staged-adds.js';
import { UploadRunner, type FileStateEvent } from './upload-runner.js';

/** Where uploads go: the tus endpoint and the credentials' headers (asked afresh per request). */
export interface UploadEndpoint {
  readonly url: string;
  readonly headers: () => Promise<Readonly<Record<string, string>>> | Readonly<Record<string, string>>;
}

/** Where the session pushes what the renderer shows. */
export interface AttachmentPublisher {
  state(state: AttachmentState): void;
  queue(queue: AttachmentQueue): void;
}

export interface AttachmentSessionOptions {
  /** The profile folder (main/auth/profiles.ts profileDirectory). */
  readonly dir: string;
  readonly files: AttachmentFiles;
  readonly datastore: Datastore;
  readonly publish: AttachmentPublisher;
  /** Runner tuning (tests): bytes per PATCH, uploads at once, stall timeout. */
  readonly runner?: { readonly chunkSize?: number; readonly maxConcurrent?: number; readonly stallTimeoutMs?: number };
  /** Most bytes one added file may have (default 2 GiB). */
  readonly maxFileBytes?: number;
  /**
   * The profile's 32-byte key (main/crypto/profile-key.ts): thumbnails and files being added are
   * encrypted with it. Give `files` the same key (AttachmentFiles.open(dir, { key })). Absent: plain.
   */
  readonly key?: Buffer;
}

const MiB = 1024 * 1024;
/** Files uploaded this long ago still show in attachmentStates (ms): an hour. */
const RECENT_MS = 60 * 60 * 1000;

/** The attachments of one open profile. */
export class AttachmentSession {
  private runner: UploadRunner | null = null;
  private endpoint: UploadEndpoint | null = null;
  private syncRunning = false;
  private closed = false;
  private queueScheduled = false;
  private lastQueue = '';
  private readonly throttle: ProgressThrottle<AttachmentState>;
  private readonly unlisten: Array<() => void> = [];

  private credentials: (() => Promise<Readonly<Record<string, string>>>) | null = null;
  private lastKnownUrl: string | null;
  private prefetching: Promise<void> | null = null;
  private prefetchAgain = false;
  private readonly stopPrefetch = new AbortController();

  private constructor(
    private readonly options: AttachmentSessionOptions,
    readonly adds: StagedAdds,
    readonly settings: AttachmentSettingsStore,
    private thumbnails: ThumbnailStore,
  ) {
    this.lastKnownUrl = readLastEndpoint(options.dir);
    this.throttle = new ProgressThrottle((state) => options.publish.state(state));
    this.unlisten.push(
      options.datastore.attachments.onStaged((staged) => {
        for (const s of staged) this.publishEntry(s.ref.key);
        this.publishQueue();
      }),
    );
  }

  /** Opens the session of a profile whose datastore and file store are open: sweeps orphans, recovers refusals. */
  static async open(options: AttachmentSessionOptions): Promise<AttachmentSession> {
    const db = options.datastore.attachments.db;
    if ((options.key !== undefined) !== options.files.encrypted) {
      throw new Error('AttachmentSession.open: the file store and the session must both have the profile key, or neither');
    }
    const adds = await StagedAdds.open(options.dir, options.files, options.maxFileBytes, options.key);
    const thumbnails = await ThumbnailStore.open(options.dir, { key: options.key });
    const session = new AttachmentSession(options, adds, openAttachmentSettings(options.dir), thumbnails);
    await recordRefusals(options.datastore, db);
    return session;
  }

  /** Removes files nothing references (attachment-sweep.ts); `held`: sha-256s drafts and the Trash still hold. Run before the profile is in use. */
  async sweep(held: ReadonlySet<string>): Promise<string[]> {
    return sweepOrphanFiles(this.options.datastore.attachments.db, this.options.files, held);
  }

  get files(): AttachmentFiles {
    return this.options.files;
  }

  get db(): Database.Database {
    return this.options.datastore.attachments.db;
  }

  /** The endpoint uploads and downloads go to, or null (none announced, AppSync, offline profile). */
  get uploadEndpoint(): UploadEndpoint | null {
    return this.endpoint;
  }

  /** Takes the endpoint the server announced (null: none); the runner is rebuilt for it. */
  async useEndpoint(endpoint: UploadEndpoint | null): Promise<void> {
    if (endpoint?.url === this.endpoint?.url && endpoint?.headers === this.endpoint?.headers) return;
    this.endpoint = endpoint;
    if (endpoint !== null && endpoint.url !== this.lastKnownUrl) {
      this.lastKnownUrl = endpoint.url;
      writeLastEndpoint(this.options.dir, endpoint.url);
    }
    await this.reconcileRunner(true);
    this.prefetchSoon();
  }

  /** The sync worker's credentials as headers (null: no worker), for viewing before the server announced its endpoint again. */
  useCredentials(headers: (() => Promise<Readonly<Record<string, string>>>) | null): void {
    this.credentials = headers;
  }

  /** What viewing (attachment-viewing.ts) needs of this profile now. */
  viewing(): ViewingDeps {
    const endpoint = this.endpoint;
    const credentials = this.credentials;
    // Not announced yet in this run (offline, before the first answer): the one announced before, with the worker's credentials.
    const url = endpoint?.url ?? (credentials === null ? null : this.lastKnownUrl);
    return {
      db: this.db,
      files: this.options.files,
      thumbnails: this.thumbnails,
      endpoint: url,
      headers: () => endpoint?.headers() ?? credentials?.() ?? {},
      referenceOf: (key) => this.options.datastore.attachments.locate(key),
    };
  }

  /**
   * Evicts others' files least recently viewed until the cache is within the limit setting, or
   * within `atLeastBytes` when more (the file just opened stays even when it alone is over the limit).
   */
  async keepCacheLimit(atLeastBytes = 0): Promise<void> {
    if (!this.closed) await enforceCacheLimit(this.viewing(), Math.max(this.settings.get().cacheLimitMiB * MiB, atLeastBytes));
  }

  /**
   * With the prefetch setting on and an endpoint known, downloads the files of records synced here
   * (after a sync round, a setting change); one run at a time, another after it when asked meanwhile.
   */
  prefetchSoon(): void {
    if (this.closed || !this.settings.get().prefetch || this.endpoint === null) return;
    if (this.prefetching !== null) {
      this.prefetchAgain = true;
      return;
    }
    this.prefetching = this.prefetch()
      .catch((error: unknown) => console.error('attachment prefetch failed:', error))
      .finally(() => {
        this.prefetching = null;
        if (this.prefetchAgain) {
          this.prefetchAgain = false;
          this.prefetchSoon();
        }
      });
  }

  private async prefetch(): Promise<void> {
    const maxBytes = this.settings.get().cacheLimitMiB * MiB;
    await prefetchAttachments(this.viewing(), this.options.datastore.attachments.references(), { signal: this.stopPrefetch.signal, maxBytes });
    await this.keepCacheLimit();
  }

  /** Sync started (true) or stopped (false): uploads run only while it runs. */
  async setSyncRunning(running: boolean): Promise<void> {
    this.syncRunning = running;
    await this.reconcileRunner(false);
  }

  /** Looks at the queue again (an outbox entry completed: its record's files may go now). */
  wake(): void {
    this.runner?.wake();
  }

  /** Every file not uploaded yet and those uploaded in the last hour, queue order; and the totals. */
  states(): { files: AttachmentState[]; queue: AttachmentQueue } {
    const entries = loadEntries(this.db);
    const recent = new Set(uploadedSince(this.db, Date.now() - RECENT_MS, 200).map((e) => e.key));
    const files = entries.filter((e) => isUnuploaded(e) || recent.has(e.key)).map((e) => attachmentStateOf(e));
    return { files, queue: this.queue(entries) };
  }

  /** Puts a failed upload back in the queue (its open review item, if any, is decided "keep mine"). */
  async retry(key: string): Promise<AttachmentState> {
    const entry = loadEntry(this.db, key);
    if (entry === null || !entry.localOnly) throw new ValidationError(`attachmentRetry: no file of this device waits as ${key}`, 'key');
    if (entry.state !== 'failed') return attachmentStateOf(entry);
    const review = await this.reviewOf(key);
    requeue(this.db, key);
    if (review !== undefined) await this.options.datastore.reviews.decide(review.id, 'keptMine');
    this.publishEntry(key);
    this.publishQueue();
    this.wake();
    return attachmentStateOf(loadEntry(this.db, key) ?? entry);
  }

  /** Carries out a decision on a refused upload's review item (refused-uploads.ts). */
  resolveRefusal(item: ReviewRecord, choice: 'keepMine' | 'keepTheirs'): void {
    for (const key of decideRefusal(this.db, item, choice)) this.publishEntry(key);
    this.publishQueue();
    this.wake();
  }

  /** Stores the settings; pausing stops running uploads at once, a smaller cache evicts, prefetch turned on starts. */
  async setSettings(settings: AttachmentSettings): Promise<AttachmentSettings> {
    const saved = this.settings.set(settings);
    await this.runner?.setPaused(saved.uploadsPaused);
    this.publishQueue();
    await this.keepCacheLimit();
    this.prefetchSoon();
    return saved;
  }

  /** Files not uploaded yet (refused ones included) and their bytes, for the sign-out / clear guard. */
  unuploaded(): { readonly count: number; readonly bytes: number } {
    return unuploadedFiles(this.db);
  }

  /**
   * Waits until no file is left to upload or `deadline` (ms since the epoch) passed; answers the
   * files left (refused included). Returns at once when waiting cannot help: uploads paused, sync
   * stopped. While sync runs without a known endpoint it waits (the first answer may announce one).
   */
  async waitForUploads(deadline: number): Promise<number> {
    for (;;) {
      const entries = loadEntries(this.db);
      const left = entries.filter(isUnuploaded).length;
      const toSend = entries.some((e) => isUnuploaded(e) && e.state !== 'failed');
      if (!toSend || !this.syncRunning || this.settings.get().uploadsPaused || Date.now() > deadline || this.closed) return left;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  /** Removes every file (after the datastore was cleared: no row references them). */
  async clearFiles(): Promise<void> {
    const runner = this.runner;
    this.runner = null;
    await runner?.stop();
    await this.adds.close();
    await this.options.files.clear();
    // The thumbnails were beside the files: their folder is made again.
    this.thumbnails = await ThumbnailStore.open(this.options.dir, { key: this.options.key });
    await this.reconcileRunner(false);
    this.publishQueue();
  }

  /** Stops uploads and drops listeners (the session closes). Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.stopPrefetch.abort();
    for (const stop of this.unlisten) stop();
    this.throttle.close();
    const runner = this.runner;
    this.runner = null;
    await runner?.stop();
    await this.adds.close();
    await this.prefetching;
  }

  private async reconcileRunner(endpointChanged: boolean): Promise<void> {
    const wanted = !this.closed && this.syncRunning && this.endpoint !== null;
    if (this.runner !== null && (!wanted || endpointChanged)) {
      const runner = this.runner;
      this.runner = null;
      await runner.stop();
    }
    if (wanted && this.runner === null && this.endpoint !== null) this.runner = this.startRunner(this.endpoint);
    this.publishQueue();
  }

  private startRunner(endpoint: UploadEndpoint): UploadRunner {
    const { datastore, files } = this.options;
    const runner = new UploadRunner({
      db: this.db,
      files,
      endpoint: endpoint.url,
      headers: endpoint.headers,
      isRecordAccepted: (record) => datastore.attachments.isRecordAccepted(record.model, record.recordId),
      policy: RETRY_POLICIES.attachmentUpload,
      paused: this.settings.get().uploadsPaused,
      ...this.options.runner,
    });
    runner.onFileState((event) => this.onFileState(event));
    runner.onBytesWaiting(() => this.publishQueue());
    runner.start();
    return runner;
  }

  private onFileState(event: FileStateEvent): void {
    if (this.closed) return;
    this.publishEntry(event.key, event.bytesSent);
    this.publishQueue();
    if (event.state === 'failed') {
      recordRefusals(this.options.datastore, this.db).catch((error: unknown) => console.error('attachment refusal not recorded:', error));
    }
  }

  private publishEntry(key: string, bytesSent?: number): void {
    const entry = this.closed ? null : loadEntry(this.db, key);
    if (entry !== null) this.throttle.push(attachmentStateOf(entry, entry.state === 'uploading' ? bytesSent : undefined));
  }

  private queue(entries = loadEntries(this.db)): AttachmentQueue {
    return queueTotals(entries, this.settings.get().uploadsPaused, this.endpoint !== null);
  }

  /** Pushes the totals once per turn, and only when they changed. */
  private publishQueue(): void {
    if (this.queueScheduled || this.closed) return;
    this.queueScheduled = true;
    queueMicrotask(() => {
      this.queueScheduled = false;
      if (this.closed) return;
      const queue = this.queue();
      const text = JSON.stringify(queue);
      if (text === this.lastQueue) return;
      this.lastQueue = text;
      this.options.publish.queue(queue);
    });
  }

  private async reviewOf(key: string): Promise<ReviewRecord | undefined> {
    const reviewId = reviewIdOf(this.db, key);
    if (reviewId === null) return undefined;
    const item = await this.options.datastore.reviews.get(reviewId);
    return item?.state === 'open' ? item : undefined;
  }
}

const LAST_ENDPOINT_FILE = 'attachment-endpoint.json';

/** The endpoint last announced to the profile in `dir`, or null (none yet, or a damaged file). */
function readLastEndpoint(dir: string): string | null {
  try {
    const file = join(dir, LAST_ENDPOINT_FILE);
    if (!existsSync(file)) return null;
    const url = (JSON.parse(readFileSync(file, 'utf8')) as { url?: unknown }).url;
    return typeof url === 'string' && /^https?:\/\//.test(url) ? url : null;
  } catch {
    return null;
  }
}

function writeLastEndpoint(dir: string, url: string): void {
  try {
    writeFileAtomically(join(dir, LAST_ENDPOINT_FILE), JSON.stringify({ url }));
  } catch (error) {
    console.error('attachment endpoint not kept:', error);
  }
}
