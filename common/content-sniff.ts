// Which image formats the bytes are, from their magic numbers, and whether a declared content
// type agrees. Only the image types below are checked (they are shown inline, so a lie matters);
// any other declared type is accepted as declared and served as a download.

/** Image types whose signatures we know, keyed by their canonical MIME type. */
export type SniffedImage = 'image/jpeg' | 'image/png' | 'image/gif' | 'image/webp' | 'image/heic';

/** Bytes of the blob's start needed to recognise every type below. */
export const SNIFF_BYTES = 16;

// Brands an ISO-BMFF `ftyp` box carries for HEIF/HEIC still images and sequences.
const HEIF_BRANDS = new Set(['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis', 'mif1', 'msf1']);
// Declared types that name the same format.
const ALIASES: Readonly<Record<string, SniffedImage>> = {
  'image/jpg': 'image/jpeg',
  'image/pjpeg': 'image/jpeg',
  'image/heif': 'image/heic',
  'image/heic-sequence': 'image/heic',
  'image/heif-sequence': 'image/heic',
};
const CHECKED = new Set<string>(['image/jpeg', 'image/png', 'image/gif', 'image/webp', 'image/heic']);

function startsWith(head: Uint8Array, signature: readonly number[], at = 0): boolean {
  return signature.every((byte, i) => head[at + i] === byte);
}

function ascii(head: Uint8Array, from: number, to: number): string {
  return String.fromCharCode(...head.subarray(from, to));
}

/** The image type the first bytes (≥ SNIFF_BYTES when the blob has them) show, or null. */
export function sniffImage(head: Uint8Array): SniffedImage | null {
  if (startsWith(head, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (ascii(head, 0, 6) === 'GIF87a' || ascii(head, 0, 6) === 'GIF89a') return 'image/gif';
  if (ascii(head, 0, 4) === 'RIFF' && ascii(head, 8, 12) === 'WEBP') return 'image/webp';
  if (ascii(head, 4, 8) === 'ftyp' && HEIF_BRANDS.has(ascii(head, 8, 12))) return 'image/heic';
  return null;
}

/** The canonical type for a declared MIME type (lower-cased, parameters dropped, aliases folded). */
export function canonicalContentType(declared: string): string {
  const bare = declared.split(';')[0].trim().toLowerCase();
  return ALIASES[bare] ?? bare;
}

export type ContentTypeVerdict = { readonly ok: true } | { readonly ok: false; readonly reason: string };

/** Whether `declared` may stand for bytes starting with `head`: checked image types must match. */
export function judgeContentType(declared: string, head: Uint8Array): ContentTypeVerdict {
  const wanted = canonicalContentType(declared);
  if (!CHECKED.has(wanted)) return { ok: true };
  const actual = sniffImage(head);
  if (actual === wanted) return { ok: true };
  const found = actual ? `the bytes are ${actual}` : 'the bytes are not an image of a known type';
  return { ok: false, reason: `declared content type ${declared}, but ${found}` };
}

/** True for the image types served inline (verified against their bytes at upload). */
export function isCheckedImageType(declared: string): boolean {
  return CHECKED.has(canonicalContentType(declared));
}
