// Names of exported files and of the entries inside an export zip, made from what people typed
// (record titles, original file names): a name is one path segment that every unzip tool on
// Windows, macOS and Linux can create — no separators or characters Windows refuses, no "." or
// "..", no reserved device names (CON, NUL, COM1, …), no trailing dot or space, at most 150 UTF-8
// bytes — and names in one folder differ without regard to case ("photo.jpg", "photo (2).jpg"),
// as on Windows and macOS. A record's folder carries the record's id, so record folders are
// distinct without remembering the names given out (an export of 100,000 records holds none).
import { createHash } from 'node:crypto';

/** Most UTF-8 bytes of one name (file systems allow 255; room is left for " (n)"). */
export const MAX_NAME_BYTES = 150;

const RESERVED_WINDOWS = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\.|$)/i;
// Windows forbids <>:"/\|?* and control characters; a path separator would make a new folder.
const FORBIDDEN = /[\u0000-\u001f\u007f<>:"/\\|?*]/g;

/** `name` made safe as one path segment (see the header); `fallback` when nothing usable is left. */
export function safeName(name: string, fallback: string): string {
  const safe = cleaned(name) || cleaned(fallback) || '_';
  return truncated(RESERVED_WINDOWS.test(safe) ? `_${safe}` : safe, MAX_NAME_BYTES);
}

// Trailing dots and spaces go (Windows drops them), which also empties "." and "..".
function cleaned(name: string): string {
  return name
    .normalize('NFC')
    .replace(FORBIDDEN, '_')
    .trim()
    .replace(/[. ]+$/, '');
}

/** `name` cut to `maxBytes` of UTF-8, keeping its extension and whole characters. */
function truncated(name: string, maxBytes: number): string {
  if (Buffer.byteLength(name) <= maxBytes) return name;
  const dot = name.lastIndexOf('.');
  const extension = dot > 0 && name.length - dot <= 16 ? name.slice(dot) : '';
  const stem = [...name.slice(0, name.length - extension.length)];
  while (stem.length > 1 && Buffer.byteLength(stem.join('') + extension) > maxBytes) stem.pop();
  return stem.join('').trimEnd() + extension;
}

/** `name` numbered: "photo.jpg", 2 → "photo (2).jpg" (a folder's: "v1.2" → "v1.2 (2)"); 1 leaves it as it is. */
export function numberedName(name: string, n: number, isFolder = false): string {
  if (n <= 1) return name;
  const dot = isFolder ? -1 : name.lastIndexOf('.');
  return dot > 0 ? `${name.slice(0, dot)} (${n})${name.slice(dot)}` : `${name} (${n})`;
}

/** The names given out in one folder; each `claim` answers a name not given before (case-insensitively). */
export class FolderNames {
  private readonly taken = new Set<string>();

  /** `ofFolders`: the names are folders, numbered at their end (a dot in them is no extension). */
  constructor(private readonly ofFolders = false) {}
  /** Per name asked for (folded): the number its next copy starts trying from, so many copies stay cheap. */
  private readonly nextNumber = new Map<string, number>();

  /** `name`, or its first numbered form not yet taken. */
  claim(name: string): string {
    const asked = name.toLowerCase();
    for (let n = this.nextNumber.get(asked) ?? 1; ; n++) {
      const candidate = numberedName(name, n, this.ofFolders);
      const folded = candidate.toLowerCase();
      if (this.taken.has(folded)) continue;
      this.taken.add(folded);
      this.nextNumber.set(asked, n + 1);
      return candidate;
    }
  }
}

/** Longest id part of a record folder's name, UTF-8 bytes (longer ids are cut and made unique by a hash). */
const MAX_ID_BYTES = 64;

/**
 * A record's folder in an export zip, "<label> (<id>)" ("North field (3f2a…)"), just the id when the
 * label is made of it: distinct for distinct ids, also without regard to case. An id that is not
 * already a safe lower-case name (upper case, characters made safe) or is long gets a short hash of
 * it, so "Site-A" and "site-a" stay two folders on Windows and macOS.
 */
export function recordFolderName(label: string, id: string): string {
  const safeId = safeName(id, '_');
  const exact = safeId === id && id === id.toLowerCase() && Buffer.byteLength(id) <= MAX_ID_BYTES;
  const idPart = exact ? id : `${cutTo(safeId, MAX_ID_BYTES - 11)}~${createHash('sha256').update(id).digest('hex').slice(0, 10)}`;
  if (label === id || label === `#${id.slice(0, 8)}` || cleaned(label) === '') return idPart;
  const room = MAX_NAME_BYTES - Buffer.byteLength(idPart) - 3;
  return `${cutTo(safeName(label, '_'), room).trimEnd()} (${idPart})`;
}

/** `text` cut to at most `maxBytes` of UTF-8, whole characters. */
function cutTo(text: string, maxBytes: number): string {
  const chars = [...text];
  while (chars.length > 0 && Buffer.byteLength(chars.join('')) > maxBytes) chars.pop();
  return chars.join('');
}
