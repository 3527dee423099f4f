// The attachment queue and cache state in the profile's `outpost.db`, one row per file a record
// references (DESIGN.md "Attachments"). Durable so that an upload resumes from its tus URL after a
// restart and the cache knows what it may evict. Every function here is synchronous over
// better-sqlite3, so `stageUpload` joins the caller's transaction (the record save's): the record,
// its reference and its queue row commit together. The files themselves are in attachment-files.ts.
import type Database from 'better-sqlite3';
import type { AttachmentRef } from '../../common/schema/attachment-ref.js';
import type { AttachmentEntry, AttachmentRecord, UploadState } from './upload-queue-core.js';

export const ATTACHMENTS_TABLE = '_outpost_attachments';

/** DDL creating the table (idempotent). `seq` keeps queue order (oldest first). */
export const ATTACHMENTS_DDL = `
CREATE TABLE IF NOT EXISTS "${ATTACHMENTS_TABLE}" (
  "seq" INTEGER PRIMARY KEY AUTOINCREMENT,
  "key" TEXT NOT NULL UNIQUE,
  "model" TEXT NOT NULL,
  "recordId" TEXT NOT NULL,
  "field" TEXT NOT NULL,
  "sha256" TEXT NOT NULL,
  "size" INTEGER NOT NULL,
  "contentType" TEXT NOT NULL,
  "name" TEXT,
  "state" TEXT NOT NULL CHECK ("state" IN ('queued', 'uploading', 'done', 'failed')),
  "bytesAcked" INTEGER NOT NULL DEFAULT 0,
  "uploadUrl" TEXT,
  "attempts" INTEGER NOT NULL DEFAULT 0,
  "nextAttemptAt" INTEGER NOT NULL DEFAULT 0,
  "failureReason" TEXT,
  "localOnly" INTEGER NOT NULL CHECK ("localOnly" IN (0, 1)),
  "present" INTEGER NOT NULL CHECK ("present" IN (0, 1)),
  "lastAccessAt" INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS "${ATTACHMENTS_TABLE}_sha256" ON "${ATTACHMENTS_TABLE}" ("sha256");
CREATE INDEX IF NOT EXISTS "${ATTACHMENTS_TABLE}_record" ON "${ATTACHMENTS_TABLE}" ("model", "recordId");
`;

/** Creates the table and its indexes when missing. */
export function createAttachmentTables(db: Database.Database): void {
  db.exec(ATTACHMENTS_DDL);
}

interface Row {
  key: string;
  model: string;
  recordId: string;
  field: string;
  sha256: string;
  size: number;
  contentType: string;
  name: string | null;
  state: UploadState;
  bytesAcked: number;
  uploadUrl: string | null;
  attempts: number;
  nextAttemptAt: number;
  failureReason: string | null;
  localOnly: number;
  present: number;
  lastAccessAt: number;
}

function entryOf(row: Row): AttachmentEntry {
  return { ...row, localOnly: row.localOnly === 1, present: row.present === 1 };
}

/**
 * Queues `ref` (whose file is already in the file store) for upload as `record`'s attachment, at
 * `now` (ms). Run it inside the record save's transaction. The same key twice is one row.
 */
export function stageUpload(db: Database.Database, ref: AttachmentRef, record: AttachmentRecord, now = Date.now()): void {
  db.prepare(
    `INSERT INTO "${ATTACHMENTS_TABLE}" ("key", "model", "recordId", "field", "sha256", "size", "contentType", "name", "state", "localOnly", "present", "lastAccessAt")
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'queued', 1, 1, ?) ON CONFLICT ("key") DO NOTHING`,
  ).run(ref.key, record.model, record.recordId, record.field, ref.sha256, ref.size, ref.contentType, ref.name, now);
}

/** Records `ref` of someone else's (synced) record as known here; `present` once its file is downloaded. */
export function noteRemoteAttachment(db: Database.Database, ref: AttachmentRef, record: AttachmentRecord, present: boolean, now = Date.now()): void {
  db.prepare(
    `INSERT INTO "${ATTACHMENTS_TABLE}" ("key", "model", "recordId", "field", "sha256", "size", "contentType", "name", "state", "localOnly", "present", "lastAccessAt")
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'done', 0, ?, ?)
     ON CONFLICT ("key") DO UPDATE SET "present" = MAX("present", excluded."present"), "lastAccessAt" = excluded."lastAccessAt"`,
  ).run(ref.key, record.model, record.recordId, record.field, ref.sha256, ref.size, ref.contentType, ref.name, present ? 1 : 0, now);
}

/** Every entry, queue order (oldest first). */
export function loadEntries(db: Database.Database): AttachmentEntry[] {
  return (db.prepare(`SELECT * FROM "${ATTACHMENTS_TABLE}" ORDER BY "seq"`).all() as Row[]).map(entryOf);
}

/** The entry of `key`, or null. */
export function loadEntry(db: Database.Database, key: string): AttachmentEntry | null {
  const row = db.prepare(`SELECT * FROM "${ATTACHMENTS_TABLE}" WHERE "key" = ?`).get(key) as Row | undefined;
  return row === undefined ? null : entryOf(row);
}

/** Marks `key` as uploading (its URL kept when known). */
export function markUploading(db: Database.Database, key: string): void {
  db.prepare(`UPDATE "${ATTACHMENTS_TABLE}" SET "state" = 'uploading' WHERE "key" = ?`).run(key);
}

/** Stores the tus URL and the bytes the server acknowledged, as they become known. */
export function saveProgress(db: Database.Database, key: string, uploadUrl: string | null, bytesAcked: number): void {
  db.prepare(`UPDATE "${ATTACHMENTS_TABLE}" SET "uploadUrl" = COALESCE(?, "uploadUrl"), "bytesAcked" = MAX("bytesAcked", ?) WHERE "key" = ?`).run(
    uploadUrl,
    bytesAcked,
    key,
  );
}

/** The upload finished: the file is on the server now (evictable). */
export function markDone(db: Database.Database, key: string): void {
  db.prepare(`UPDATE "${ATTACHMENTS_TABLE}" SET "state" = 'done', "localOnly" = 0, "bytesAcked" = "size", "failureReason" = NULL WHERE "key" = ?`).run(key);
}

/** Back to the queue, not before `nextAttemptAt` (ms); `reason` of the last failure (null after a pause). */
export function markQueued(db: Database.Database, key: string, attempts: number, nextAttemptAt: number, reason: string | null): void {
  db.prepare(
    `UPDATE "${ATTACHMENTS_TABLE}" SET "state" = 'queued', "attempts" = ?, "nextAttemptAt" = ?, "failureReason" = COALESCE(?, "failureReason") WHERE "key" = ?`,
  ).run(attempts, nextAttemptAt, reason, key);
}

/** Refused for good with the server's `reason`; the file stays (it is still local-only). */
export function markFailed(db: Database.Database, key: string, reason: string): void {
  db.prepare(`UPDATE "${ATTACHMENTS_TABLE}" SET "state" = 'failed', "failureReason" = ? WHERE "key" = ?`).run(reason, key);
}

/** Puts a failed entry back in the queue from its first attempt (e.g. after the user fixed the cause). */
export function requeue(db: Database.Database, key: string): void {
  db.prepare(
    `UPDATE "${ATTACHMENTS_TABLE}" SET "state" = 'queued', "attempts" = 0, "nextAttemptAt" = 0, "failureReason" = NULL WHERE "key" = ? AND "localOnly" = 1`,
  ).run(key);
}

/** Notes a view of the file of `sha256` at `now` (ms), for LRU eviction. */
export function touchFile(db: Database.Database, sha256: string, now = Date.now()): void {
  db.prepare(`UPDATE "${ATTACHMENTS_TABLE}" SET "lastAccessAt" = ? WHERE "sha256" = ?`).run(now, sha256);
}

/** Marks the file of `sha256` present (downloaded) or absent (evicted) for every entry holding it. */
export function markPresent(db: Database.Database, sha256: string, present: boolean): void {
  db.prepare(`UPDATE "${ATTACHMENTS_TABLE}" SET "present" = ? WHERE "sha256" = ?`).run(present ? 1 : 0, sha256);
}

/** True when an entry not yet uploaded holds the file of `sha256` (it must not be evicted). */
export function isHeldUnuploaded(db: Database.Database, sha256: string): boolean {
  return db.prepare(`SELECT 1 FROM "${ATTACHMENTS_TABLE}" WHERE "sha256" = ? AND "localOnly" = 1 LIMIT 1`).get(sha256) !== undefined;
}

/** Files not yet uploaded (queued, uploading or failed), for the sign-out / clear() guard: how many and their bytes. */
export function unuploadedFiles(db: Database.Database): { readonly count: number; readonly bytes: number } {
  const row = db.prepare(`SELECT COUNT(*) AS "count", COALESCE(SUM("size"), 0) AS "bytes" FROM "${ATTACHMENTS_TABLE}" WHERE "localOnly" = 1`).get() as {
    count: number;
    bytes: number;
  };
  return { count: row.count, bytes: row.bytes };
}
