// @tus/server's DataStore over a BlobStore, for the requests @tus/server still answers: HEAD
// (where to resume) and DELETE (termination). Creations and PATCHes are answered on Node streams
// by tus-direct-writes.ts; this store refuses them should they ever reach it. It maps the store's
// typed errors to tus protocol errors and, on HEAD, completes an upload whose every byte arrived
// but whose completion check did not run.
import { DataStore, ERRORS, Upload } from '@tus/utils';
import { BlobNotFound, currentUpload, type BlobInfo, type BlobStore, type CompletionCheck } from './blob-store.js';

export interface TusBlobDataStoreOptions {
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
    // What OPTIONS announces; no creation-defer-length: the declared length is what size limits and quotas are checked on.
    this.extensions = ['creation', 'creation-with-upload', 'termination'];
  }

  override create(): Promise<Upload> {
    return Promise.reject(new Error('tus creations are answered by tus-direct-writes.ts'));
  }

  override write(): Promise<number> {
    return Promise.reject(new Error('tus PATCHes are answered by tus-direct-writes.ts'));
  }

  override async getUpload(id: string): Promise<Upload> {
    const info = await currentUpload(this.store, id, this.options.check).catch(mapError);
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
  if (error instanceof BlobNotFound) throw ERRORS.FILE_NOT_FOUND;
  throw error;
}
