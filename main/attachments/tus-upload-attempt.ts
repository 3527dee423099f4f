// One attempt at uploading one file with tus-js-client, ended as an UploadOutcome (never a throw).
// It resumes from the stored upload URL when there is one (HEAD → the server's offset), else from
// the record-scoped URL the server would create (a crash between the POST and storing its
// Location loses nothing); a file never tried before is created at once, its first chunk sent
// with the POST (creation-with-upload: no HEAD that can only answer 404). tus-js-client's own retries are off: the
// queue backs off (upload-queue-core.ts), so one policy decides.
// tus-js-client reads the file through our file reader: each chunk is a stream of the plaintext
// bytes it asks for (attachment-files.ts decrypts only the segments holding them), so an encrypted
// store sends the server the file itself and a resumed upload starts reading at its offset.
import type { Readable } from 'node:stream';
import * as tus from 'tus-js-client';
import type { UploadOutcome } from './upload-queue-core.js';

/** The bytes an upload sends: `size` bytes, any [start, end) of them as a stream. */
export interface UploadSource {
  readonly size: number;
  slice(start: number, end: number): Readable;
}

/** The outcome a failure of the source means (a damaged file), or null when it is the network's business. */
export type SourceFailure = (error: Error) => UploadOutcome | null;

/** What one attempt needs; byte counts in bytes, durations in ms. */
export interface UploadAttemptInput {
  /** The tus creation endpoint, e.g. `https://server/attachments`. */
  readonly endpoint: string;
  /** Where to resume: the stored tus URL, or the record-scoped blob URL; null creates the upload with its first chunk. */
  readonly uploadUrl: string | null;
  /** The file's plaintext bytes. */
  readonly source: UploadSource;
  /** What a read error of the source means: an outcome ends the attempt with it (default: none, the request fails as it will). */
  readonly sourceFailure?: SourceFailure;
  /** Upload-Metadata: model, recordId, field, sha256, contentType, filename. */
  readonly metadata: Readonly<Record<string, string>>;
  /** Headers for every request (e.g. `Authorization: Bearer …`), asked afresh per request. */
  readonly headers: () => Promise<Readonly<Record<string, string>>> | Readonly<Record<string, string>>;
  readonly chunkSize: number;
  /** No progress for this long ends the attempt as a timeout. */
  readonly stallTimeoutMs: number;
  /** The server acknowledged `offset` bytes at `url` (after each chunk and when resuming). */
  readonly onAcknowledged: (url: string, offset: number) => void;
  /** Bytes sent so far (acknowledged or not), for progress display. */
  readonly onProgress: (bytesSent: number) => void;
  /** Aborting ends the attempt as `aborted`, acknowledged bytes kept on the server. */
  readonly signal: AbortSignal;
}

/** Runs one attempt; resolves with how it ended. */
export function attemptTusUpload(input: UploadAttemptInput): Promise<UploadOutcome> {
  return new Promise((resolve) => {
    let settled = false;
    // Set when stopping starts: tus-js-client's abort() misses a request still in onBeforeRequest.
    let stopping = false;
    let stallTimer: NodeJS.Timeout | undefined;
    const finish = (outcome: UploadOutcome): void => {
      if (settled) return;
      settled = true;
      clearTimeout(stallTimer);
      input.signal.removeEventListener('abort', onAbort);
      resolve(outcome);
    };
    const stop = (outcome: UploadOutcome): void => {
      stopping = true;
      // abort(false): the upload stays on the server, to resume from its offset.
      upload.abort(false).then(
        () => finish(outcome),
        () => finish(outcome),
      );
    };
    const armStall = (): void => {
      clearTimeout(stallTimer);
      // tus-js-client may report progress once more after an abort; a finished attempt has no stall.
      if (settled) return;
      stallTimer = setTimeout(() => stop({ kind: 'timeout' }), input.stallTimeoutMs);
    };
    const onAbort = (): void => stop({ kind: 'aborted' });
    const source = input.source;
    const fileReader = {
      openFile: () =>
        Promise.resolve({
          size: source.size,
          slice: (start: number, end: number) => {
            const to = Math.min(end, source.size);
            const value = source.slice(start, to) as Readable & { size?: number };
            // The HTTP stack sends a stream's `size` as Content-Length.
            value.size = to - start;
            // A stream piped into the request does not fail it: a damaged file ends the attempt here.
            value.once('error', (error: Error) => {
              const outcome = input.sourceFailure?.(error) ?? null;
              if (outcome !== null) stop(outcome);
            });
            return Promise.resolve({ value, done: to >= source.size });
          },
          close: () => undefined,
        }),
    };
    // The first argument is only handed to fileReader.openFile, which reads `source` instead.
    const upload: tus.Upload = new tus.Upload(Buffer.alloc(0), {
      fileReader,
      endpoint: input.endpoint,
      ...(input.uploadUrl === null ? { uploadDataDuringCreation: true } : { uploadUrl: input.uploadUrl }),
      metadata: { ...input.metadata },
      chunkSize: input.chunkSize,
      retryDelays: null,
      storeFingerprintForResuming: false,
      removeFingerprintOnSuccess: false,
      onBeforeRequest: async (req) => {
        const headers = await input.headers();
        if (stopping || settled) throw new Error('upload attempt stopped');
        for (const [name, value] of Object.entries(headers)) req.setHeader(name, value);
      },
      onUploadUrlAvailable: () => {
        if (upload.url !== null) input.onAcknowledged(upload.url, 0);
      },
      onProgress: (bytesSent) => {
        armStall();
        input.onProgress(bytesSent);
      },
      onChunkComplete: (_chunk, bytesAccepted) => {
        armStall();
        if (upload.url !== null) input.onAcknowledged(upload.url, bytesAccepted);
      },
      onSuccess: () => finish({ kind: 'uploaded' }),
      onError: (error) => finish(outcomeOf(error)),
    });
    if (input.signal.aborted) return finish({ kind: 'aborted' });
    input.signal.addEventListener('abort', onAbort);
    armStall();
    upload.start();
  });
}

/** What a tus-js-client error means for the queue. */
function outcomeOf(error: Error | tus.DetailedError): UploadOutcome {
  const response = error instanceof tus.DetailedError ? error.originalResponse : null;
  if (response !== null) return { kind: 'http', status: response.getStatus(), body: response.getBody() };
  const cause = error instanceof tus.DetailedError ? error.causingError : null;
  return { kind: 'network', message: cause?.message ?? error.message };
}
