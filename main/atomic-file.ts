// Small settings files beside a profile (sync settings, conflict decisions, the profile list):
// written to a temp file and renamed over the old one, so a crash leaves the old or the new
// contents, never half of either.
import { renameSync, writeFileSync } from 'node:fs';

/** Replaces `file`'s contents with `text` atomically (temp file `<file>.tmp`, then rename). */
export function writeFileAtomically(file: string, text: string): void {
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}
