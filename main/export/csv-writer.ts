// CSV through csv-stringify (RFC 4180: CRLF rows, fields quoted when they hold a comma, quote or
// line break), with a UTF-8 byte order mark so Excel reads accents as UTF-8. Columns: csv-columns.ts.
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { stringify } from 'csv-stringify';
import { csvColumns } from './csv-columns.js';
import type { DataWriter, ExportShape } from './data-writer.js';
import { writeChunk } from './stream-writes.js';

/** Writes a header row, then one row per record, into `out`. */
export function csvWriter(out: Writable, shape: ExportShape): DataWriter {
  const columns = csvColumns(shape.schema, shape.model, shape.relations);
  // csv-stringify quotes a field holding the whole record delimiter (CRLF); a lone CR or LF would
  // pass unquoted and split the row in Excel, so any line break is quoted.
  const csv = stringify({ bom: true, record_delimiter: 'windows', quoted_match: /[\r\n]/ });
  const written = pipeline(csv, out);
  // Awaited in `end`; a failure before then surfaces through the next write.
  written.catch(() => undefined);
  let headerWritten = false;
  const header = async (): Promise<void> => {
    if (headerWritten) return;
    headerWritten = true;
    await writeChunk(
      csv,
      columns.map((c) => c.header),
    );
  };
  return {
    async write(page) {
      await header();
      for (const record of page.records) {
        await writeChunk(
          csv,
          columns.map((c) => c.cell(record, page.labels)),
        );
      }
    },
    async end() {
      await header();
      csv.end();
      await written;
    },
  };
}
