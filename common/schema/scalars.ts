// What each AppSync scalar accepts, as AppSync documents it (docs.aws.amazon.com/appsync/latest/devguide/scalars.html).
// Checking locally what the server would reject keeps bad values out of the outbox, where they
// would fail only days later when the device syncs.
import type { ScalarTypeName } from './types.js';

/** Smallest and largest GraphQL `Int` (32-bit signed). */
export const INT_MIN = -2147483648;
export const INT_MAX = 2147483647;

const OFFSET = String.raw`(?:Z|[+-]\d{2}:\d{2}(?::\d{2})?)`;
const DATE = String.raw`(\d{4})-(\d{2})-(\d{2})`;
const TIME = String.raw`(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?`;
const DATE_RE = new RegExp(`^${DATE}(${OFFSET})?$`);
const TIME_RE = new RegExp(`^${TIME}(${OFFSET})?$`);
const DATE_TIME_RE = new RegExp(`^${DATE}T${TIME}(${OFFSET})$`);
const EMAIL_RE =
  /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
const URL_SCHEME_RE = /^[A-Za-z][A-Za-z0-9+.-]*:[^\s]+$/;
const PHONE_RE = /^(\+\d{1,3}[ -]?)?(\(\d{1,4}\)[ -]?)?\d+(?:[ -]\d+)*$/;

/** Why `value` is not a valid `scalar` (a phrase like "must be …"), or undefined when it is valid. */
export function scalarRule(scalar: ScalarTypeName, value: unknown): string | undefined {
  switch (scalar) {
    case 'ID':
      return typeof value === 'string' && value.length > 0 && isWellFormed(value) ? undefined : 'must be a non-empty string of valid Unicode';
    case 'String':
      return typeof value === 'string' && isWellFormed(value) ? undefined : 'must be a string of valid Unicode';
    case 'Int':
      return typeof value === 'number' && Number.isInteger(value) && value >= INT_MIN && value <= INT_MAX
        ? undefined
        : `must be an integer from ${INT_MIN} to ${INT_MAX}`;
    case 'Float':
      return typeof value === 'number' && Number.isFinite(value) ? undefined : 'must be a finite number';
    case 'Boolean':
      return typeof value === 'boolean' ? undefined : 'must be true or false';
    case 'AWSDate':
      return typeof value === 'string' && isDate(value) ? undefined : 'must be a date YYYY-MM-DD, optionally with Z or ±hh:mm[:ss]';
    case 'AWSTime':
      return typeof value === 'string' && isTime(value) ? undefined : 'must be a time hh:mm[:ss[.sss]], optionally with Z or ±hh:mm[:ss]';
    case 'AWSDateTime':
      return typeof value === 'string' && isDateTime(value) ? undefined : 'must be an ISO-8601 date-time YYYY-MM-DDThh:mm[:ss[.sss]] with Z or ±hh:mm[:ss]';
    case 'AWSTimestamp':
      return typeof value === 'number' && Number.isSafeInteger(value) ? undefined : 'must be a whole number of seconds since 1970-01-01T00:00Z';
    case 'AWSEmail':
      return typeof value === 'string' && isEmail(value) ? undefined : 'must be an email address local-part@domain';
    case 'AWSJSON':
      return typeof value === 'string' && isJson(value) ? undefined : 'must be a string holding valid JSON';
    case 'AWSURL':
      return typeof value === 'string' && isUrl(value) ? undefined : 'must be a URL with a scheme (https://…, mailto:…) and no "//" in its path';
    case 'AWSPhone':
      return typeof value === 'string' && isPhone(value)
        ? undefined
        : 'must be a phone number: +<country code> and digits, or 10 NANP digits, grouped by spaces or hyphens';
    case 'AWSIPAddress':
      return typeof value === 'string' && isIpAddress(value) ? undefined : 'must be an IPv4 or IPv6 address, optionally with /prefix';
  }
}

// A lone UTF-16 surrogate cannot be encoded as UTF-8: it would reach the server as U+FFFD, silently changed.
const LONE_SURROGATE_RE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function isWellFormed(value: string): boolean {
  return !LONE_SURROGATE_RE.test(value);
}

function inRange(text: string | undefined, max: number): boolean {
  return text === undefined || Number(text) <= max;
}

function isValidDay(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
  return day <= days;
}

function isOffset(offset: string | undefined): boolean {
  if (offset === undefined || offset === 'Z') return true;
  const [hours, minutes, seconds] = offset.slice(1).split(':');
  return inRange(hours, 23) && inRange(minutes, 59) && inRange(seconds, 59);
}

function isDate(value: string): boolean {
  const m = DATE_RE.exec(value);
  return m !== null && isValidDay(Number(m[1]), Number(m[2]), Number(m[3])) && isOffset(m[4]);
}

function isTime(value: string): boolean {
  const m = TIME_RE.exec(value);
  return m !== null && inRange(m[1], 23) && inRange(m[2], 59) && inRange(m[3], 59) && isOffset(m[4]);
}

function isDateTime(value: string): boolean {
  const m = DATE_TIME_RE.exec(value);
  return m !== null && isValidDay(Number(m[1]), Number(m[2]), Number(m[3])) && inRange(m[4], 23) && inRange(m[5], 59) && inRange(m[6], 59) && isOffset(m[7]);
}

function isEmail(value: string): boolean {
  const at = value.lastIndexOf('@');
  return EMAIL_RE.test(value) && at <= 64 && value.length - at - 1 <= 253;
}

function isJson(value: string): boolean {
  try {
    JSON.parse(value);
    return true;
  } catch {
    return false;
  }
}

function isUrl(value: string): boolean {
  if (!URL_SCHEME_RE.test(value)) return false;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  // A hierarchical URL ("scheme://") needs a host; AppSync rejects "//" inside the path.
  const rest = value.slice(url.protocol.length);
  if (rest.startsWith('//')) {
    if (url.host === '') return false;
    const afterAuthority = rest.slice(2).replace(/^[^/?#]*/, '');
    return !afterAuthority.replace(/[?#].*$/, '').includes('//');
  }
  return !rest.replace(/[?#].*$/, '').includes('//');
}

function isPhone(value: string): boolean {
  if (!PHONE_RE.test(value)) return false;
  const digits = value.replace(/\D/g, '');
  if (value.startsWith('+')) return digits.length >= 8 && digits.length <= 15;
  // Without a country code AppSync assumes a North American (NANP) number.
  return digits.length === 10 || (digits.length === 11 && digits.startsWith('1'));
}

function isIpAddress(value: string): boolean {
  const slash = value.indexOf('/');
  const address = slash === -1 ? value : value.slice(0, slash);
  const prefix = slash === -1 ? undefined : value.slice(slash + 1);
  const v4 = isIPv4(address);
  if (!v4 && !isIPv6(address)) return false;
  if (prefix === undefined) return true;
  return /^(0|[1-9]\d{0,2})$/.test(prefix) && Number(prefix) <= (v4 ? 32 : 128);
}

function isIPv4(value: string): boolean {
  const parts = value.split('.');
  return parts.length === 4 && parts.every((p) => /^(0|[1-9]\d{0,2})$/.test(p) && Number(p) <= 255);
}

function isIPv6(value: string): boolean {
  const halves = value.split('::');
  if (halves.length > 2) return false;
  const groupsOf = (text: string): string[] | undefined => (text === '' ? [] : text.split(':'));
  const head = groupsOf(halves[0]);
  const tail = halves.length === 2 ? groupsOf(halves[1]) : [];
  if (head === undefined || tail === undefined) return false;
  const all = [...head, ...tail];
  let count = 0;
  for (let i = 0; i < all.length; i++) {
    const group = all[i];
    if (/^[0-9A-Fa-f]{1,4}$/.test(group)) count += 1;
    else if (i === all.length - 1 && (halves.length === 1 || tail.length > 0) && isIPv4(group))
      count += 2; // embedded IPv4 tail, e.g. ::ffff:192.0.2.1
    else return false;
  }
  return halves.length === 2 ? count < 8 : count === 8;
}
