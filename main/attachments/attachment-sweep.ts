// Removes the files no attachment row references (DESIGN.md "Attachments"): a file staged for a
// form that was never saved, or whose save's transaction failed or was cut by a crash (the file is
// written before the transaction; see main/datastore/attachment-staging.ts). Only files older than
// the window go, so a file staged for a form still open is kept; the sweep runs when the profile
// opens, before anything can be staged. Files a draft or a Trash entry still references are `held`:
// saving the draft or restoring the record stages them again. Partial downloads go by the same
// rule, and at once when their file is here whole.
import type Database from 'better-sqlite3';
import type { AttachmentFiles } from './attachment-files.js';
import { ATTACHMENTS_TABLE, referencedFiles } from './attachment-tables.js';

/** How old an unreferenced file must be before it is removed: one day (ms). */
export const ORPHAN_WINDOW_MS = 24 * 60 * 60 * 1000;

/** The sha-256s of `files` no row references and last written before `now - windowMs` (pure). */
export function orphansOf(
  files: ReadonlyArray<{ readonly sha256: string; readonly modifiedAt: number }>,
  referenced: ReadonlySet<string>,
  now: number,
  windowMs: number,
): string[] {
  return files.filter((file) => !referenced.has(file.sha256) && file.modifiedAt < now - windowMs).map((file) => file.sha256);
}

/** Removes the orphaned files of `files` (see the header) at `now` (ms); answers the sha-256s removed. */
export async function sweepOrphanFiles(
  db: Database.Database,
  files: AttachmentFiles,
  held: ReadonlySet<string> = new Set(),
  now = Date.now(),
  windowMs = ORPHAN_WINDOW_MS,
): Promise<string[]> {
  const removed: string[] = [];
  const referencedNow = db.prepare(`SELECT 1 FROM "${ATTACHMENTS_TABLE}" WHERE "sha256" = ? LIMIT 1`);
  const referenced = new Set([...referencedFiles(db), ...held]);
  for (const sha256 of orphansOf(await files.list(), referenced, now, windowMs)) {
    // Asked again just before removing: a row may have been written since the list was read.
    if (referencedNow.get(sha256) !== undefined) continue;
    await files.remove(sha256);
    removed.push(sha256);
  }
  const partials = await files.listPartials();
  const unreferenced = new Set(orphansOf(partials, referenced, now, windowMs));
  for (const partial of partials) {
    if (unreferenced.has(partial.sha256) || (await files.exists(partial.sha256))) await files.removePartial(partial.sha256);
  }
  return removed;
}
