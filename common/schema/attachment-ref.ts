// Attachments in the schema (DESIGN.md "Attachments", issue 13): a record references a file through
// a small non-model type, so the SDL stays valid Amplify SDL and deploys on AppSync, where the
// references sync as plain values. A type is an attachment reference by its shape, not its name:
//   type Attachment { key: String! contentType: String! size: Int! sha256: String! name: String }
// Extra fields are allowed (e.g. width/height); the five keep these types.
import { findField } from './model-fields.js';
import type { EmbeddedTypeDef, FieldDef, ModelDef, ModelRecord, Schema } from './types.js';

/** One file a record references. `key` is the blob id on an Outpost server: `<model>/<recordId>/<sha256>`. */
export interface AttachmentRef {
  readonly key: string;
  readonly contentType: string;
  /** Bytes. */
  readonly size: number;
  /** Lower-case hex sha-256 of the whole file. */
  readonly sha256: string;
  /** The file's name when it was attached (shown, never used as a path); null when unknown. */
  readonly name: string | null;
}

const REQUIRED: Readonly<Record<string, string>> = { key: 'String', contentType: 'String', size: 'Int', sha256: 'String' };
const SHA256 = /^[0-9a-f]{64}$/;

/** True when `type` has the attachment reference's shape (see the header). */
export function isAttachmentType(type: EmbeddedTypeDef): boolean {
  for (const [name, scalar] of Object.entries(REQUIRED)) {
    const field = findField(type, name);
    if (field === undefined || field.isList || !field.isRequired || field.type.kind !== 'scalar' || field.type.name !== scalar) return false;
  }
  const name = findField(type, 'name');
  return name === undefined || (!name.isList && name.type.kind === 'scalar' && name.type.name === 'String');
}

/** The model's fields that hold attachment references (one, or a list), in declaration order. */
export function attachmentFields(schema: Schema, model: ModelDef): FieldDef[] {
  return model.fields.filter((f) => {
    if (f.type.kind !== 'embedded') return false;
    const type = Object.hasOwn(schema.embeddedTypes, f.type.name) ? schema.embeddedTypes[f.type.name] : undefined;
    return type !== undefined && isAttachmentType(type);
  });
}

/** The blob key of `sha256` attached to a record: each part URI-encoded, as the server's blob ids. */
export function attachmentKey(model: string, recordId: string, sha256: string): string {
  return `${encodeURIComponent(model)}/${encodeURIComponent(recordId)}/${sha256}`;
}

/** `attachmentKey`'s parts read back (URI-decoded); null when `key` is not `<model>/<recordId>/<sha256>`. */
export function parseAttachmentKey(key: string): { readonly model: string; readonly recordId: string; readonly sha256: string } | null {
  const parts = key.split('/');
  if (parts.length !== 3 || !SHA256.test(parts[2]!)) return null;
  try {
    const model = decodeURIComponent(parts[0]!);
    const recordId = decodeURIComponent(parts[1]!);
    return model === '' || recordId === '' ? null : { model, recordId, sha256: parts[2]! };
  } catch {
    return null;
  }
}

/** Why `value` is not a well-formed attachment reference (naming the part), or null when it is. */
export function attachmentRefProblem(value: unknown): string | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'an attachment must be an object { key, contentType, size, sha256, name }';
  const ref = value as Record<string, unknown>;
  if (typeof ref.key !== 'string' || ref.key === '' || ref.key.length > 2048) return 'attachment key must be a non-empty string of at most 2048 characters';
  if (typeof ref.contentType !== 'string' || !/^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/i.test(ref.contentType))
    return `attachment contentType ${JSON.stringify(ref.contentType)} is not a MIME type`;
  if (typeof ref.size !== 'number' || !Number.isSafeInteger(ref.size) || ref.size < 0)
    return `attachment size must be a whole number of bytes ≥ 0, got ${JSON.stringify(ref.size)}`;
  if (typeof ref.sha256 !== 'string' || !SHA256.test(ref.sha256)) return 'attachment sha256 must be 64 lower-case hex digits';
  if (ref.name !== undefined && ref.name !== null && typeof ref.name !== 'string') return 'attachment name must be a string or null';
  return null;
}

/** Every attachment reference `record` holds in the model's attachment fields (well-formed ones only). */
export function attachmentRefsOf(schema: Schema, model: ModelDef, record: ModelRecord): AttachmentRef[] {
  const out: AttachmentRef[] = [];
  for (const field of attachmentFields(schema, model)) {
    const value = record[field.name];
    const values: unknown[] = Array.isArray(value) ? value : value === null || value === undefined ? [] : [value];
    for (const v of values) {
      if (attachmentRefProblem(v) !== null) continue;
      const ref = v as AttachmentRef;
      out.push({ key: ref.key, contentType: ref.contentType, size: ref.size, sha256: ref.sha256, name: ref.name ?? null });
    }
  }
  return out;
}
