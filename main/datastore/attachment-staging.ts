// Attachment references in local saves (DESIGN.md "Attachments", issue 13). A file is added to the
// profile's file store first (main/attachments: staged in chunks, content-addressed) and the form
// puts its reference in an attachment field with `key: ''`. `save` then, before validation, gives
// each such reference its key, `attachmentKey(model, recordId, sha256)`, refuses one whose file is
// not on this device, and queues its upload (`_outpost_attachments`) inside the same SQLite
// transaction as the row and the outbox entry. A crash therefore leaves neither half: the file was
// written before the transaction, and a file no queue row references (older than a day) is removed
// by the sweep when the profile opens (main/attachments/attachment-sweep.ts).
// A reference keyed for another record (a copy, a record restored from the Trash under a new id)
// whose file is here is keyed for this one: blob ids are scoped to their record on the server.
// Records merged from the server never pass here; they are not staged.
// The datastore touches no file: whether a file is here is asked of a small port.
import type Database from 'better-sqlite3';
import { ValidationError } from '../../common/errors.js';
import {
  attachmentFields,
  attachmentKey,
  attachmentRefProblem,
  attachmentRefsOf,
  parseAttachmentKey,
  type AttachmentRef,
} from '../../common/schema/attachment-ref.js';
import { keyFromModelId } from '../../common/schema/record-key.js';
import type { ModelRecord } from '../../common/schema/types.js';
import { forgetUnuploaded, stageUpload } from '../attachments/attachment-tables.js';
import { Listeners } from './change-events.js';
import type { ModelTable } from './model-table.js';
import type { StoreCore } from './store-core.js';

/** What the datastore asks of the profile's file store. Synchronous: it is asked inside the save's transaction. */
export interface AttachmentPort {
  /** True when the file of `sha256` (lower-case hex) is in this profile's file store. */
  isPresent(sha256: string): boolean;
}

/** The record (and field) a reference belongs to. */
export interface StagedAttachmentRecord {
  readonly model: string;
  readonly recordId: string;
  readonly field: string;
}

/** One reference a save queues for upload. */
export interface StagedAttachment extends StagedAttachmentRecord {
  readonly ref: AttachmentRef;
}

/** A save's input with its references keyed, and what committing it stages. */
export interface StagingPlan {
  readonly input: ModelRecord;
  /** Queues the uploads; call inside the save's transaction, after the row is written. */
  stage(): void;
  /** Announces the staged uploads; call after the commit. */
  announce(): void;
}

const NO_FILES: AttachmentPort = { isPresent: () => false };

/** The datastore's attachment side: keying references in saves, forgetting uploads of deleted records, and telling who waits. */
export class AttachmentStaging {
  private readonly staged = new Listeners<readonly StagedAttachment[]>();

  constructor(
    private readonly core: StoreCore,
    private readonly port: AttachmentPort = NO_FILES,
  ) {}

  /** The profile database's connection, shared by the upload queue (its table is in the same file). */
  get db(): Database.Database {
    return this.core.conn.db;
  }

  /** Calls `listener` after each commit that queued uploads; returns the unsubscribe. */
  onStaged(listener: (staged: readonly StagedAttachment[]) => void): () => void {
    this.core.assertOpen();
    return this.staged.add(listener);
  }

  /**
   * True when the server accepted the record: no outbox entry of it is left and the local row
   * carries a server `_version`. Synchronous, for the upload queue (uploads wait for it).
   */
  isRecordAccepted(model: string, recordId: string): boolean {
    if (this.core.isClosed) return false;
    const table = this.core.tables.get(model);
    if (table === undefined || this.core.pendingAmong(model, [recordId]).size > 0) return false;
    const key = keyFromModelId(table.model, recordId);
    const row = key === undefined ? undefined : this.core.getRow(table, table.keyParams(key));
    return row !== undefined && row._version !== null && row._version !== undefined;
  }

  /** The local record holding the reference `key`, that reference and its field; null when none here does. */
  locate(key: string): { readonly ref: AttachmentRef; readonly record: StagedAttachmentRecord } | null {
    const parsed = parseAttachmentKey(key);
    if (parsed === null || this.core.isClosed) return null;
    const { model, recordId } = parsed;
    const table = this.core.tables.get(model);
    const keyObject = table === undefined ? undefined : keyFromModelId(table.model, recordId);
    const row = table === undefined || keyObject === undefined ? undefined : this.core.getRow(table, table.keyParams(keyObject));
    if (table === undefined || row === undefined) return null;
    for (const field of attachmentFields(this.core.schema, table.model)) {
      const ref = attachmentRefsOf(this.core.schema, { ...table.model, fields: [field] }, row).find((r) => r.key === key);
      if (ref !== undefined) return { ref, record: { model, recordId, field: field.name } };
    }
    return null;
  }

  /** Every keyed reference the local records hold, with its record and when that record last changed (ms; prefetch goes newest first). */
  references(): Array<StagedAttachment & { readonly updatedAt?: number }> {
    this.core.assertOpen();
    const out: Array<StagedAttachment & { readonly updatedAt?: number }> = [];
    for (const table of this.core.tables.values()) {
      const fields = attachmentFields(this.core.schema, table.model);
      if (fields.length === 0) continue;
      const query = this.core.conn.kysely
        .selectFrom(table.name)
        .selectAll()
        .where((eb) => eb.or(fields.map((f) => eb(f.name, 'is not', null))));
      for (const row of this.core.conn.all(query.compile())) {
        const record = table.decodeRow(row);
        const updatedAt = typeof record.updatedAt === 'string' ? Date.parse(record.updatedAt) : NaN;
        for (const field of fields) {
          for (const ref of attachmentRefsOf(this.core.schema, { ...table.model, fields: [field] }, record)) {
            out.push({ ref, model: table.name, recordId: table.modelId(record), field: field.name, ...(Number.isFinite(updatedAt) ? { updatedAt } : {}) });
          }
        }
      }
    }
    return out;
  }

  /** The plan for saving `input` (key fields set) to `table`; throws ValidationError naming `Model.field[i]`. */
  plan(table: ModelTable, input: ModelRecord): StagingPlan {
    const fields = attachmentFields(this.core.schema, table.model).filter((f) => Object.hasOwn(input, f.name));
    if (fields.length === 0) return { input, stage: () => undefined, announce: () => undefined };
    const recordId = table.modelId(input);
    const keyed: ModelRecord = { ...input };
    const staged: StagedAttachment[] = [];
    for (const field of fields) {
      const value = input[field.name];
      const path = `${table.name}.${field.name}`;
      if (Array.isArray(value)) keyed[field.name] = value.map((v: unknown, i) => this.keyRef(v, `${path}[${i}]`, table.name, recordId, field.name, staged));
      else if (value !== null && value !== undefined) keyed[field.name] = this.keyRef(value, path, table.name, recordId, field.name, staged);
    }
    const db = this.core.conn.db;
    let queued: StagedAttachment[] = [];
    return {
      input: keyed,
      stage: () => {
        // A reference already queued (or known as uploaded) is one row: only new rows are announced.
        queued = staged.filter((s) => stageUpload(db, s.ref, s));
      },
      announce: () => {
        if (queued.length > 0) this.staged.emit(queued);
      },
    };
  }

  /** The record is deleted (in the caller's transaction): its files not uploaded yet are not queued any more. */
  forget(table: ModelTable, record: ModelRecord): void {
    if (attachmentFields(this.core.schema, table.model).length > 0) forgetUnuploaded(this.core.conn.db, table.name, table.modelId(record));
  }

  /** Drops the listeners (the datastore closes). */
  close(): void {
    this.staged.clear();
  }

  private keyRef(value: unknown, path: string, model: string, recordId: string, field: string, staged: StagedAttachment[]): unknown {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return value; // validateRecord names the problem
    const ref = value as Record<string, unknown>;
    const isNew = ref.key === '' || ref.key === null || ref.key === undefined;
    const problem = attachmentRefProblem(isNew ? { ...ref, key: 'new' } : ref);
    if (problem !== null) throw new ValidationError(`${path} is not a valid attachment: ${problem}`, path);
    const sha256 = ref.sha256 as string;
    const present = this.port.isPresent(sha256);
    if (isNew && !present) throw new ValidationError(`${path}: the file was not added on this device (sha-256 ${sha256.slice(0, 12)}…)`, path);
    if (!present) return value; // someone else's file, or one uploaded and evicted: as it is
    const key = attachmentKey(model, recordId, sha256);
    const keyed = { ...ref, key } as Record<string, unknown>;
    const attachment: AttachmentRef = {
      key,
      contentType: ref.contentType as string,
      size: ref.size as number,
      sha256,
      name: typeof ref.name === 'string' ? ref.name : null,
    };
    staged.push({ ref: attachment, model, recordId, field });
    return keyed;
  }
}
