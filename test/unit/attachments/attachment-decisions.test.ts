// The attachment endpoint's plain decisions, table-driven, plus seeded properties for byte
// ranges and record-scoped blob ids (seed printed; replay with ATTACHMENTS_SEED=<n>).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { blobIdOf, parseBlobId, parseDeclaration } from '../../../server/attachments/attachment-metadata.js';
import { decideAccess, decideSize, formatBytes, routeOf } from '../../../server/attachments/attachment-policy.js';
import { decideRange } from '../../../server/attachments/byte-range.js';
import { judgeContentType, sniffImage } from '../../../common/content-sniff.js';

const seed = Number(process.env.ATTACHMENTS_SEED ?? Math.floor(Math.random() * 2 ** 31));
console.log(`attachment-decisions property seed: ${seed} (replay with ATTACHMENTS_SEED=${seed})`);
const sha = 'a'.repeat(64);
const bytesOf = (...parts: (number[] | string)[]): Uint8Array =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p))));

test('sniffImage recognises each format by its magic numbers', () => {
  const cases: [string, Uint8Array, string | null][] = [
    ['jpeg', bytesOf([0xff, 0xd8, 0xff, 0xe0], 'JFIF'), 'image/jpeg'],
    ['png', bytesOf([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), 'image/png'],
    ['gif87a', bytesOf('GIF87a'), 'image/gif'],
    ['gif89a', bytesOf('GIF89a'), 'image/gif'],
    ['webp', bytesOf('RIFF', [1, 2, 3, 4], 'WEBPVP8 '), 'image/webp'],
    ['riff but wave', bytesOf('RIFF', [1, 2, 3, 4], 'WAVEfmt '), null],
    ['heic', bytesOf([0, 0, 0, 24], 'ftypheic', [0, 0, 0, 0]), 'image/heic'],
    ['heif mif1', bytesOf([0, 0, 0, 24], 'ftypmif1'), 'image/heic'],
    ['mp4', bytesOf([0, 0, 0, 24], 'ftypisom'), null],
    ['pdf', bytesOf('%PDF-1.7'), null],
    ['empty', bytesOf(), null],
    ['two bytes of jpeg', bytesOf([0xff, 0xd8]), null],
  ];
  for (const [name, head, expected] of cases) assert.equal(sniffImage(head), expected, name);
});

test('judgeContentType: checked image types must match the bytes; other types are taken as declared', () => {
  const png = bytesOf([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const jpeg = bytesOf([0xff, 0xd8, 0xff, 0xdb]);
  const cases: [string, Uint8Array, boolean][] = [
    ['image/png', png, true],
    ['IMAGE/PNG; charset=binary', png, true],
    ['image/jpeg', png, false],
    ['image/jpg', jpeg, true],
    ['image/heif', bytesOf([0, 0, 0, 24], 'ftypheix'), true],
    ['image/webp', jpeg, false],
    ['image/gif', bytesOf('%PDF'), false],
    ['application/pdf', png, true],
    ['text/plain', jpeg, true],
    ['image/svg+xml', bytesOf('<svg'), true],
  ];
  for (const [declared, head, ok] of cases) assert.equal(judgeContentType(declared, head).ok, ok, declared);
  assert.deepEqual(judgeContentType('image/jpeg', png), { ok: false, reason: 'declared content type image/jpeg, but the bytes are image/png' });
  assert.deepEqual(judgeContentType('image/png', bytesOf('hello')), {
    ok: false,
    reason: 'declared content type image/png, but the bytes are not an image of a known type',
  });
});

test('parseDeclaration names the first problem', () => {
  const good = { model: 'Observation', recordId: 'r-1', field: 'photos', sha256: sha, contentType: 'image/png', filename: 'a.png' };
  assert.deepEqual(parseDeclaration(good), { ok: true, value: good });
  const cases: [Record<string, string | null>, string][] = [
    [{ ...good, sha256: 'A'.repeat(64) }, 'sha256 must be 64 lower-case hex digits'],
    [{ ...good, field: null }, 'Upload-Metadata lacks field'],
    [{ ...good, model: '../etc' }, 'model "../etc" is not a model name'],
    [{ ...good, field: 'a b' }, 'field "a b" is not a field name'],
    [{ ...good, contentType: 'png' }, 'contentType "png" is not a MIME type'],
    [{ ...good, recordId: '\ud800' }, 'recordId and filename must be well-formed Unicode'],
    [{ ...good, recordId: 'x'.repeat(513) }, 'recordId (512) or filename (1024 characters) too long'],
  ];
  for (const [metadata, reason] of cases) assert.deepEqual(parseDeclaration(metadata), { ok: false, reason });
});

test('blob ids are scoped to the record and round-trip through the URL path, whatever the record id', () => {
  fc.assert(
    fc.property(
      fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,20}$/),
      fc.string({ minLength: 1, maxLength: 40 }),
      fc.stringMatching(/^[0-9a-f]{64}$/),
      (model, recordId, hash) => {
        const id = blobIdOf({ model, recordId }, hash);
        assert.equal(id.split('/').length, 3);
        assert.deepEqual(parseBlobId(id), { model, recordId, sha256: hash, id });
      },
    ),
    { seed, numRuns: 500 },
  );
  assert.notEqual(blobIdOf({ model: 'Observation', recordId: 'a' }, sha), blobIdOf({ model: 'Observation', recordId: 'b' }, sha));
  assert.equal(parseBlobId(`Observation/r%7e1/${sha}`)?.id, `Observation/r~1/${sha}`, 'one blob for differently-escaped paths');
  for (const bad of [`Observation/r1`, `Observation/r1/${sha}/x`, `Observation//${sha}`, `Obs%ZZ/r/${sha}`, `Observation/r/${'g'.repeat(64)}`])
    assert.equal(parseBlobId(bad), null, bad);
});

test('routeOf classifies by method and path', () => {
  const blob = `/attachments/Observation/r1/${sha}`;
  const target = { model: 'Observation', recordId: 'r1' };
  const id = `Observation/r1/${sha}`;
  const cases: [string, string, unknown][] = [
    ['POST', '/attachments', { kind: 'create' }],
    ['POST', '/attachments/', { kind: 'create' }],
    ['GET', '/attachments', { kind: 'not-found' }],
    ['OPTIONS', blob, { kind: 'preflight' }],
    ['GET', blob, { kind: 'download', id, target }],
    ['HEAD', blob, { kind: 'tus', need: 'read', id, target }],
    ['PATCH', blob, { kind: 'tus', need: 'write', id, target }],
    ['DELETE', blob, { kind: 'tus', need: 'write', id, target }],
    ['POST', blob, { kind: 'not-found' }],
    ['GET', '/attachmentsX/Observation/r1/' + sha, { kind: 'not-found' }],
    ['GET', '/graphql', { kind: 'not-found' }],
  ];
  for (const [method, path, expected] of cases) assert.deepEqual(routeOf(method, path, '/attachments'), expected, `${method} ${path}`);
});

test('decideAccess: 404 unless the caller may read; 403 only for a reader who wants to write', () => {
  const cases: ['read' | 'write', boolean, boolean, number | null][] = [
    ['read', true, false, null],
    ['read', false, false, 404],
    ['write', true, true, null],
    ['write', true, false, 403],
    ['write', false, false, 404],
  ];
  for (const [need, read, write, status] of cases)
    assert.equal(decideAccess(need, { read, write })?.status ?? null, status, `${need} read=${read} write=${write}`);
});

test('decideSize names the limit that is exceeded', () => {
  const limits = { maxFileBytes: 10_000_000, maxUserBytes: 25_000_000 };
  assert.equal(decideSize(10_000_000, 15_000_000, limits), null);
  assert.deepEqual(decideSize(10_000_001, 0, limits), {
    status: 413,
    message: 'file is 10000001 bytes (10.0 MB); the limit per file is 10000000 bytes (10.0 MB)',
  });
  assert.deepEqual(decideSize(5_000_000, 24_000_000, limits), {
    status: 413,
    message: 'file is 5000000 bytes (5.0 MB), but only 1000000 bytes (1.0 MB) of your 25000000 bytes (25.0 MB) limit per user is left',
  });
  assert.equal(formatBytes(999), '999 bytes');
  assert.equal(formatBytes(1500), '1500 bytes (1.5 kB)');
});

test('decideRange: single ranges as RFC 9110 reads them', () => {
  const cases: [string | undefined, number, unknown][] = [
    [undefined, 10, { kind: 'whole' }],
    ['bytes=0-4', 10, { kind: 'partial', range: { start: 0, end: 4 } }],
    ['bytes=5-', 10, { kind: 'partial', range: { start: 5, end: 9 } }],
    ['bytes=-3', 10, { kind: 'partial', range: { start: 7, end: 9 } }],
    ['bytes=-30', 10, { kind: 'partial', range: { start: 0, end: 9 } }],
    ['bytes=8-100', 10, { kind: 'partial', range: { start: 8, end: 9 } }],
    ['bytes=10-', 10, { kind: 'unsatisfiable' }],
    ['bytes=5-4', 10, { kind: 'unsatisfiable' }],
    ['bytes=-0', 10, { kind: 'unsatisfiable' }],
    ['bytes=0-0', 0, { kind: 'unsatisfiable' }],
    ['bytes=0-1,4-5', 10, { kind: 'whole' }],
    ['items=0-1', 10, { kind: 'whole' }],
  ];
  for (const [header, length, expected] of cases) assert.deepEqual(decideRange(header, length), expected, `${header} of ${length}`);
  // If-Range: the range only when the client's copy is of this very blob (strong entity-tag match).
  const tag = '"abc"';
  const ifRange: [string | undefined, unknown][] = [
    [undefined, { kind: 'partial', range: { start: 5, end: 9 } }],
    ['"abc"', { kind: 'partial', range: { start: 5, end: 9 } }],
    [' "abc" ', { kind: 'partial', range: { start: 5, end: 9 } }],
    ['"other"', { kind: 'whole' }],
    ['W/"abc"', { kind: 'whole' }],
    ['Wed, 02 Dec 2026 18:00:00 GMT', { kind: 'whole' }],
  ];
  for (const [value, expected] of ifRange) assert.deepEqual(decideRange('bytes=5-', 10, value, tag), expected, `If-Range ${value}`);
  fc.assert(
    fc.property(fc.nat(1000), fc.nat(2000), fc.nat(2000), (length, a, b) => {
      const decision = decideRange(`bytes=${a}-${b}`, length);
      if (decision.kind === 'partial') assert.ok(decision.range.start <= decision.range.end && decision.range.end < length && decision.range.start === a);
      else assert.ok(a >= length || b < a);
    }),
    { seed, numRuns: 500 },
  );
});
