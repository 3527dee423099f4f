// Others' files download on first view (DESIGN.md "Attachments"): GET the record-scoped blob URL,
// stream the body into the file store while hashing, keep it only when it hashes to the
// reference's sha-256, and note it in the table as present (synced, so evictable).
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type Database from 'better-sqlite3';
import type { AttachmentRef } from '../../common/schema/attachment-ref.js';
import type { AttachmentFiles } from './attachment-files.js';
import { markPresent, noteRemoteAttachment, touchFile } from './attachment-tables.js';
import type { AttachmentRecord } from './upload-queue-core.js';

/** The server would not give the file; `status` 404 also means "you may not read it". */
export class AttachmentDownloadRefused extends Error {
  constructor(
    readonly status: number,
    readonly reason: string,
  ) {
    super(`download refused (${status}): ${reason}`);
    this.name = 'AttachmentDownloadRefused';
  }
}

export interface DownloadContext {
  readonly db: Database.Database;
  readonly files: AttachmentFiles;
  /** The attachment endpoint, e.g. `https://server/attachments`. */
  readonly endpoint: string;
  /** Headers for the request (the bearer token). */
  readonly headers: () => Promise<Readonly<Record<string, string>>> | Readonly<Record<string, string>>;
  /** ms since the epoch; default Date.now. */
  readonly now?: () => number;
}

/**
 * The local path of `ref`'s file, downloading it first when it is not here; throws
 * AttachmentDownloadRefused on a refusal and AttachmentHashMismatch (nothing kept) on wrong bytes.
 */
export async function openAttachment(context: DownloadContext, ref: AttachmentRef, record: AttachmentRecord): Promise<string> {
  const now = (context.now ?? Date.now)();
  if (await context.files.exists(ref.sha256)) {
    noteRemoteAttachment(context.db, ref, record, true, now);
    touchFile(context.db, ref.sha256, now);
    return context.files.pathOf(ref.sha256);
  }
  const response = await fetch(`${context.endpoint.replace(/\/+$/, '')}/${ref.key}`, { headers: { ...(await context.headers()) } });
  if (!response.ok || response.body === null) throw new AttachmentDownloadRefused(response.status, (await response.text()).trim());
  await context.files.add(Readable.fromWeb(response.body as WebReadableStream<Uint8Array>), ref.sha256);
  noteRemoteAttachment(context.db, ref, record, true, now);
  markPresent(context.db, ref.sha256, true);
  touchFile(context.db, ref.sha256, now);
  return context.files.pathOf(ref.sha256);
}
