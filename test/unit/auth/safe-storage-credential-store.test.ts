// The safeStorage-backed credential store over a faithful fake safeStorage and a real file in a
// temp folder: round trip keyed like the keychain, nothing readable in the file's bytes, mode
// 0600, atomic writes, and damaged or undecryptable files reported by name, never overwritten.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { CredentialStoreError, keychainAccount } from '../../../main/auth/credential-store.js';
import { safeStorageCredentialStore, safeStorageProtection } from '../../../main/auth/safe-storage-credential-store.js';
import { fakeSafeStorage } from './fake-safe-storage.js';

const dirs: string[] = [];
after(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
function folder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'outpost-safe-storage-'));
  dirs.push(dir);
  return dir;
}

const A = 'https://outpost.example:4000';
const B = 'http://127.0.0.1:4100';

test('round trip: one secret per server and user, rotated, deleted; a new store on the same file reads them back', async () => {
  const dir = folder();
  const file = join(dir, 'credentials.json');
  const safeStorage = fakeSafeStorage({ backend: 'gnome_libsecret' });
  const store = safeStorageCredentialStore({ safeStorage, file, platform: 'linux' });
  assert.equal(await store.get(A, 'ana'), null, 'no file yet: nothing stored');
  assert.equal(await store.delete(A, 'ana'), false);
  await store.set(A, 'ana', 'refresh-1');
  await store.set(A, 'bob', 'refresh-2');
  await store.set(B, 'ana', 'key-3');
  await store.set(A, 'ana', 'refresh-4');
  assert.equal(await store.get(A, 'ana'), 'refresh-4');
  assert.equal(await store.get(A, 'bob'), 'refresh-2');
  assert.equal(await store.get(B, 'ana'), 'key-3');
  const reopened = safeStorageCredentialStore({ safeStorage, file, platform: 'linux' });
  assert.equal(await reopened.get(A, 'ana'), 'refresh-4', 'kept across a restart');
  assert.equal(await reopened.delete(A, 'ana'), true);
  assert.equal(await reopened.delete(A, 'ana'), false);
  assert.equal(await store.get(A, 'ana'), null);
  assert.equal(await store.get(A, 'bob'), 'refresh-2');
  const doc = JSON.parse(readFileSync(file, 'utf8')) as { entries: Record<string, string> };
  assert.deepEqual(Object.keys(doc.entries).sort(), [keychainAccount(A, 'bob'), keychainAccount(B, 'ana')].sort(), 'keyed like the keychain');
});

test('the file holds ciphertext only: no secret appears in its bytes, in any common encoding', async () => {
  const file = join(folder(), 'credentials.json');
  const store = safeStorageCredentialStore({ safeStorage: fakeSafeStorage(), file, platform: 'win32' });
  const secret = 'eyJhbGciOiJIUzI1NiJ9.refresh-token-that-must-not-leak';
  await store.set(A, 'ana', secret);
  const bytes = readFileSync(file);
  for (const encoded of [secret, Buffer.from(secret).toString('base64'), Buffer.from(secret).toString('hex'), 'refresh-token-that-must-not-leak']) {
    assert.equal(bytes.includes(encoded), false, `found ${encoded.slice(0, 20)}… in the file`);
  }
  assert.equal(await store.get(A, 'ana'), secret);
});

test('mode 0600, even when the file existed with wider permissions', { skip: process.platform === 'win32' ? 'POSIX modes' : false }, async () => {
  const dir = folder();
  const file = join(dir, 'credentials.json');
  writeFileSync(file, JSON.stringify({ format: 'outpost-credentials', version: 1, entries: {} }), { mode: 0o644 });
  const store = safeStorageCredentialStore({ safeStorage: fakeSafeStorage(), file, platform: 'darwin' });
  await store.set(A, 'ana', 's');
  assert.equal(statSync(file).mode & 0o777, 0o600);
  await store.delete(A, 'ana');
  assert.equal(statSync(file).mode & 0o777, 0o600);
});

test('atomic: no temp file is left, and a failed write leaves the old file and its entries intact', async () => {
  const dir = folder();
  const file = join(dir, 'credentials.json');
  const safeStorage = fakeSafeStorage();
  const store = safeStorageCredentialStore({ safeStorage, file, platform: 'darwin' });
  await store.set(A, 'ana', 'kept');
  await store.set(A, 'bob', 'kept too');
  assert.deepEqual(readdirSync(dir), ['credentials.json']);
  const before = readFileSync(file);
  // The temp file's place is taken by a folder: the write fails before the rename.
  mkdirSync(`${file}.tmp`);
  await assert.rejects(store.set(A, 'carl', 'new'));
  assert.deepEqual(readFileSync(file), before, 'old file untouched');
  assert.equal(await store.get(A, 'ana'), 'kept');
  assert.equal(await store.get(A, 'carl'), null);
  rmSync(`${file}.tmp`, { recursive: true });
  // Encryption failing (the OS key went away) writes nothing either.
  const locked = safeStorageCredentialStore({ safeStorage: fakeSafeStorage({ available: false }), file, platform: 'darwin' });
  await assert.rejects(locked.set(A, 'carl', 'new'), /Encryption is not available/);
  assert.deepEqual(readFileSync(file), before);
  assert.deepEqual(readdirSync(dir), ['credentials.json']);
});

test('a damaged file is a clear error naming it, and is never overwritten by a later write', async () => {
  const dir = folder();
  const file = join(dir, 'credentials.json');
  const store = safeStorageCredentialStore({ safeStorage: fakeSafeStorage(), file, platform: 'win32' });
  for (const damaged of [
    '{"format":"outpost-credentials","version":1,"entries":{"a#b":"',
    '[1,2]',
    '{"format":"outpost-credentials","version":1,"entries":{"a#b":7}}',
  ]) {
    writeFileSync(file, damaged);
    for (const attempt of [() => store.get(A, 'ana'), () => store.set(A, 'ana', 'x'), () => store.delete(A, 'ana')]) {
      await assert.rejects(attempt(), (error: unknown) => {
        assert.ok(error instanceof CredentialStoreError, String(error));
        assert.ok(error.message.includes(file), `names the file: ${error.message}`);
        assert.match(error.message, /Move it away and sign in again/);
        return true;
      });
    }
    assert.equal(readFileSync(file, 'utf8'), damaged, 'left as it was');
  }
});

test('an entry another key made cannot be decrypted: a clear error for it, and the next write keeps it', async () => {
  const dir = folder();
  const file = join(dir, 'credentials.json');
  const thisMachine = safeStorageCredentialStore({ safeStorage: fakeSafeStorage(), file, platform: 'win32' });
  await thisMachine.set(A, 'ana', 'from-the-old-key');
  // The same file read with another key (copied from another computer, or the keyring was reset).
  const newKey = safeStorageCredentialStore({ safeStorage: fakeSafeStorage(), file, platform: 'win32' });
  await assert.rejects(newKey.get(A, 'ana'), (error: unknown) => {
    assert.ok(error instanceof CredentialStoreError);
    assert.ok(error.message.includes(file) && error.message.includes(keychainAccount(A, 'ana')), error.message);
    assert.match(error.message, /cannot be decrypted/);
    return true;
  });
  await newKey.set(A, 'bob', 'new');
  assert.equal(await newKey.get(A, 'bob'), 'new');
  assert.equal(await thisMachine.get(A, 'ana'), 'from-the-old-key', 'the undecryptable entry was not dropped');
});

test('protection: DPAPI, Keychain and Linux keyrings encrypt; basic_text and unknown backends are weak', () => {
  assert.deepEqual(safeStorageProtection('win32', undefined), {
    kind: 'encryptedFile',
    backend: 'DPAPI',
    description: 'kept in a file encrypted by the system (DPAPI)',
  });
  assert.equal(safeStorageProtection('darwin', undefined).description, 'kept in a file encrypted by the system (Keychain)');
  assert.equal(safeStorageProtection('linux', 'gnome_libsecret').description, 'kept in a file encrypted by the system (gnome-libsecret)');
  for (const wallet of ['kwallet', 'kwallet5', 'kwallet6']) assert.equal(safeStorageProtection('linux', wallet).kind, 'encryptedFile');
  for (const weak of ['basic_text', 'unknown', undefined]) {
    assert.deepEqual(safeStorageProtection('linux', weak), {
      kind: 'weakFile',
      backend: weak ?? 'unknown',
      description: 'kept in a file with weak protection (no keyring)',
    });
  }
  const store = safeStorageCredentialStore({ safeStorage: fakeSafeStorage({ backend: 'basic_text' }), file: join(folder(), 'c.json'), platform: 'linux' });
  assert.equal(store.kind, 'weakFile');
});
