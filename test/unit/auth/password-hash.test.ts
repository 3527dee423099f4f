import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hashPassword, needsRehash, verifyDecoyPassword, verifyPassword } from '../../../server/auth/password-hash.js';

test('a hash verifies its own password only, and is salted', async () => {
  const a = await hashPassword('correct horse battery');
  const b = await hashPassword('correct horse battery');
  assert.match(a, /^\$scrypt\$ln=15,r=8,p=1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{86}$/);
  assert.notEqual(a, b);
  assert.equal(await verifyPassword('correct horse battery', a), true);
  assert.equal(await verifyPassword('correct horse batterY', a), false);
  assert.equal(await verifyPassword('', a), false);
});

test('unicode passwords are compared in NFC form', async () => {
  const hash = await hashPassword('caf\u00e9-au-lait');
  assert.equal(await verifyPassword('cafe\u0301-au-lait', hash), true);
});

test('malformed or tampered hashes never verify', async () => {
  const hash = await hashPassword('some password');
  const parts = hash.split('$');
  const key = parts[4];
  const flipped = (key[0] === 'A' ? 'B' : 'A') + key.slice(1);
  assert.equal(await verifyPassword('some password', [...parts.slice(0, 4), flipped].join('$')), false);
  assert.equal(await verifyPassword('some password', hash.replace('ln=15', 'ln=99')), false);
  assert.equal(await verifyPassword('some password', 'plain text'), false);
  assert.equal(await verifyPassword('some password', ''), false);
});

test('weaker stored parameters ask for a re-hash', async () => {
  const weak = await hashPassword('some password', { ln: 10, r: 8, p: 1 });
  assert.equal(await verifyPassword('some password', weak), true);
  assert.equal(needsRehash(weak), true);
  assert.equal(needsRehash(await hashPassword('some password')), false);
  assert.equal(needsRehash('garbage'), true);
});

test('the decoy check always fails', async () => {
  assert.equal(await verifyDecoyPassword('anything'), false);
});
