// The `/attachments` endpoint: tus 1.0 resumable uploads (creation, creation-with-upload,
// termination) over a BlobStore, and downloads of completed blobs. Access follows the owning
// record, decided by the injected `mayAccess`; this file only routes, applies the decisions of
// attachment-policy.ts and hands the request on: creations and PATCHes (the bytes) to
// tus-direct-writes.ts on Node streams, HEAD, OPTIONS and DELETE to @tus/server, downloads to
// attachment-download.ts.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { MemoryLocker, Server } from '@tus/server';
import { Metadata, TUS_RESUMABLE } from '@tus/utils';
import { blobIdOf, parseBlobId, parseDeclaration, type AttachmentDeclaration, type AttachmentTarget } from './attachment-metadata.js';
import { sendAttachment, sendText } from './attachment-download.js';
import { decideAccess, decideSize, isUnder, routeOf, type Access, type AttachmentLimits, type Refusal } from './attachment-policy.js';
import { verifyAttachment } from './attachment-verification.js';
import type { BlobStore } from './blob-store.js';
import { TusBlobDataStore } from './tus-blob-datastore.js';
import { TusDirectWrites } from './tus-direct-writes.js';
import { uploadLengthOf } from './tus-write-policy.js';

export interface AttachmentRoutesOptions<Caller> {
  readonly store: BlobStore;
  /** Who is calling; null answers 401. */
  readonly authenticate: (req: IncomingMessage) => Caller | null | Promise<Caller | null>;
  /** The key a caller's bytes are counted under for the per-user limit (e.g. the user's `sub`). */
  readonly quotaKeyOf: (caller: Caller) => string;
  /** Whether `caller` may read / write the record `target`. */
  readonly mayAccess: (caller: Caller, target: AttachmentTarget, access: Access) => Promise<boolean>;
  readonly limits: AttachmentLimits;
  /** Whether `model.field` holds attachments (from the schema); default: any field is accepted. */
  readonly isAttachmentField?: (model: string, field: string) => boolean;
  /** URL path the endpoint answers below; default `/attachments`. */
  readonly prefix?: string;
}

export interface AttachmentRoutes {
  readonly prefix: string;
  /** True when `url` (a request's path and query) belongs to this endpoint. */
  matches(url: string): boolean;
  /** Answers one request below the prefix, from start to end. */
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
}

/** Builds the attachment endpoint over `options.store`. */
export function createAttachmentRoutes<Caller>(options: AttachmentRoutesOptions<Caller>): AttachmentRoutes {
  const prefix = options.prefix ?? '/attachments';
  // One lock per upload for tus's HEAD and DELETE and our writes alike.
  const locker = new MemoryLocker();
  const tus = new Server({
    path: prefix,
    datastore: new TusBlobDataStore(options.store, { check: verifyAttachment }),
    locker,
    // A finished attachment may be referenced by records; only retention cleanup removes it.
    disableTerminationForFinishedUploads: true,
    // Announced by OPTIONS as Tus-Max-Size; creations are checked in create() below.
    maxSize: options.limits.maxFileBytes,
    getFileIdFromRequest: (req) => parseBlobId(new URL(req.url).pathname.slice(prefix.length + 1))?.id,
  });
  const writes = new TusDirectWrites({ store: options.store, locker, check: verifyAttachment });
  const context: RouteContext<Caller> = { options, prefix, tus, writes };
  return {
    prefix,
    matches: (url) => isUnder(pathnameOf(url), prefix),
    handle: async (req, res) => {
      try {
        await route(context, req, res);
      } catch (error) {
        if (!res.headersSent) sendText(res, 500, `attachment request failed: ${String(error)}`);
        else res.destroy();
      }
    },
  };
}

interface RouteContext<Caller> {
  readonly options: AttachmentRoutesOptions<Caller>;
  readonly prefix: string;
  readonly tus: Server;
  readonly writes: TusDirectWrites;
}

async function route<Caller>(context: RouteContext<Caller>, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const routed = routeOf(req.method ?? 'GET', pathnameOf(req.url ?? '/'), context.prefix);
  if (routed.kind === 'preflight') return context.tus.handle(req, res);
  if (routed.kind === 'not-found') return refuse(res, { status: 404, message: 'no such attachment' });
  const caller = await context.options.authenticate(req);
  if (caller === null) return refuse(res, { status: 401, message: 'sign in to upload or download attachments' });
  if (routed.kind === 'create') return create(context, caller, req, res);
  const refusal = await accessRefusal(context.options, caller, routed.target, routed.kind === 'download' ? 'read' : routed.need);
  if (refusal) return refuse(res, refusal);
  if (routed.kind === 'download') return sendAttachment(context.options.store, routed.id, req, res);
  if (req.method === 'PATCH') return context.writes.patch(req, res, routed.id);
  return context.tus.handle(req, res);
}

async function create<Caller>(context: RouteContext<Caller>, caller: Caller, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const parsed = declarationOf(req);
  if ('status' in parsed) return refuse(res, parsed);
  const { declared, metadata } = parsed;
  if (context.options.isAttachmentField && !context.options.isAttachmentField(declared.model, declared.field)) {
    return refuse(res, { status: 400, message: `${declared.model}.${declared.field} is not an attachment field` });
  }
  const refusal = await accessRefusal(context.options, caller, declared, 'write');
  if (refusal) return refuse(res, refusal);
  const length = uploadLengthOf(req.headers);
  if (length === null) {
    return refuse(res, { status: 400, message: 'Upload-Length is required: the file size in bytes as a whole number (a deferred length is not supported)' });
  }
  const owner = context.options.quotaKeyOf(caller);
  const sizeRefusal = decideSize(length, await context.options.store.bytesOwnedBy(owner), context.options.limits);
  if (sizeRefusal) return refuse(res, sizeRefusal);
  const id = blobIdOf(declared, declared.sha256);
  return context.writes.create(req, res, { id, length, owner, metadata }, `${context.prefix}/${id}`);
}

/** The declared attachment and every Upload-Metadata pair that has a value (kept with the blob). */
interface Creation {
  readonly declared: AttachmentDeclaration;
  readonly metadata: Readonly<Record<string, string>>;
}

function declarationOf(req: IncomingMessage): Creation | Refusal {
  const header = req.headers['upload-metadata'];
  let metadata: Record<string, string | null>;
  try {
    metadata = Metadata.parse(Array.isArray(header) ? header.join(',') : header);
  } catch {
    return { status: 400, message: 'Upload-Metadata is not valid tus metadata (comma-separated "key base64value" pairs)' };
  }
  const declared = parseDeclaration(metadata);
  if (!declared.ok) return { status: 400, message: declared.reason };
  return { declared: declared.value, metadata: Object.fromEntries(Object.entries(metadata).filter((entry): entry is [string, string] => entry[1] !== null)) };
}

async function accessRefusal<Caller>(
  options: AttachmentRoutesOptions<Caller>,
  caller: Caller,
  target: AttachmentTarget,
  need: Access,
): Promise<Refusal | null> {
  if (await options.mayAccess(caller, target, need)) return null;
  // Reading is asked only when writing was refused: it decides between 403 and 404.
  const read = need === 'write' && (await options.mayAccess(caller, target, 'read'));
  return decideAccess(need, { read, write: false });
}

function refuse(res: ServerResponse, refusal: Refusal): void {
  sendText(res, refusal.status, refusal.message, { 'Tus-Resumable': TUS_RESUMABLE });
}

function pathnameOf(url: string): string {
  return new URL(url, 'http://localhost').pathname;
}
