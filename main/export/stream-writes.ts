// Writing to a stream without outrunning it: a writer that ignored `write`'s false would buffer the
// whole export in memory whenever the disk (or the zip) is slower than the datastore.
import { once } from 'node:events';
import type { Writable } from 'node:stream';

/** Writes `chunk` (bytes, text, or a row for an object-mode stream) to `out`, waiting for 'drain' when its buffer is full; rejects if `out` fails or closes meanwhile. */
export async function writeChunk(out: Writable, chunk: unknown): Promise<void> {
  if (out.destroyed || out.writableEnded) throw closedEarly(out);
  if (out.write(chunk)) return;
  const waiting = new AbortController();
  try {
    // `once` rejects on 'error'; the loser of the race is aborted so no listener is left behind.
    await Promise.race([
      once(out, 'drain', { signal: waiting.signal }),
      once(out, 'close', { signal: waiting.signal }).then(() => Promise.reject(closedEarly(out))),
    ]);
  } finally {
    waiting.abort();
  }
}

function closedEarly(out: Writable): Error {
  return out.errored ?? new Error('export: the output stream closed before the export was written');
}
