// Keeps the attachment cache under its size limit (DESIGN.md "Attachments"): evicts synced files
// least recently used as evictionPlan (upload-queue-core.ts) decides; a file any un-uploaded
// entry holds is never evicted. An evicted file downloads again on its next view; its thumbnail
// stays (thumbnail-store.ts says why). The limit counts every file the table has as present, the
// un-uploaded ones too, as evictionPlan does: it bounds the disk the profile's files take, and
// only un-uploaded files can keep it above.
import type Database from 'better-sqlite3';
import { ValidationError } from '../../common/errors.js';
import type { AttachmentFiles } from './attachment-files.js';
import { isHeldUnuploaded, loadEntries, markPresent } from './attachment-tables.js';
import { cachedFiles, evictionPlan } from './upload-queue-core.js';

/** The cache limit when no setting names one: 1 GiB. */
export const DEFAULT_CACHE_LIMIT_BYTES = 1024 * 1024 * 1024;

/** Evicts files until the cache holds at most `limitBytes` (or only un-uploaded ones); returns the evicted sha-256s. */
export async function evictToLimit(db: Database.Database, files: AttachmentFiles, limitBytes: number): Promise<string[]> {
  const evicted: string[] = [];
  for (const sha256 of evictionPlan(cachedFiles(loadEntries(db)), limitBytes)) {
    // Asked again just before removing: an upload may have been staged for the same bytes since the plan.
    if (isHeldUnuploaded(db, sha256)) continue;
    markPresent(db, sha256, false);
    await files.remove(sha256);
    evicted.push(sha256);
  }
  return evicted;
}

/** Bytes of the files the table has as present (each sha-256 once). */
export function cachedBytes(db: Database.Database): number {
  return cachedFiles(loadEntries(db)).reduce((sum, file) => sum + file.size, 0);
}

/**
 * Evicts synced files least recently used until the cache holds at most `limitBytes`; never an
 * un-uploaded one. Answers how many files went and their bytes.
 */
export async function enforceCacheLimit(
  deps: { readonly db: Database.Database; readonly files: AttachmentFiles },
  limitBytes: number,
): Promise<{ evicted: number; bytes: number }> {
  if (!Number.isSafeInteger(limitBytes) || limitBytes < 0)
    throw new ValidationError(`the cache limit must be a whole number of bytes ≥ 0, got ${limitBytes}`, 'limitBytes');
  const sizes = new Map(cachedFiles(loadEntries(deps.db)).map((file) => [file.sha256, file.size]));
  const evicted = await evictToLimit(deps.db, deps.files, limitBytes);
  return { evicted: evicted.length, bytes: evicted.reduce((sum, sha256) => sum + (sizes.get(sha256) ?? 0), 0) };
}
