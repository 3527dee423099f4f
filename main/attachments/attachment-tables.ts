// The attachment queue and cache state in the profile's `outpost.db`, one row per file a record
// references (DESIGN.md "Attachments"). Durable so that an upload resumes from its tus URL after a
// restart and the cache knows what it may evict. Every function here is synchronous over
// better-sqlite3, so `stageUpload` joins the caller's transaction (the record save's): the record,
// its reference and its queue row commit together. The files themselves are in attachment-files.ts.
// The datastore creates the table with its own (main/datastore/migrate.ts), in older files too.
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
  "lastAccessAt" INTEGER NOT NULL,
  "uploadedAt" INTEGER,
  "reviewId" INTEGER
);
CREATE INDEX IF NOT EXISTS "${ATTACHMENTS_TABLE}_sha256" ON "${ATTACHMENTS_TABLE}" ("sha256");
CREATE INDEX IF NOT EXISTS "${ATTACHMENTS_TABLE}_record" ON "${ATTACHMENTS_TABLE}" ("model", "recordId");
`;

/**
 * Columns added after the table's first form, for files that have that form: `uploadedAt` (ms,
 * when this device's upload finished, for the queue's "recently uploaded"), `reviewId` (the open
 * review item of an upload refused for good, so one refusal is one item).
 */
const ADDED_COLUMNS = [
  { name: 'uploadedAt', type: 'INTEGER' },
  { name: 'reviewId', type: 'INTEGER' },
] as const;

/** Creates the table and its indexes when missing, and adds the columns an older table lacks. */
export function createAttachmentTables(db: Database.Database): void {
  db.exec(ATTACHMENTS_DDL);
  const present = new Set((db.prepare(`PRAGMA table_info("${ATTACHMENTS_TABLE}")`).all() as Array<{ name: string }>).map((c) => c.name));
  for (const column of ADDED_COLUMNS) {
    if (!present.has(column.name)) db.exec(`ALTER TABLE "${ATTACHMENTS_TABLE}" ADD COLUMN "${column.name}" ${column.type}`);
  }
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
  uploadedAt?: number | null;
  reviewId?: number | null;
}

function entryOf(row: Row): AttachmentEntry {
  const { uploadedAt: _uploadedAt, reviewId: _reviewId, ...entry } = row;
  return { ...entry, localOnly: row.localOnly === 1, present: row.present === 1 };
}

/**
 * Queues `ref` (whose file is already in the file store) for upload as `record`'s attachment, at
 * `now` (ms). Run it inside the record save's transaction. The same key twice is one row; answers
 * whether a row was added.
 */
export function stageUpload(db: Database.Database, ref: AttachmentRef, record: AttachmentRecord, now = Date.now()): boolean {
  const { changes } = db
    .prepare(
      `INSERT INTO "${ATTACHMENTS_TABLE}" ("key", "model", "recordId", "field", "sha256", "size", "contentType", "name", "state", "localOnly", "present", "lastAccessAt")
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'queued', 1, 1, ?) ON CONFLICT ("key") DO NOTHING`,
    )
    .run(ref.key, record.model, record.recordId, record.field, ref.sha256, ref.size, ref.contentType, ref.name, now);
  return changes > 0;
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

const PENDING = `"localOnly" = 1 AND "state" IN ('queued', 'uploading')`;

/** The entries still to upload (queued or uploading), queue order: all the queue's decisions look at; the table's other rows are not read. */
export function loadPendingEntries(db: Database.Database): AttachmentEntry[] {
  return (db.prepare(`SELECT * FROM "${ATTACHMENTS_TABLE}" WHERE ${PENDING} ORDER BY "seq"`).all() as Row[]).map(entryOf);
}

/** Entries still to upload whose backoff is over at `now` (ms), queue order, `limit` of them after skipping `skip`: the queue reads as few as it starts. */
export function loadDueEntries(db: Database.Database, now: number, limit: number, skip: number): AttachmentEntry[] {
  return (
    db.prepare(`SELECT * FROM "${ATTACHMENTS_TABLE}" WHERE ${PENDING} AND "nextAttemptAt" <= ? ORDER BY "seq" LIMIT ? OFFSET ?`).all(now, limit, skip) as Row[]
  ).map(entryOf);
}

/** Entries still to upload that wait on their backoff at `now` (ms): the only ones the next timer depends on. */
export function loadBackingOffEntries(db: Database.Database, now: number): AttachmentEntry[] {
  return (db.prepare(`SELECT * FROM "${ATTACHMENTS_TABLE}" WHERE ${PENDING} AND "nextAttemptAt" > ? ORDER BY "seq"`).all(now) as Row[]).map(entryOf);
}

/** Bytes not yet acknowledged of the entries still to upload (upload-queue-core.ts bytesWaiting, summed in SQLite). */
export function bytesWaitingIn(db: Database.Database): number {
  const row = db.prepare(`SELECT COALESCE(SUM("size" - "bytesAcked"), 0) AS "bytes" FROM "${ATTACHMENTS_TABLE}" WHERE ${PENDING}`).get() as { bytes: number };
  return row.bytes;
}

/** The entry of `key`, or null. */
export function loadEntry(db: Database.Database, key: string): AttachmentEntry | null {
  const row = db.prepare(`SELECT * FROM "${ATTACHMENTS_TABLE}" WHERE "key" = ?`).get(key) as Row | undefined;
  return row === undefined ? null : entryOf(row);
}

/** Marks `key` as uploading (its URL kept when known). */
export function markUploading(db: Database.Database, key: string): void {
  withoutSync(db, () => db.prepare(`UPDATE "${ATTACHMENTS_TABLE}" SET "state" = 'uploading' WHERE "key" = ?`).run(key));
}

/**
 * Runs `write` as its own commit that does not wait for the disk when the connection is FULL (or
 * EXTRA): for the queue's progress marks, which an app crash never undoes (the commit is in the WAL)
 * and a power loss may undo without harm — a lost `uploading` makes the next try create the upload
 * again, which the server answers 409 and the runner resumes at once (upload-runner.ts); a lost
 * `done` or offset is found again by a HEAD. WAL commits are ordered, so the next FULL commit (e.g.
 * the eviction's markPresent, before a file is removed) makes this one durable as well.
 */
function withoutSync(db: Database.Database, write: () => unknown): void {
  const level = db.inTransaction ? 0 : (db.pragma('synchronous', { simple: true }) as number);
  // 2 = FULL, 3 = EXTRA; inside a transaction the write joins the caller's commit.
  if (level < 2) {
    write();
    return;
  }
  db.pragma('synchronous = NORMAL');
  try {
    write();
  } finally {
    db.pragma(`synchronous = ${level}`);
  }
}

/** Stores the tus URL and the bytes the server acknowledged, as they become known. */
export function saveProgress(db: Database.Database, key: string, uploadUrl: string | null, bytesAcked: number): void {
  withoutSync(db, () =>
    db
      .prepare(`UPDATE "${ATTACHMENTS_TABLE}" SET "uploadUrl" = COALESCE(?, "uploadUrl"), "bytesAcked" = MAX("bytesAcked", ?) WHERE "key" = ?`)
      .run(uploadUrl, bytesAcked, key),
  );
}

/** The upload finished at `now` (ms): the file is on the server now (evictable). */
export function markDone(db: Database.Database, key: string, now = Date.now()): void {
  withoutSync(db, () =>
    db
      .prepare(
        `UPDATE "${ATTACHMENTS_TABLE}" SET "state" = 'done', "localOnly" = 0, "bytesAcked" = "size", "failureReason" = NULL, "uploadedAt" = ? WHERE "key" = ?`,
      )
      .run(now, key),
  );
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

/** Puts a failed entry back in the queue from its first attempt (e.g. after the user fixed the cause); a later refusal makes a new review item. */
export function requeue(db: Database.Database, key: string): void {
  db.prepare(
    `UPDATE "${ATTACHMENTS_TABLE}" SET "state" = 'queued', "attempts" = 0, "nextAttemptAt" = 0, "failureReason" = NULL, "reviewId" = NULL WHERE "key" = ? AND "localOnly" = 1`,
  ).run(key);
}

/** Failed uploads not yet made a review item, queue order. */
export function refusedWithoutReview(db: Database.Database): AttachmentEntry[] {
  return (
    db.prepare(`SELECT * FROM "${ATTACHMENTS_TABLE}" WHERE "state" = 'failed' AND "localOnly" = 1 AND "reviewId" IS NULL ORDER BY "seq"`).all() as Row[]
  ).map(entryOf);
}

/** True when `key` is refused and no review item was made of it yet (asked in the item's transaction). */
export function awaitsReview(db: Database.Database, key: string): boolean {
  return (
    db.prepare(`SELECT 1 FROM "${ATTACHMENTS_TABLE}" WHERE "key" = ? AND "state" = 'failed' AND "localOnly" = 1 AND "reviewId" IS NULL`).get(key) !== undefined
  );
}

/** Notes the review item made of `key`'s refusal (run in the item's transaction). */
export function setReviewId(db: Database.Database, key: string, reviewId: number): void {
  db.prepare(`UPDATE "${ATTACHMENTS_TABLE}" SET "reviewId" = ? WHERE "key" = ?`).run(reviewId, key);
}

/** The review item made of `key`'s refusal, or null. */
export function reviewIdOf(db: Database.Database, key: string): number | null {
  const row = db.prepare(`SELECT "reviewId" FROM "${ATTACHMENTS_TABLE}" WHERE "key" = ?`).get(key) as { reviewId: number | null } | undefined;
  return row?.reviewId ?? null;
}

/** The entries whose refusal made review item `reviewId`. */
export function entriesOfReview(db: Database.Database, reviewId: number): AttachmentEntry[] {
  return (db.prepare(`SELECT * FROM "${ATTACHMENTS_TABLE}" WHERE "reviewId" = ? ORDER BY "seq"`).all(reviewId) as Row[]).map(entryOf);
}

/**
 * The record is deleted here: its files not uploaded yet will never be (the server would refuse a
 * file of a deleted record), so their entries go; the files become unreferenced and are swept.
 * Run it in the delete's transaction.
 */
export function forgetUnuploaded(db: Database.Database, model: string, recordId: string): void {
  db.prepare(`DELETE FROM "${ATTACHMENTS_TABLE}" WHERE "model" = ? AND "recordId" = ? AND "localOnly" = 1`).run(model, recordId);
}

/** Entries uploaded from this device since `since` (ms), newest first, at most `limit`. */
export function uploadedSince(db: Database.Database, since: number, limit: number): AttachmentEntry[] {
  return (
    db
      .prepare(`SELECT * FROM "${ATTACHMENTS_TABLE}" WHERE "state" = 'done' AND "uploadedAt" >= ? ORDER BY "uploadedAt" DESC LIMIT ?`)
      .all(since, limit) as Row[]
  ).map(entryOf);
}

/** Every sha-256 some entry holds (the files the sweep keeps). */
export function referencedFiles(db: Database.Database): Set<string> {
  return new Set((db.prepare(`SELECT DISTINCT "sha256" FROM "${ATTACHMENTS_TABLE}"`).all() as Array<{ sha256: string }>).map((r) => r.sha256));
}

/** Notes a view of the file of `sha256` at `now` (ms), for LRU eviction. */
export function touchFile(db: Database.Database, sha256: string, now = Date.now()): void {
  db.prepare(`UPDATE "${ATTACHMENTS_TABLE}" SET "lastAccessAt" = ? WHERE "sha256" = ?`).run(now, sha256);
}

/** A blob key the table has for the file `sha256` (any of them), or null. */
export function keyOfFile(db: Database.Database, sha256: string): string | null {
  const row = db.prepare(`SELECT "key" FROM "${ATTACHMENTS_TABLE}" WHERE "sha256" = ? LIMIT 1`).get(sha256) as { key: string } | undefined;
  return row?.key ?? null;
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
