// Profiles on disk: ids from server + user, one database folder each, the remembered server and
// active profile, and recovery from a damaged settings file.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { createProfileRegistry, normaliseServer, profileDatabaseFile, profileIdFor } from '../../../main/auth/profiles.js';

function withDir(fn: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'outpost-profiles-'));
  try {
    fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('profile ids: same server and user → same id; other user, server or offline → different id', () => {
  const a = profileIdFor('https://h:4000', 'ana');
  assert.equal(a, profileIdFor('https://h:4000', 'ana'));
  assert.match(a, /^[0-9a-f]{24}$/);
  assert.notEqual(a, profileIdFor('https://h:4000', 'bob'));
  assert.notEqual(a, profileIdFor('https://other:4000', 'ana'));
  assert.notEqual(a, profileIdFor(null, 'ana'));
});

test('server URLs are normalised so trailing slashes and case do not split a profile', () => {
  assert.equal(normaliseServer('HTTP://Host.Example:4000/'), 'http://host.example:4000');
  assert.equal(normaliseServer('http://h:4000/base/?x=1#y'), 'http://h:4000/base');
});

test('sign-in records the profile, creates its folder under profiles/<id>, and remembers the server', () => {
  withDir((dir) => {
    const registry = createProfileRegistry(dir);
    assert.deepEqual(registry.read(), { lastServer: null, activeProfileId: null, profiles: [] });
    const id = profileIdFor('http://h:1', 'ana');
    registry.signedIn({ id, mode: 'password', server: 'http://h:1', username: 'ana' }, 1000);
    assert.equal(profileDatabaseFile(dir, id), join(dir, 'profiles', id, 'outpost.db'));
    assert.ok(existsSync(join(dir, 'profiles', id)));
    const offline = profileIdFor(null, 'field');
    registry.signedIn({ id: offline, mode: 'offline', server: null, username: 'field' }, 2000);
    const settings = createProfileRegistry(dir).read();
    assert.equal(settings.lastServer, 'http://h:1', 'an offline profile does not replace the remembered server');
    assert.equal(settings.activeProfileId, offline);
    assert.deepEqual(
      settings.profiles.map((p) => [p.username, p.lastUsedAt]),
      [
        ['field', 2000],
        ['ana', 1000],
      ],
    );
    registry.signedIn({ id, mode: 'password', server: 'http://h:1', username: 'ana' }, 3000);
    assert.equal(registry.read().profiles.length, 2, 'signing in again reuses the entry');
    registry.signedOut();
    assert.equal(registry.read().activeProfileId, null);
    registry.remove(id);
    assert.ok(!existsSync(join(dir, 'profiles', id)));
    assert.deepEqual(
      registry.read().profiles.map((p) => p.id),
      [offline],
    );
  });
});

test('a damaged settings file is set aside and the app starts with no profiles', () => {
  withDir((dir) => {
    writeFileSync(join(dir, 'settings.json'), '{"profiles": 7');
    const registry = createProfileRegistry(dir);
    assert.deepEqual(registry.read().profiles, []);
    assert.ok(readdirSync(dir).some((n) => n.startsWith('settings.json.damaged-')));
  });
});
