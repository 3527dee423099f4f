// JSON: an array of records (exported-record.ts), one per line, UTF-8 without a byte order mark (RFC 8259).
import type { Writable } from 'node:stream';
import type { DataWriter, ExportShape } from './data-writer.js';
import { recordExporter } from './exported-record.js';
import { jsonArrayWriter } from './json-array-writer.js';

/** Writes `[`, the records, `]` into `out`. */
export function jsonWriter(out: Writable, shape: ExportShape): DataWriter {
  const array = jsonArrayWriter(out, '[\n', '\n]\n');
  const exported = recordExporter(shape.model, shape.relations);
  return {
    write: (page) => array.add(page.records.map((record) => exported(record, page.labels))),
    end: () => array.end(),
  };
}
