// Names of exported files and of the entries inside an export zip, made from what people typed
// (record titles, original file names): a name is one path segment that every unzip tool on
// Windows, macOS and Linux can create — no separators or characters Windows refuses, no "." or
// "..", no reserved device names (CON, NUL, COM1, …), no trailing dot or space, at most 150 UTF-8
// bytes — and names in one folder differ without regard to case ("photo.jpg", "photo (2).jpg"),
// as on Windows and macOS.

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
