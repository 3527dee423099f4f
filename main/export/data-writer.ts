// One export's data file, whatever its format: pages of records go in, in order, and `end` resolves
// once every byte reached the output. Each format's writer lives in its own file.
import type { Writable } from 'node:stream';
import type { ExportFormat } from '../../common/export/export-formats.js';
import type { ModelDef, ModelRecord, Schema } from '../../common/schema/types.js';
import type { LabelLookup } from './csv-columns.js';
import { csvWriter } from './csv-writer.js';
import { geojsonWriter } from './geojson-writer.js';
import { jsonWriter } from './json-writer.js';
import type { ExportedRelation } from './related-labels.js';

/** A page of records and the labels of the records they point at. */
export interface ExportPage {
  readonly records: readonly ModelRecord[];
  readonly labels: LabelLookup;
}

/** What is exported: the model and its `@belongsTo` relations. */
export interface ExportShape {
  readonly schema: Schema;
  readonly model: ModelDef;
  readonly relations: readonly ExportedRelation[];
}

export interface DataWriter {
  /** Writes the page's records, waiting while the output is full. */
  write(page: ExportPage): Promise<void>;
  /** Finishes the file (closing brackets) and ends `out`; resolves once it is written. */
  end(): Promise<void>;
}

/** The writer of `format` into `out`. */
export function dataWriter(format: ExportFormat, out: Writable, shape: ExportShape): DataWriter {
  switch (format) {
    case 'csv':
      return csvWriter(out, shape);
    case 'geojson':
      return geojsonWriter(out, shape);
    case 'json':
      return jsonWriter(out, shape);
  }
}
