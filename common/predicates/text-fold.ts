// How text compares when a query ignores case and accents (`ignoreCase`): both sides are folded to
// lower case without combining marks, so "ÉCOLE", "école" and "ecole" are one word. One definition
// for the in-memory evaluator and the SQL function the local store registers (`outpost_fold`).

/** The name under which the local store registers `foldText` as an SQLite function. */
export const FOLD_SQL_FUNCTION = 'outpost_fold';

/** `text` in lower case with its accents (Unicode combining marks) removed, NFC-composed. */
export function foldText(text: string): string {
  // Lower-casing first: "İ" lowers to "i" plus a combining dot, which the mark removal then drops.
  return text
    .toLowerCase()
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .normalize('NFC');
}
