// An upload the server refused for good (upload-queue-core.ts: 400/401/403/404/413/422, or the
// file gone from this device) becomes an open review item (DESIGN.md "Nothing lost"): kind
// `rejected`, the record's model and key, the attachment field, and a reason in plain words naming
// the file. The item and the entry's note of it are written in one transaction, and refused
// entries without an item are looked for again when the profile opens, so a crash between the
// refusal and the item loses neither. Deciding it: "keep mine" puts the upload back in the queue;
// "keep theirs" closes it and leaves the file on this device only, until the record is discarded.
import type Database from 'better-sqlite3';
import { findModel } from '../../common/schema/model-fields.js';
import { keyFromModelId } from '../../common/schema/record-key.js';
import type { ModelRecord, Schema } from '../../common/schema/types.js';
import { ATTACHMENT_REFUSED } from '../../common/ipc/attachment-contract.js';
import type { Datastore, NewReviewItem, ReviewRecord } from '../datastore/datastore.js';
import { awaitsReview, entriesOfReview, refusedWithoutReview, requeue, setReviewId } from './attachment-tables.js';
import { FILE_DAMAGED_REASON, FILE_MISSING_REASON, type AttachmentEntry } from './upload-queue-core.js';

/** "photo" for an image, else "file". */
export function fileNoun(contentType: string): string {
  return contentType.toLowerCase().startsWith('image/') ? 'photo' : 'file';
}

/** The review item's reason: e.g. "photo site.jpg was not uploaded: the server refused it (file is 60 MB; the limit per file is 50 MB)". */
export function refusalReason(entry: Pick<AttachmentEntry, 'contentType' | 'name' | 'failureReason'>): string {
  const file = entry.name === null || entry.name === '' ? fileNoun(entry.contentType) : `${fileNoun(entry.contentType)} ${entry.name}`;
  const why = entry.failureReason ?? 'no reason given';
  const local = why === FILE_MISSING_REASON || why.startsWith(FILE_DAMAGED_REASON);
  return `${file} was not uploaded: ${local ? why : `the server refused it (${why})`}`;
}

/** The review item of `entry`'s refusal; `record` is the local record now (undefined: none). */
export function refusalReviewItem(schema: Schema, entry: AttachmentEntry, record: ModelRecord | undefined): NewReviewItem {
  const model = findModel(schema, entry.model);
  const key = model === undefined ? {} : (keyFromModelId(model, entry.recordId) ?? {});
  const value = record?.[entry.field] ?? [{ key: entry.key, contentType: entry.contentType, size: entry.size, sha256: entry.sha256, name: entry.name }];
  return {
    kind: 'rejected',
    model: entry.model,
    modelId: entry.recordId,
    operation: 'Update',
    fields: [entry.field],
    mine: { ...key, [entry.field]: value },
    theirs: null,
    reason: refusalReason(entry),
    errorType: ATTACHMENT_REFUSED,
  };
}

/** Makes a review item of every refused upload that has none yet; answers the items made (announced). */
export async function recordRefusals(datastore: Datastore, db: Database.Database): Promise<ReviewRecord[]> {
  const made: ReviewRecord[] = [];
  for (const entry of refusedWithoutReview(db)) {
    const model = findModel(datastore.schema, entry.model);
    if (model === undefined) continue; // a model the schema no longer has: nothing to show it in
    const key = keyFromModelId(model, entry.recordId);
    const record = key === undefined ? undefined : await datastore.get(entry.model, key);
    const item = refusalReviewItem(datastore.schema, entry, record);
    const stored = db.transaction(() => {
      // Asked again inside: another call may have made the item while this one read the record.
      if (!awaitsReview(db, entry.key)) return null;
      const inserted = datastore.reviews.insertInTransaction(item);
      setReviewId(db, entry.key, inserted.id);
      return inserted;
    })();
    if (stored !== null) made.push(stored);
  }
  datastore.reviews.announce(made);
  return made;
}

/** Carries out the decision on a refused upload's item: "keep mine" re-queues its uploads; answers the keys re-queued. */
export function decideRefusal(db: Database.Database, item: ReviewRecord, choice: 'keepMine' | 'keepTheirs'): string[] {
  if (choice === 'keepTheirs') return [];
  const keys = entriesOfReview(db, item.id)
    .filter((entry) => entry.state === 'failed')
    .map((entry) => entry.key);
  for (const key of keys) requeue(db, key);
  return keys;
}
