// What the schema and the stored records say about attachments: which fields hold them (for the
// endpoint's 400 on other fields) and whether a blob is still referenced (for retention). A blob
// id names its record (`<model>/<recordId>/<sha256>`), so "referenced" is one primary-key read:
// the record exists, is not deleted, and one of its attachment fields holds that sha-256.
import { attachmentFields, attachmentRefsOf } from '../../common/schema/attachment-ref.js';
import { findField, findModel } from '../../common/schema/model-fields.js';
import type { ModelDef, Schema } from '../../common/schema/types.js';
import type { Storage, StoredItem } from '../storage/storage.js';
import { parseBlobId } from './attachment-metadata.js';
import type { BlobInfo } from './blob-store.js';

/** True when the schema declares at least one attachment field (only then is the endpoint mounted). */
export function hasAttachmentFields(schema: Schema): boolean {
  return Object.values(schema.models).some((model) => attachmentFields(schema, model).length > 0);
}

/** `isAttachmentField` for createAttachmentRoutes: whether `model.field` holds attachment references. */
export function attachmentFieldTest(schema: Schema): (model: string, field: string) => boolean {
  return (modelName, fieldName) => {
    const model = findModel(schema, modelName);
    const field = model === undefined ? undefined : findField(model, fieldName);
    return model !== undefined && field !== undefined && attachmentFields(schema, model).includes(field);
  };
}

/** Whether the stored `item` (undefined: none) references the file `sha256` in an attachment field. */
export function recordReferences(schema: Schema, model: ModelDef, item: StoredItem | undefined, sha256: string): boolean {
  if (item === undefined || item._deleted === true) return false;
  return attachmentRefsOf(schema, model, item).some((ref) => ref.sha256 === sha256);
}

/** `isReferenced` for sweepBlobs: reads the record the blob id names. A blob id that names no model is unreferenced. */
export function blobReferenceTest(schema: Schema, storage: Storage): (info: BlobInfo) => Promise<boolean> {
  return async (info) => {
    const blob = parseBlobId(info.id);
    const model = blob === null ? undefined : findModel(schema, blob.model);
    if (blob === null || model === undefined) return false;
    return recordReferences(schema, model, await storage.get(model.name, blob.recordId), blob.sha256);
  };
}
