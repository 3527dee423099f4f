// The zip of an export with its files (yazl): every attached file this device holds, streamed from
// disk one at a time, as files/<Model>/<record label> (<id>)/<original name>; files/MISSING.txt lists the
// attachments whose files are not here (with their record), and the data file goes in last — it is
// written to a temporary file while the same pages go by, so the data and the files come from the
// same reads of the datastore. Names: file-names.ts; only one record's file names are held at a
// time (its folder is distinct by the record's id), so memory stays flat in the records exported.
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { finished, pipeline } from 'node:stream/promises';
import { ZipFile } from 'yazl';
import { attachmentRefsOf, type AttachmentRef } from '../../common/schema/attachment-ref.js';
import { modelIdOf } from '../../common/schema/record-key.js';
import { recordLabel } from '../../common/schema/record-labels.js';
import type { ModelDef, ModelRecord, Schema } from '../../common/schema/types.js';
import { writeChunk } from './stream-writes.js';
import { FolderNames, recordFolderName, safeName } from './file-names.js';

/** The bytes of the file `ref` names, or null when this device does not have it. */
export type FileSource = (ref: AttachmentRef) => Promise<Readable | null>;

/** Where the list of missing files goes in the zip. */
export const MISSING_LIST = 'files/MISSING.txt';

const MISSING_HEADER =
  'These files are attached to exported records but were not on this device when the export was made.\n' +
  'Open the records in Outpost while connected to download them, then export again.\n\n';

// Photos, video, audio and archives are compressed already: deflating them again costs time for nothing.
function compressible(contentType: string): boolean {
  return !/^(image|video|audio)\//i.test(contentType) && !/^application\/(zip|gzip|x-7z-compressed|x-rar-compressed|x-bzip2|zstd)$/i.test(contentType);
}

export interface ExportZipOptions {
  readonly schema: Schema;
  readonly model: ModelDef;
  readonly fileSource: FileSource;
  /** Where the zip is written. */
  readonly out: Writable;
  /** A private folder for the missing-files list while it grows. */
  readonly tempDir: string;
}

/** One export's zip: `addRecords` for every page, then `end` with the finished data file. */
export class ExportZip {
  private readonly zip = new ZipFile();
  private readonly written: Promise<void>;
  private readonly failed: Promise<never>;
  private missing: Writable | null = null;
  /** Files put in the zip so far. */
  files = 0;
  /** Attachments listed in MISSING.txt so far. */
  missingFiles = 0;

  constructor(private readonly options: ExportZipOptions) {
    this.written = pipeline(this.zip.outputStream, options.out);
    this.failed = new Promise<never>((_, reject) => this.zip.once('error', reject));
    // Both are awaited through `guard`; these keep an early failure from being "unhandled".
    this.written.catch(() => undefined);
    this.failed.catch(() => undefined);
  }

  /** Adds the files of `records`' attachments, one after the other, each read to its end before the next opens. */
  async addRecords(records: readonly ModelRecord[]): Promise<void> {
    const { schema, model } = this.options;
    for (const record of records) {
      const refs = attachmentRefsOf(schema, model, record);
      if (refs.length === 0) continue;
      const label = recordLabel(model, record);
      const folder = `files/${model.name}/${recordFolderName(label, modelIdOf(model, record))}`;
      const names = new FolderNames();
      const seen = new Set<string>();
      for (const ref of refs) {
        // The same file attached twice under the same name is one entry.
        const same = `${ref.sha256}\u0000${ref.name ?? ''}`;
        if (seen.has(same)) continue;
        seen.add(same);
        await this.addFile(ref, `${folder}/${names.claim(safeName(ref.name ?? '', ref.sha256.slice(0, 16)))}`, record, label);
      }
    }
  }

  private async addFile(ref: AttachmentRef, path: string, record: ModelRecord, label: string): Promise<void> {
    const stream = await this.guard(this.options.fileSource(ref));
    if (stream === null) {
      await this.noteMissing(ref, record, label);
      return;
    }
    this.zip.addReadStream(stream, path, { compress: compressible(ref.contentType) });
    await this.guard(finished(stream));
    this.files++;
  }

  private async noteMissing(ref: AttachmentRef, record: ModelRecord, label: string): Promise<void> {
    if (this.missing === null) {
      this.missing = createWriteStream(join(this.options.tempDir, 'MISSING.txt'));
      await writeChunk(this.missing, MISSING_HEADER);
    }
    const { model } = this.options;
    const what = `${ref.name ?? '(no name)'} (${ref.contentType}, ${ref.size.toLocaleString('en-US')} bytes, sha-256 ${ref.sha256})`;
    await writeChunk(this.missing, `${model.name} "${label}" (id ${modelIdOf(model, record)}): ${what}\n`);
    this.missingFiles++;
  }

  /** Adds the missing-files list (when one is needed) and `dataFile` as `dataName`, finishes the zip and waits until it is written. */
  async end(dataFile: string, dataName: string): Promise<void> {
    if (this.missing !== null) {
      this.missing.end();
      await finished(this.missing);
      this.zip.addFile(join(this.options.tempDir, 'MISSING.txt'), MISSING_LIST);
    }
    this.zip.addFile(dataFile, dataName);
    this.zip.end();
    await this.guard(this.written);
  }

  /** Stops writing after a failure (the caller removes the partial file). */
  abort(): void {
    this.zip.outputStream.destroy();
    this.missing?.destroy();
  }

  // An entry's stream or the zip itself can fail while we wait on something else.
  private guard<T>(step: Promise<T>): Promise<T> {
    return Promise.race([step, this.failed]);
  }
}
