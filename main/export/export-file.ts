// Writes one export to its file: the pages of records (record-pages.ts) through the format's writer
// (data-writer.ts), with the related records' labels of each page read first, and, for a zip, each
// page's attached files (export-zip.ts). Everything goes to a temporary file beside the target and
// is moved into place only when complete, so a failed export leaves no half file and never spoils
// a file that was there. Only one page is in memory at a time.
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Predicate } from '../../common/predicates/types.js';
import type { ExportFormat } from '../../common/export/export-formats.js';
import type { ModelDef, Schema } from '../../common/schema/types.js';
import { dataWriter, type ExportShape } from './data-writer.js';
import { ExportZip, type FileSource } from './export-zip.js';
import { placeFile } from './place-file.js';
import { recordPages, type ExportMatching, type ExportSort, type ExportSource } from './record-pages.js';
import { RelatedLabels } from './related-labels.js';

export interface ExportJob {
  readonly schema: Schema;
  readonly model: ModelDef;
  readonly where?: Predicate;
  readonly sort?: readonly ExportSort[];
  /** The list's search and its case- and accent-insensitive filter. */
  readonly matching?: ExportMatching;
  readonly format: ExportFormat;
  /** With it the export is a zip of the data file and the attached files. */
  readonly files?: { readonly source: FileSource; readonly dataName: string };
  readonly source: ExportSource;
  /** Where the file goes. */
  readonly path: string;
  /** True when the user chose `path` and agreed to replace a file there; else an existing file makes it "name (2).ext". */
  readonly overwrite: boolean;
  /** Records per datastore page (default 500). */
  readonly pageSize?: number;
}

/** What an export wrote. */
export interface ExportResult {
  /** Where the file went (differs from the job's path when a file was there and overwrite was false). */
  readonly path: string;
  readonly records: number;
  /** Size of the written file. */
  readonly bytes: number;
  /** Zip only: files put in it, and attachments listed as missing. */
  readonly files?: number;
  readonly missingFiles?: number;
}

/** Runs `job`; on failure nothing is left at the target and the error is rethrown. */
export async function exportToFile(job: ExportJob): Promise<ExportResult> {
  const temp = join(dirname(job.path), `.outpost-export-${randomUUID()}.part`);
  const scratch = job.files ? await mkdtemp(join(tmpdir(), 'outpost-export-')) : null;
  try {
    const counts = await writeExport(job, temp, scratch);
    const path = await placeFile(temp, job.path, job.overwrite);
    return { path, bytes: (await stat(path)).size, ...counts };
  } finally {
    await rm(temp, { force: true });
    if (scratch !== null) await rm(scratch, { recursive: true, force: true });
  }
}

async function writeExport(job: ExportJob, temp: string, scratch: string | null): Promise<Omit<ExportResult, 'path' | 'bytes'>> {
  const labels = new RelatedLabels(job.source, job.schema, job.model);
  const shape: ExportShape = { schema: job.schema, model: job.model, relations: labels.relations };
  const target = createWriteStream(temp, { flags: 'wx' });
  const zip =
    job.files && scratch !== null ? new ExportZip({ schema: job.schema, model: job.model, fileSource: job.files.source, out: target, tempDir: scratch }) : null;
  const dataFile = zip !== null && scratch !== null ? join(scratch, 'data') : null;
  const dataOut = dataFile === null ? target : createWriteStream(dataFile, { flags: 'wx' });
  // A disk error is read from the stream (`errored`) by the next write or the final wait; without
  // a listener Node would throw it out of the event loop and take the app down.
  for (const stream of [target, dataOut]) stream.on('error', () => undefined);
  const data = dataWriter(job.format, dataOut, shape);
  const lookup = labels.labelOf.bind(labels);
  let records = 0;
  try {
    for await (const page of recordPages(job.source, job.schema, job.model, job.where, job.sort, job.pageSize, job.matching)) {
      await labels.load(page);
      await data.write({ records: page, labels: lookup });
      if (zip !== null) await zip.addRecords(page);
      records += page.length;
    }
    await data.end();
    if (zip !== null && dataFile !== null) await zip.end(dataFile, job.files!.dataName);
  } catch (error) {
    zip?.abort();
    await Promise.all([closed(dataOut), closed(target)]);
    throw error;
  }
  return zip === null ? { records } : { records, files: zip.files, missingFiles: zip.missingFiles };
}

/** Destroys `stream` and waits until its file is closed (Windows cannot remove an open file). */
async function closed(stream: WriteStream): Promise<void> {
  if (stream.closed) return;
  const closing = once(stream, 'close');
  stream.destroy();
  await closing;
}
