// How a bad value appears in an error message: as the JSON a user would have written, shortened,
// with the values JSON cannot show (NaN, Infinity, bigint, undefined) spelled out.

const MAX_CHARS = 60;

/** A short, readable rendering of any value for error messages (at most 60 characters). */
export function showValue(value: unknown): string {
  let text: string;
  if (value === undefined) text = 'nothing';
  else if (typeof value === 'number' && !Number.isFinite(value)) text = String(value);
  else if (typeof value === 'bigint') text = `${value}n`;
  else if (typeof value === 'function' || typeof value === 'symbol') text = `a ${typeof value}`;
  else {
    try {
      text = JSON.stringify(value) ?? String(value);
    } catch {
      text = Object.prototype.toString.call(value);
    }
  }
  return text.length > MAX_CHARS ? `${text.slice(0, MAX_CHARS - 3)}...` : text;
}
