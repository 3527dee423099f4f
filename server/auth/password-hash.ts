// Password hashing with node's scrypt. Hashes are self-describing PHC strings
// (`$scrypt$ln=15,r=8,p=1$<salt>$<hash>`, base64 without padding) so the cost can be raised later
// without invalidating stored passwords: `needsRehash` tells the caller when to re-hash on sign-in.
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/** scrypt cost parameters: N = 2^ln (CPU/memory cost), r (block size), p (parallelism). */
export interface ScryptParams {
  readonly ln: number;
  readonly r: number;
  readonly p: number;
}

/**
 * Defaults: N = 2^15, r = 8, p = 1 — 32 MiB and roughly 100 ms per hash on a server core
 * (RFC 7914's interactive-login range). Higher costs make each sign-in a cheap memory DoS, since
 * node runs up to four hashes at once on its thread pool.
 */
export const DEFAULT_SCRYPT_PARAMS: ScryptParams = { ln: 15, r: 8, p: 1 };

const SALT_BYTES = 16;
const KEY_BYTES = 64;
// Bounds on parameters read back from storage, so a corrupted row cannot ask for gigabytes.
const MAX_LN = 20;
const MAX_R = 32;
const MAX_P = 16;

function derive(password: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  const N = 2 ** params.ln;
  // 128 * N * r bytes is what scrypt needs; node's default cap (32 MiB) is exactly our default, so add headroom.
  const options: ScryptOptions = { N, r: params.r, p: params.p, maxmem: 256 * N * params.r + 1024 * 1024 };
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, KEY_BYTES, options, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

/** Hashes a password into a PHC string; `params` defaults to DEFAULT_SCRYPT_PARAMS. */
export async function hashPassword(password: string, params: ScryptParams = DEFAULT_SCRYPT_PARAMS): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, params);
  return `$scrypt$ln=${params.ln},r=${params.r},p=${params.p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

interface ParsedHash {
  readonly params: ScryptParams;
  readonly salt: Buffer;
  readonly key: Buffer;
}

function parseHash(stored: string): ParsedHash | undefined {
  const match = /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9_-]+)\$([A-Za-z0-9_-]+)$/.exec(stored);
  if (!match) return undefined;
  const params = { ln: Number(match[1]), r: Number(match[2]), p: Number(match[3]) };
  if (params.ln < 1 || params.ln > MAX_LN || params.r < 1 || params.r > MAX_R || params.p < 1 || params.p > MAX_P) {
    return undefined;
  }
  const salt = Buffer.from(match[4], 'base64url');
  const key = Buffer.from(match[5], 'base64url');
  if (salt.length < 8 || key.length < 16) return undefined;
  return { params, salt, key };
}

/** True when `password` matches the stored PHC hash; compares in constant time. A malformed hash never matches. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parseHash(stored);
  if (!parsed) return false;
  const key = await derive(password, parsed.salt, parsed.params);
  return key.length === parsed.key.length && timingSafeEqual(key, parsed.key);
}

/** True when the stored hash used weaker parameters than `params` (default DEFAULT_SCRYPT_PARAMS). */
export function needsRehash(stored: string, params: ScryptParams = DEFAULT_SCRYPT_PARAMS): boolean {
  const parsed = parseHash(stored);
  return !parsed || parsed.params.ln < params.ln || parsed.params.r < params.r || parsed.params.p < params.p;
}

// Verifying against this when a username is unknown makes "no such user" cost the same time as
// "wrong password", so response timing does not reveal which usernames exist.
let decoyHash: Promise<string> | undefined;

/** Spends the same work as verifyPassword on a decoy hash and returns false. */
export async function verifyDecoyPassword(password: string): Promise<false> {
  decoyHash ??= hashPassword(randomBytes(16).toString('hex'));
  await verifyPassword(password, await decoyHash);
  return false;
}
