// A JSON array streamed item by item: `open`, the items separated by ",\n", `close`. Valid JSON at
// the end however many items came, none included.
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { writeChunk } from './stream-writes.js';

/** Writes `open` at once, `add`'s items as JSON (a page at a time), and `close` at `end`, which ends `out` and waits for it. */
export function jsonArrayWriter(out: Writable, open: string, close: string): { add(items: readonly unknown[]): Promise<void>; end(): Promise<void> } {
  let count = 0;
  let opened = false;
  const start = async (): Promise<void> => {
    if (opened) return;
    opened = true;
    await writeChunk(out, open);
  };
  return {
    async add(items) {
      if (items.length === 0) return;
      await start();
      // One write per page: 500 small writes would each pass through the stream machinery.
      const text = items.map((item) => JSON.stringify(item)).join(',\n');
      await writeChunk(out, count === 0 ? text : `,\n${text}`);
      count += items.length;
    },
    async end() {
      await start();
      await writeChunk(out, count === 0 ? close.trimStart() : close);
      out.end();
      await finished(out);
    },
  };
}
