// The attached files an export reads from this device: the profile's content-addressed store. A
// file evicted from the cache (or never downloaded) is "missing", not a failure of the export.
import { once } from 'node:events';
import type { AttachmentFiles } from '../attachments/attachment-files.js';
import type { FileSource } from './export-zip.js';

/** A FileSource over `files`: the file's stream once it is open, null when it is not there. */
export function storeFileSource(files: AttachmentFiles): FileSource {
  return async (ref) => {
    const stream = files.read(ref.sha256);
    try {
      // Opening, not `exists` then open: the file may be evicted between the two.
      await once(stream, 'ready');
      return stream;
    } catch (error) {
      stream.destroy();
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  };
}
