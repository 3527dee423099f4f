// The credential store: the in-memory backend's contract, and the real keytar backend against a
// real Secret Service (gnome-keyring in a private D-Bus session with HOME in a temp folder).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { keychainAccount, keytarCredentialStore, memoryCredentialStore, KEYCHAIN_SERVICE } from '../../../main/auth/credential-store.js';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../..', import.meta.url));

test('memory store keeps one secret per server and user, and delete reports whether one existed', async () => {
  const store = memoryCredentialStore();
  assert.equal(await store.get('http://a', 'ana'), null);
  await store.set('http://a', 'ana', 's1');
  await store.set('http://b', 'ana', 's2');
  assert.equal(await store.get('http://a', 'ana'), 's1');
  assert.equal(await store.get('http://b', 'ana'), 's2');
  assert.equal(await store.delete('http://a', 'ana'), true);
  assert.equal(await store.delete('http://a', 'ana'), false);
  assert.equal(await store.get('http://a', 'ana'), null);
  assert.equal(await store.get('http://b', 'ana'), 's2');
});

test('each store says what it is and, in plain words, where it keeps secrets', () => {
  assert.deepEqual([keytarCredentialStore().kind, keytarCredentialStore().description], ['keychain', 'kept in the system keychain']);
  assert.deepEqual([memoryCredentialStore().kind, memoryCredentialStore().description], ['memory', 'kept only until Outpost closes (no keychain available)']);
});

test('keychain entries are filed under service Outpost as <server>#<user>', () => {
  assert.equal(KEYCHAIN_SERVICE, 'Outpost');
  assert.equal(keychainAccount('https://h:4000', 'ana'), 'https://h:4000#ana');
});

function secretServiceUnavailable(): string | undefined {
  if (process.platform !== 'linux') return `the keychain test drives the Linux Secret Service; this is ${process.platform}`;
  for (const tool of ['dbus-run-session', 'gnome-keyring-daemon']) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) return `${tool} is not installed (apt-get install -y dbus gnome-keyring)`;
  }
  return undefined;
}

const skipReason = secretServiceUnavailable();

test('real keychain: keytar stores, rotates and deletes a secret in an unlocked gnome-keyring', { skip: skipReason ?? false }, () => {
  const home = mkdtempSync(join(tmpdir(), 'outpost-keychain-'));
  try {
    const runtime = join(home, 'run');
    mkdirSync(runtime);
    chmodSync(runtime, 0o700);
    const script = [
      // A locked keyring makes keytar answer null instead of failing, so unlock it first.
      'printf pass | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1',
      'exec node --import tsx test/unit/auth/client-keychain-probe.ts',
    ].join('; ');
    const child = spawnSync('dbus-run-session', ['--', 'sh', '-c', script], {
      cwd: root,
      env: { ...process.env, HOME: home, XDG_RUNTIME_DIR: runtime, DBUS_SESSION_BUS_ADDRESS: '' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    assert.equal(child.status, 0, `probe failed: ${child.stderr}`);
    const line = child.stdout.trim().split('\n').at(-1) ?? '';
    assert.deepEqual(JSON.parse(line), {
      before: null,
      ana: 'refresh-1',
      bob: 'refresh-2',
      rotated: 'refresh-3',
      deleted: true,
      afterDelete: null,
      deletedAgain: false,
    });
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});
