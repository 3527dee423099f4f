// @tus/server's DataStore over a BlobStore, so one tus server runs over the disk or the
// PostgreSQL store alike. It maps the store's typed errors to tus protocol errors and runs the
// completion check it was given when an upload's last byte arrives.
import type { Readable } from 'node:stream';
import { DataStore, ERRORS, Upload } from '@tus/utils';
import { BlobNotFound, LengthExceeded, OffsetMismatch, UploadExists, type BlobInfo, type BlobStore, type CompletionCheck } from './blob-store.js';

export interface TusBlobDataStoreOptions {
  /** Whose quota a new upload counts against; undefined refuses the creation. */
  readonly ownerOf: (uploadId: string) => string | undefined;
  /** Runs over the whole blob before it becomes readable; throw a `{ status_code, body }` error to refuse it. */
  readonly check?: CompletionCheck;
}

/** A tus protocol error as @tus/server sends it: status and plain-text body. */
export class TusError extends Error {
  constructor(
    readonly status_code: number,
    readonly body: string,
  ) {
    super(body.trim());
  }
}

export class TusBlobDataStore extends DataStore {
  constructor(
    private readonly store: BlobStore,
    private readonly options: TusBlobDataStoreOptions,
  ) {
    super();
    // No creation-defer-length: the declared length is what size limits and quotas are checked on.
    this.extensions = ['creation', 'creation-with-upload', 'termination'];
  }

  override async create(upload: Upload): Promise<Upload> {
    const owner = this.options.ownerOf(upload.id);
    if (upload.size === undefined) throw ERRORS.INVALID_LENGTH;
    if (owner === undefined) throw new TusError(401, 'An upload is created only by an authenticated caller\n');
    const metadata = Object.fromEntries(Object.entries(upload.metadata ?? {}).filter((entry): entry is [string, string] => entry[1] !== null));
    const info = await this.store.create({ id: upload.id, length: upload.size, owner, metadata }).catch(mapError);
    // A 0-byte file gets no PATCH: it is complete (and checked) now.
    if (upload.size === 0) await this.store.append(upload.id, 0, [], this.options.check).catch(mapError);
    upload.creation_date = info.createdAt.toISOString();
    return upload;
  }

  override async write(stream: Readable, id: string, offset: number): Promise<number> {
    return this.store.append(id, offset, stream, this.options.check).catch(mapError);
  }

  override async getUpload(id: string): Promise<Upload> {
    let info = await this.store.info(id);
    // Every byte arrived but completion did not run (the process stopped in between): finish it now.
    if (info && !info.complete && info.offset === info.length) {
      await this.store.append(id, info.offset, [], this.options.check).catch(mapError);
      info = await this.store.info(id);
    }
    if (!info) throw ERRORS.FILE_NOT_FOUND;
    return toUpload(info);
  }

  override async remove(id: string): Promise<void> {
    await this.store.delete(id);
  }
}

function toUpload(info: BlobInfo): Upload {
  return new Upload({ id: info.id, size: info.length, offset: info.offset, metadata: { ...info.metadata }, creation_date: info.createdAt.toISOString() });
}

function mapError(error: unknown): never {
  if (error instanceof OffsetMismatch) throw ERRORS.INVALID_OFFSET;
  if (error instanceof BlobNotFound) throw ERRORS.FILE_NOT_FOUND;
  if (error instanceof LengthExceeded) throw ERRORS.ERR_SIZE_EXCEEDED;
  if (error instanceof UploadExists)
    throw new TusError(409, 'An upload of this file for this record already exists; resume it with HEAD and PATCH on its URL\n');
  throw error;
}
