// Keeps the attachment cache under its size limit (DESIGN.md "Attachments"): evicts synced files
// least recently used as evictionPlan (upload-queue-core.ts) decides; a file any un-uploaded
// entry holds is never evicted. An evicted file downloads again on its next view.
import type Database from 'better-sqlite3';
import type { AttachmentFiles } from './attachment-files.js';
import { isHeldUnuploaded, loadEntries, markPresent } from './attachment-tables.js';
import { cachedFiles, evictionPlan } from './upload-queue-core.js';

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
