// Retention cleanup: blobs no record references, and uploads never finished, are removed once
// older than the retention window. Which ones is a plain decision (`decideSweep`); `sweepBlobs`
// interprets it over a BlobStore and the caller's `isReferenced` (the lead's storage query).
import type { BlobInfo, BlobStore } from './blob-store.js';

export type SweepVerdict = 'keep' | 'delete-unfinished' | 'delete-unreferenced';

/** What to do with one blob older than the window, given whether a record references it. */
export function decideSweep(info: BlobInfo, referenced: boolean): SweepVerdict {
  if (!info.complete) return 'delete-unfinished';
  return referenced ? 'keep' : 'delete-unreferenced';
}

export interface SweepResult {
  readonly deletedUnfinished: number;
  readonly deletedUnreferenced: number;
  readonly kept: number;
}

/**
 * Deletes blobs created more than `windowMs` milliseconds before `now` that are unfinished or
 * that `isReferenced` says no record points at. A blob younger than the window is never touched,
 * so a file uploaded just before its record's mutation lands is safe.
 */
export async function sweepBlobs(
  store: BlobStore,
  isReferenced: (info: BlobInfo) => Promise<boolean>,
  windowMs: number,
  now: Date = new Date(),
): Promise<SweepResult> {
  let deletedUnfinished = 0;
  let deletedUnreferenced = 0;
  let kept = 0;
  for (const info of await store.listOlderThan(new Date(now.getTime() - windowMs))) {
    const verdict = decideSweep(info, info.complete && (await isReferenced(info)));
    if (verdict === 'keep') kept++;
    else {
      await store.delete(info.id);
      if (verdict === 'delete-unfinished') deletedUnfinished++;
      else deletedUnreferenced++;
    }
  }
  return { deletedUnfinished, deletedUnreferenced, kept };
}
