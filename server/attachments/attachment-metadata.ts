// What a tus upload creation names (its Upload-Metadata) and the blob id and URL path it maps
// to. The id is scoped to the owning record — `<model>/<recordId>/<sha256>`, each part
// URI-encoded — so two records never share a blob and a record's access rules cover its files.
import { MAX_BLOB_ID_LENGTH } from './blob-store.js';
import { parseAttachmentKey } from '../../common/schema/attachment-ref.js';

/** The record an attachment belongs to; what access decisions are made over. */
export interface AttachmentTarget {
  readonly model: string;
  readonly recordId: string;
}

/** One attachment as declared by the uploader in Upload-Metadata. */
export interface AttachmentDeclaration extends AttachmentTarget {
  readonly field: string;
  /** Lower-case hex sha-256 of the whole file. */
  readonly sha256: string;
  readonly contentType: string;
  readonly filename: string;
}

export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reason: string };

const REQUIRED = ['model', 'recordId', 'field', 'sha256', 'contentType', 'filename'] as const;
const SHA256 = /^[0-9a-f]{64}$/;
// type/subtype with RFC 6838 restricted-name characters, optional parameters.
const MIME = /^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*(\s*;.*)?$/i;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
// What String#isWellFormed (ES2024, beyond our lib setting) rejects: encodeURIComponent throws on it.
const LONE_SURROGATE = /\p{Surrogate}/u;

/** Validates decoded Upload-Metadata; the reason names the first problem found. */
export function parseDeclaration(metadata: Readonly<Record<string, string | null | undefined>>): Parsed<AttachmentDeclaration> {
  const missing = REQUIRED.filter((key) => !metadata[key]);
  if (missing.length > 0) return { ok: false, reason: `Upload-Metadata lacks ${missing.join(', ')}` };
  const value = Object.fromEntries(REQUIRED.map((key) => [key, metadata[key] as string])) as unknown as AttachmentDeclaration;
  if (!NAME.test(value.model)) return { ok: false, reason: `model ${JSON.stringify(value.model)} is not a model name` };
  if (!NAME.test(value.field)) return { ok: false, reason: `field ${JSON.stringify(value.field)} is not a field name` };
  if (!SHA256.test(value.sha256)) return { ok: false, reason: 'sha256 must be 64 lower-case hex digits' };
  if (!MIME.test(value.contentType)) return { ok: false, reason: `contentType ${JSON.stringify(value.contentType)} is not a MIME type` };
  if (LONE_SURROGATE.test(value.recordId) || LONE_SURROGATE.test(value.filename))
    return { ok: false, reason: 'recordId and filename must be well-formed Unicode' };
  if (value.recordId.length > 512 || value.filename.length > 1024) return { ok: false, reason: 'recordId (512) or filename (1024 characters) too long' };
  // Encoding can grow a recordId ninefold: the key must still fit a record's reference and the blob store.
  const keyLength = blobIdOf(value, value.sha256).length;
  if (keyLength > MAX_BLOB_ID_LENGTH) {
    return { ok: false, reason: `recordId too long: URI-encoded, the attachment key would have ${keyLength} characters, at most ${MAX_BLOB_ID_LENGTH}` };
  }
  return { ok: true, value };
}

/** The blob id (and URL path below the attachments prefix) of one record's file. */
export function blobIdOf(target: AttachmentTarget, sha256: string): string {
  return `${encodeURIComponent(target.model)}/${encodeURIComponent(target.recordId)}/${sha256}`;
}

/** Reads `<model>/<recordId>/<sha256>` (URI-encoded parts) back; null when it is not one. */
export function parseBlobId(path: string): (AttachmentTarget & { readonly id: string; readonly sha256: string }) | null {
  const parsed = parseAttachmentKey(path);
  if (parsed === null || !NAME.test(parsed.model)) return null;
  // Re-encoded so that differently-escaped spellings of one path name one blob.
  return { ...parsed, id: blobIdOf(parsed, parsed.sha256) };
}
