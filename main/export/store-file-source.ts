// The attached files an export reads from this device: the profile's content-addressed store,
// decrypted when the store is encrypted. A file evicted from the cache (or never downloaded) is
// "missing", not a failure of the export; one that fails its integrity check fails the export with
// an error naming it (AttachmentFileDamaged) rather than putting altered bytes in the zip.
import type { AttachmentFiles } from '../attachments/attachment-files.js';
import type { FileSource } from './export-zip.js';

/** A FileSource over `files`: the file's stream once it is open, null when it is not there. */
export function storeFileSource(files: AttachmentFiles): FileSource {
  // Opening, not `exists` then open: the file may be evicted between the two.
  return (ref) => files.openRead(ref.sha256);
}
