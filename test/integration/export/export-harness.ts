// What the export tests stand on: the example schema over a real SQLite datastore in a temporary
// folder, records put in as a sync would (applyRemote, so ids and attachment keys are the
// server's), a real content-addressed file store, a strict RFC 4180 reader for the CSV (rows end
// in CRLF, quotes only around whole fields), and `unzip` for the zips.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { parseSchema } from '../../../common/schema/parse-schema.js';
import { attachmentKey, type AttachmentRef } from '../../../common/schema/attachment-ref.js';
import type { ModelRecord, Schema } from '../../../common/schema/types.js';
import { AttachmentFiles } from '../../../main/attachments/attachment-files.js';
import { openDatastore, type Datastore } from '../../../main/datastore/datastore.js';

const root = new URL('../../../', import.meta.url).pathname;
export const schema: Schema = parseSchema(readFileSync(join(root, 'schema/schema.graphql'), 'utf8'), 'schema/schema.graphql');

export interface ExportBench {
  readonly dir: string;
  readonly datastore: Datastore;
  /** Puts `records` of `model` in as synced records (metadata filled in). */
  put(model: string, records: readonly ModelRecord[]): Promise<void>;
  close(): Promise<void>;
}

/** A datastore of the example schema in a new temporary folder. */
export function openBench(name: string): ExportBench {
  const dir = mkdtempSync(join(tmpdir(), `outpost-export-${name}-`));
  const datastore = openDatastore({ file: join(dir, 'outpost.db'), schema, durability: 'NORMAL' });
  const at = Date.UTC(2026, 2, 1);
  return {
    dir,
    datastore,
    async put(model, records) {
      const full = records.map((r) => ({
        createdAt: new Date(at).toISOString(),
        updatedAt: new Date(at).toISOString(),
        owner: 'sub::ana',
        ...r,
        _version: 1,
        _lastChangedAt: at,
        _deleted: null,
      }));
      await datastore.remote.applyRemote(model, full, { isFullSync: true });
    },
    async close() {
      await datastore.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Adds `bytes` to `files` and answers the reference a record of `model`/`recordId` holds for them. */
export async function attach(
  files: AttachmentFiles,
  model: string,
  recordId: string,
  bytes: Buffer,
  name: string | null,
  contentType = 'image/jpeg',
): Promise<AttachmentRef> {
  const stored = await files.add(Readable.from([bytes]));
  return { key: attachmentKey(model, recordId, stored.sha256), contentType, size: stored.size, sha256: stored.sha256, name };
}

/** The rows of a CSV text (RFC 4180, CRLF line ends); throws on anything else. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let wasQuoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c !== '"') field += c;
      else if (text[i + 1] === '"') {
        field += '"';
        i++;
      } else quoted = false;
      continue;
    }
    if (c === '"') {
      if (field !== '' || wasQuoted) throw new Error(`CSV: a quote inside an unquoted field at ${i}`);
      quoted = wasQuoted = true;
    } else if (c === ',') {
      row.push(field);
      field = '';
      wasQuoted = false;
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      wasQuoted = false;
      i++;
    } else if (c === '\r' || c === '\n') {
      throw new Error(`CSV: a bare line break outside quotes at ${i}`);
    } else {
      if (wasQuoted) throw new Error(`CSV: text after a closing quote at ${i}`);
      field += c;
    }
  }
  if (quoted) throw new Error('CSV: a quoted field is never closed');
  if (field !== '' || row.length > 0) throw new Error('CSV: the last row does not end with CRLF');
  return rows;
}

/** The CSV file at `path` as objects keyed by its header; asserts the BOM and equal row lengths. */
export function readCsv(path: string): { header: string[]; rows: Array<Record<string, string>> } {
  const text = readFileSync(path, 'utf8');
  if (!text.startsWith('\uFEFF')) throw new Error('CSV: no UTF-8 byte order mark');
  const [header, ...rows] = parseCsv(text.slice(1));
  if (header === undefined) throw new Error('CSV: no header row');
  for (const [i, row] of rows.entries())
    if (row.length !== header.length) throw new Error(`CSV: row ${i + 1} has ${row.length} cells, the header ${header.length}`);
  return { header, rows: rows.map((row) => Object.fromEntries(header.map((h, i) => [h, row[i]!]))) };
}

/** The entry names of the zip at `path` (`unzip -Z1`). */
export function zipEntries(path: string): string[] {
  return execFileSync('unzip', ['-Z1', path], { encoding: 'utf8' })
    .split('\n')
    .filter((line) => line !== '');
}

/** The bytes of one entry of the zip at `path` (`unzip -p`; the name is matched literally). */
export function zipEntry(path: string, entry: string): Buffer {
  // unzip takes wildcards in entry names: escape them so a name is matched as it is.
  return execFileSync('unzip', ['-p', path, entry.replace(/[[\]*?\\]/g, '\\$&')], { maxBuffer: 256 * 1024 * 1024 });
}

/** Runs `unzip -t` on the zip at `path`: every entry's CRC checked. */
export function zipTest(path: string): string {
  return execFileSync('unzip', ['-t', path], { encoding: 'utf8' });
}
