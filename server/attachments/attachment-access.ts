// Who calls the attachment endpoint and what they may do with a record's files: authentication
// exactly as for GraphQL (API key or JWT, through the server's one authenticator), and access by
// the owning record's @auth rules through server/resolvers/model-access.ts — reading a file needs
// what reading the record needs (owner fields compared as sync queries compare them), writing one
// needs what updating the record needs. A record that does not exist or is deleted has no files.
import type { IncomingMessage } from 'node:http';
import { OutpostError } from '../../common/errors.js';
import { findModel } from '../../common/schema/model-fields.js';
import type { ModelDef, Schema } from '../../common/schema/types.js';
import type { Authenticate } from '../auth/authenticate.js';
import type { Identity } from '../auth/identity.js';
import { canRead, readAccess, writeAccess } from '../resolvers/model-access.js';
import type { Storage, StoredItem } from '../storage/storage.js';
import type { AttachmentTarget } from './attachment-metadata.js';
import type { Access } from './attachment-policy.js';

/** Whether `identity` may read / write the files of the stored `item` of `model` (undefined: no such record). */
export function mayAccessRecord(model: ModelDef, identity: Identity, item: StoredItem | undefined, access: Access): boolean {
  if (item === undefined || item._deleted === true) return false;
  return access === 'read' ? canRead(readAccess(model, identity), item) : writeAccess(model, identity, 'update', item);
}

/** `mayAccess` for createAttachmentRoutes: loads the record named by the blob id from `storage`. */
export function recordAccess(schema: Schema, storage: Storage): (identity: Identity, target: AttachmentTarget, access: Access) => Promise<boolean> {
  return async (identity, target, access) => {
    const model = findModel(schema, target.model);
    if (model === undefined) return false;
    return mayAccessRecord(model, identity, await storage.get(model.name, target.recordId), access);
  };
}

/** `authenticate` for createAttachmentRoutes: the GraphQL authenticator over the request's headers; refused credentials → null (401). */
export function attachmentCaller(authenticate: Authenticate): (req: IncomingMessage) => Promise<Identity | null> {
  return async (req) => {
    try {
      return await authenticate(req.headers);
    } catch (error) {
      if (error instanceof OutpostError) return null;
      throw error;
    }
  };
}

/** The key a caller's bytes count under for the per-user limit: the user's `sub`, or the API key's id. */
export function quotaKeyOf(identity: Identity): string {
  return identity.kind === 'user' ? `user:${identity.sub}` : `apiKey:${identity.keyId}`;
}
