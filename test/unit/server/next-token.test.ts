import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ValidationError } from '../../../common/errors.js';
import { decodeNextToken, encodeNextToken, tokenScope } from '../../../server/resolvers/next-token.js';

const scope = tokenScope(['Post', 'syncPosts', null, 0, 'u:1']);

test('round-trips a cursor for the same scope and secret', () => {
  const cursor = { kind: 'base' as const, cursor: 'id-9', startedAt: 1714560000000, scope };
  const token = encodeNextToken(cursor, 'secret');
  assert.deepEqual(decodeNextToken(token, 'secret', scope), cursor);
});

test('refuses edited, re-signed, truncated or foreign-scope tokens with BadRequest', () => {
  const token = encodeNextToken({ kind: 'delta', cursor: 42, startedAt: 1, since: 0, scope }, 'secret');
  const [body, mac] = token.split('.') as [string, string];
  const edited = Buffer.from(Buffer.from(body, 'base64url').toString().replace('42', '1')).toString('base64url');
  const attempts = [
    `${edited}.${mac}`,
    encodeNextToken({ kind: 'delta', cursor: 42, startedAt: 1, since: 0, scope }, 'other-secret'),
    token.slice(0, -3),
    'no-dot',
    '',
  ];
  for (const bad of attempts) {
    assert.throws(
      () => decodeNextToken(bad, 'secret', scope),
      (e: unknown) => e instanceof ValidationError && e.details?.errorType === 'BadRequest',
    );
  }
  assert.throws(() => decodeNextToken(token, 'secret', tokenScope(['Post', 'syncPosts', null, 0, 'u:2'])), ValidationError);
});
