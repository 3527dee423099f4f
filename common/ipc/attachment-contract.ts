// The attachment part of the IPC contract (DESIGN.md "Attachments", issue 13), spread into
// `requests` and `events` of contract.ts. Files cross IPC in base64 chunks of at most 1 MiB (the
// browser host caps a message at 4 MiB; Electron's structured clone would take bytes, the WebSocket
// bridge would not), so the same calls work in Electron and in the browser fallback:
// - adding: `attachmentStageBegin` → `attachmentStageChunk`… → `attachmentStageEnd` answers a
//   staged file `{ key: '', sha256, size, contentType, name }`. The form puts it in an attachment
//   field; `save` gives it its key (`<model>/<recordId>/<sha256>`) and queues its upload in the
//   same transaction as the record. A staged file no saved record references is removed later.
// - viewing: `attachmentFetch` makes the file present on this device (downloading it on first view,
//   with the record's access) and answers its size; `attachmentRead` answers it chunk by chunk
//   (the renderer shows it from a `blob:` URL). Thumbnails are made by the renderer (a canvas),
//   kept by `attachmentThumbnailPut` and read back with `attachmentRead { thumbnail: true }`.
import { z } from 'zod';

/** Most bytes one chunk carries (1 MiB), as base64 at most this many characters. */
export const ATTACHMENT_CHUNK_BYTES = 1024 * 1024;
const CHUNK_BASE64_CHARS = Math.ceil(ATTACHMENT_CHUNK_BYTES / 3) * 4;
/** The `errorType` of a review item for a file the server refused for good (keepMine retries the upload, keepTheirs keeps it on this device only). */
export const ATTACHMENT_REFUSED = 'AttachmentRefused';
/** Largest thumbnail kept (bytes). */
export const MAX_THUMBNAIL_BYTES = 256 * 1024;

const base64 = (maxChars: number) =>
  z
    .string()
    .max(maxChars, { error: `at most ${maxChars} base64 characters per chunk` })
    .regex(/^[A-Za-z0-9+/]*={0,2}$/, { error: 'must be base64' });
const sha256 = z.string().regex(/^[0-9a-f]{64}$/, { error: 'must be a sha-256: 64 lower-case hex digits' });
const mimeType = z
  .string()
  .max(200)
  .regex(/^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/i, { error: 'must be a MIME type such as image/jpeg' });
const attachmentKey = z.string().min(1).max(2048);
const stageId = z.string().min(1).max(100);

/** A file added on this device, as `attachmentStageEnd` answers it: an attachment reference without its key yet. */
export const stagedFileShape = z.object({
  key: z.literal(''),
  sha256,
  /** Bytes. */
  size: z.number().int().nonnegative(),
  contentType: z.string(),
  name: z.string().nullable(),
});

/** One file's place in the upload queue (bytes). */
export const attachmentStateShape = z.object({
  key: z.string(),
  sha256: z.string(),
  model: z.string(),
  recordId: z.string(),
  field: z.string(),
  name: z.string().nullable(),
  contentType: z.string(),
  /** `failed` files stay on this device until uploaded or the record is discarded; `reason` says why. */
  state: z.enum(['queued', 'uploading', 'done', 'failed']),
  bytesSent: z.number().int().nonnegative(),
  bytesTotal: z.number().int().nonnegative(),
  reason: z.string().optional(),
});

/** The queue as the sync bar shows it. */
export const attachmentQueueShape = z.object({
  /** Bytes of files still to upload (queued, uploading or backing off; failed ones not counted). */
  bytesWaiting: z.number().int().nonnegative(),
  /** Files still to upload. */
  waiting: z.number().int().nonnegative(),
  /** Files the server refused for good (each also a review item). */
  failed: z.number().int().nonnegative(),
  paused: z.boolean(),
  /** False when the profile's server has no upload endpoint (AppSync, or an Outpost server without attachments): files stay on this device. */
  uploadsAvailable: z.boolean(),
});

const cacheMessage = 'a whole number of MiB from 16 to 1,048,576';

/** The profile's attachment settings. */
export const attachmentSettingsShape = z.object({
  /** Pauses uploads (e.g. on a metered link); records keep syncing. */
  uploadsPaused: z.boolean(),
  /** Downloads the files of records synced to this device ahead of their first view. */
  prefetch: z.boolean(),
  /** Most MiB of attachment files kept on this device; past it, uploaded files go least recently viewed first (files not uploaded yet count but never go). */
  cacheLimitMiB: z.number({ error: cacheMessage }).int({ error: cacheMessage }).min(16, { error: cacheMessage }).max(1_048_576, { error: cacheMessage }),
});

/** The attachment request channels, spread into `requests`. */
export const attachmentRequests = {
  /** Starts adding a file; chunks follow. */
  attachmentStageBegin: {
    request: z.object({ name: z.string().min(1).max(255), contentType: mimeType }).strict(),
    response: z.object({ stageId: z.string() }),
  },
  /** Appends one chunk (in order); answers the bytes received so far. */
  attachmentStageChunk: {
    request: z.object({ stageId, data: base64(CHUNK_BASE64_CHARS) }).strict(),
    response: z.object({ received: z.number().int().nonnegative() }),
  },
  /** Finishes adding: the file is in the profile's store, content-addressed. */
  attachmentStageEnd: { request: z.object({ stageId }).strict(), response: stagedFileShape },
  attachmentStageCancel: { request: z.object({ stageId }).strict(), response: z.object({ removed: z.boolean() }) },
  /** Makes the file present here (downloads it when needed; refused when this user may not read it, or offline and absent). */
  attachmentFetch: {
    request: z.object({ key: attachmentKey, sha256 }).strict(),
    response: z.object({ size: z.number().int().nonnegative(), hasThumbnail: z.boolean() }),
  },
  /** Bytes `offset`… of a present file (at most 1 MiB, default that), or of its thumbnail. */
  attachmentRead: {
    request: z
      .object({
        sha256,
        offset: z.number().int().nonnegative().optional(),
        length: z.number().int().min(1).max(ATTACHMENT_CHUNK_BYTES).optional(),
        thumbnail: z.boolean().optional(),
      })
      .strict(),
    response: z.object({ data: z.string(), size: z.number().int().nonnegative() }),
  },
  /** Keeps the thumbnail the renderer made of an image that is present here. */
  attachmentThumbnailPut: {
    request: z
      .object({ sha256, contentType: z.enum(['image/webp', 'image/jpeg', 'image/png']), data: base64(Math.ceil(MAX_THUMBNAIL_BYTES / 3) * 4) })
      .strict(),
    response: z.object({ stored: z.boolean() }),
  },
  /** Every file not uploaded yet and those uploaded or refused recently, queue order. */
  attachmentStates: { request: z.object({}).strict(), response: z.object({ files: z.array(attachmentStateShape), queue: attachmentQueueShape }) },
  /** Puts a failed upload back in the queue. */
  attachmentRetry: { request: z.object({ key: attachmentKey }).strict(), response: attachmentStateShape },
  attachmentSettings: { request: z.object({}).strict(), response: attachmentSettingsShape },
  setAttachmentSettings: { request: attachmentSettingsShape.strict(), response: attachmentSettingsShape },
} as const;

/** The attachment events, spread into `events`. */
export const attachmentEvents = {
  /** One file's upload state changed (progress at most a few times a second). */
  attachmentState: attachmentStateShape,
  /** The queue's totals changed. */
  attachmentQueue: attachmentQueueShape,
} as const;

export type StagedFile = z.infer<typeof stagedFileShape>;
export type AttachmentState = z.infer<typeof attachmentStateShape>;
export type AttachmentQueue = z.infer<typeof attachmentQueueShape>;
export type AttachmentSettings = z.infer<typeof attachmentSettingsShape>;
