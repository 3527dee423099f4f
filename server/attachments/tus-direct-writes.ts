// tus 1.0 writes answered on Node streams: a creation (POST, with its first bytes when the body
// carries them: creation-with-upload) and PATCH, the request piped straight into the BlobStore's
// append, which hashes as it writes (blob-digest.ts). @tus/server 2.x turns every request into a
// web ReadableStream and back and pipes it through two more streams before the store sees a byte;
// on the upload bench that cost about a third of the server's CPU per file. HEAD, OPTIONS and
// DELETE stay with @tus/server, sharing this one lock per upload: a HEAD answers only after a
// write in flight for the same upload ended, and a request waiting for the lock cuts the one
// holding it after LOCK_DRAIN_MS (as @tus/server does), so a client resuming after a cut never
// waits on a connection that is dead but not yet closed. Limits and access are decided before
// (attachment-routes.ts); what each header and error means is tus-write-policy.ts.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { EXPOSED_HEADERS, TUS_RESUMABLE, type Locker } from '@tus/utils';
import type { Refusal } from './attachment-policy.js';
import { sendText } from './attachment-download.js';
import { BlobNotFound, currentUpload, type BlobStore, type CompletionCheck, type CreateUpload } from './blob-store.js';
import { bodyRefusal, carriesUploadBytes, contentLengthOf, decidePatchHeaders, offsetRefusal, refusalOf, tusVersionRefusal } from './tus-write-policy.js';

/** How long a write holding an upload's lock may go on once another request for that upload waits, ms (@tus/server's lockDrainTimeout). */
export const LOCK_DRAIN_MS = 3000;

/** Sent with every tus answer, as @tus/server sends them (no allowed origins configured: any). */
const TUS_HEADERS = {
  'Tus-Resumable': TUS_RESUMABLE,
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Expose-Headers': EXPOSED_HEADERS,
} as const;

export interface TusDirectWritesOptions {
  readonly store: BlobStore;
  /** The per-upload lock, shared with @tus/server's HEAD and DELETE. */
  readonly locker: Locker;
  /** Runs on the whole blob before it becomes readable (attachment-verification.ts). */
  readonly check?: CompletionCheck;
}

/** Answers tus creations and PATCHes of uploads in `options.store`. */
export class TusDirectWrites {
  constructor(private readonly options: TusDirectWritesOptions) {}

  /**
   * Answers a creation of `upload` (its limits and access already checked): 201 with `location`,
   * and `Upload-Offset` when the body carried bytes. A 0-byte upload is complete (and checked) at once.
   */
  async create(req: IncomingMessage, res: ServerResponse, upload: CreateUpload, location: string): Promise<void> {
    const version = tusVersionRefusal(req.headers);
    if (version) return answerRefusal(res, version);
    const withBytes = carriesUploadBytes(req.headers);
    const tooLong = withBytes ? bodyRefusal(0, contentLengthOf(req.headers), upload.length) : null;
    if (tooLong) return answerRefusal(res, tooLong);
    const { store, check } = this.options;
    let offset: number;
    try {
      offset = await this.#locked(upload.id, req, async () => {
        await store.create(upload);
        if (upload.length === 0) return store.append(upload.id, 0, [], check);
        return withBytes ? store.append(upload.id, 0, req, check) : 0;
      });
    } catch (error) {
      return failed(req, res, error);
    }
    res.writeHead(201, { ...TUS_HEADERS, Location: location, ...(withBytes ? { 'Upload-Offset': String(offset) } : {}), 'Content-Length': 0 });
    res.end();
  }

  /** Answers a PATCH of upload `id` (the caller's write access already checked): 204 with the new `Upload-Offset`. */
  async patch(req: IncomingMessage, res: ServerResponse, id: string): Promise<void> {
    const version = tusVersionRefusal(req.headers);
    if (version) return answerRefusal(res, version);
    const patch = decidePatchHeaders(req.headers);
    if ('status' in patch) return answerRefusal(res, patch);
    const { store, check } = this.options;
    let outcome: number | Refusal;
    try {
      outcome = await this.#locked(id, req, async () => {
        const upload = await currentUpload(store, id, check);
        if (!upload) throw new BlobNotFound(id);
        const refusal = offsetRefusal(patch.offset, upload) ?? bodyRefusal(patch.offset, patch.contentLength, upload.length);
        return refusal ?? store.append(id, patch.offset, req, check);
      });
    } catch (error) {
      return failed(req, res, error);
    }
    if (typeof outcome !== 'number') return answerRefusal(res, outcome);
    res.writeHead(204, { ...TUS_HEADERS, 'Upload-Offset': String(outcome) });
    res.end();
  }

  /** Runs `work` holding upload `id`'s lock; gives the lock up early (cutting `req`) when another request for the upload waits. */
  async #locked<T>(id: string, req: IncomingMessage, work: () => Promise<T>): Promise<T> {
    const lock = this.options.locker.newLock(id);
    // A client that went away stops waiting for the lock (its socket, not the request: a request
    // whose body was read is "closed" while its client still waits for the answer).
    const gone = new AbortController();
    const onGone = (): void => gone.abort();
    req.socket.once('close', onGone);
    let drain: NodeJS.Timeout | undefined;
    try {
      await lock.lock(gone.signal, () => {
        // Called again on every retry of the waiting request: one timer.
        drain ??= setTimeout(() => req.destroy(), LOCK_DRAIN_MS);
      });
    } catch (error) {
      req.socket.off('close', onGone);
      throw error;
    }
    try {
      return await work();
    } finally {
      clearTimeout(drain);
      req.socket.off('close', onGone);
      await lock.unlock();
    }
  }
}

/** Ends a write that threw: nothing when the client is gone (the bytes written stay, HEAD reports them), else the refusal the error carries. */
function failed(req: IncomingMessage, res: ServerResponse, error: unknown): void {
  if (req.destroyed && !req.complete) {
    res.destroy();
    return;
  }
  const refusal = refusalOf(error);
  if (refusal === null) throw error;
  // Left unread, a body would be drained before the connection serves its next request: close it instead.
  answerRefusal(res, refusal, !req.complete);
}

function answerRefusal(res: ServerResponse, refusal: Refusal, closing = false): void {
  sendText(res, refusal.status, refusal.message, {
    ...TUS_HEADERS,
    // A 412 names the versions this server speaks (tus 1.0: MUST).
    ...(refusal.status === 412 ? { 'Tus-Version': TUS_RESUMABLE } : {}),
    ...(closing ? { Connection: 'close' } : {}),
  });
}
