// Which credential store a machine gets: the decision as a table, the chooser over keychain fakes
// that fail as keytar does without a Secret Service, and the real keytar in three D-Bus set-ups
// (none, a bus without org.freedesktop.secrets, an unlocked gnome-keyring) in a child process.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { chooseCredentialStore, decideCredentialStore, probeKeychain } from '../../../main/auth/choose-credential-store.js';
import { memoryCredentialStore, type CredentialStore } from '../../../main/auth/credential-store.js';
import { safeStorageProtection } from '../../../main/auth/safe-storage-credential-store.js';
import { fakeSafeStorage } from './fake-safe-storage.js';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const dirs: string[] = [];
after(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
function folder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'outpost-chooser-'));
  dirs.push(dir);
  return dir;
}

const NO_DISPLAY = 'Cannot autolaunch D-Bus without X11 $DISPLAY';
const NO_SECRETS = 'The name org.freedesktop.secrets was not provided by any .service files';

/** A keychain that fails every call as keytar does on a Linux machine without a Secret Service. */
function brokenKeychain(message: string): CredentialStore & { calls: number } {
  const fail = () => {
    broken.calls += 1;
    return Promise.reject(new Error(message));
  };
  const broken = { kind: 'keychain' as const, description: 'kept in the system keychain', calls: 0, get: fail, set: fail, delete: fail };
  return broken;
}

function workingKeychain(): CredentialStore & { calls: number } {
  const inner = memoryCredentialStore('kept in the system keychain');
  const store = {
    kind: 'keychain' as const,
    description: inner.description,
    calls: 0,
    get: (server: string, user: string) => {
      store.calls += 1;
      return inner.get(server, user);
    },
    set: inner.set,
    delete: inner.delete,
  };
  return store;
}

test('decision: keychain when it answers; else safeStorage with a real key; basic_text only when accepted; else memory', () => {
  const strong = safeStorageProtection('linux', 'kwallet5');
  const weak = safeStorageProtection('linux', 'basic_text');
  const table: Array<[Parameters<typeof decideCredentialStore>[0], 'keychain' | 'safeStorage' | 'memory']> = [
    [{ keychainProblem: null, safeStorage: strong, acceptWeakProtection: false }, 'keychain'],
    [{ keychainProblem: null, safeStorage: null, acceptWeakProtection: false }, 'keychain'],
    [{ keychainProblem: NO_SECRETS, safeStorage: strong, acceptWeakProtection: false }, 'safeStorage'],
    [{ keychainProblem: NO_SECRETS, safeStorage: weak, acceptWeakProtection: false }, 'memory'],
    [{ keychainProblem: NO_SECRETS, safeStorage: weak, acceptWeakProtection: true }, 'safeStorage'],
    [{ keychainProblem: NO_DISPLAY, safeStorage: null, acceptWeakProtection: true }, 'memory'],
  ];
  for (const [facts, use] of table) {
    const decision = decideCredentialStore(facts);
    assert.equal(decision.use, use, JSON.stringify(facts));
    if (decision.use !== 'keychain') assert.ok(decision.warning.includes(facts.keychainProblem!), 'the warning says why the keychain was not used');
  }
  const refused = decideCredentialStore({ keychainProblem: NO_SECRETS, safeStorage: weak, acceptWeakProtection: false });
  assert.match(refused.use === 'memory' ? refused.warning : '', /basic_text.*last until Outpost closes/);
});

test('a keychain that answers is used as it is, probed once, with nothing to warn about', async () => {
  const keychain = workingKeychain();
  const warnings: string[] = [];
  const chosen = await chooseCredentialStore({
    keychain,
    safeStorage: fakeSafeStorage({ backend: 'gnome_libsecret' }),
    file: join(folder(), 'c.json'),
    platform: 'linux',
    warn: (m) => warnings.push(m),
  });
  assert.equal(chosen, keychain);
  assert.equal(keychain.calls, 1);
  assert.deepEqual(warnings, []);
});

test('no Secret Service: safeStorage with a keyring backend (or DPAPI, Keychain) keeps sign-ins in its file', async () => {
  for (const [message, platform, backend, words] of [
    [NO_SECRETS, 'linux', 'kwallet6', 'kwallet6'],
    [NO_DISPLAY, 'linux', 'gnome_libsecret', 'gnome-libsecret'],
    ['The specified item could not be found in the keychain.', 'darwin', undefined, 'Keychain'],
    ['keytar.node: cannot open shared object file', 'win32', undefined, 'DPAPI'],
  ] as const) {
    const dir = folder();
    const warnings: string[] = [];
    const chosen = await chooseCredentialStore({
      keychain: brokenKeychain(message),
      safeStorage: fakeSafeStorage(backend ? { backend } : {}),
      file: join(dir, 'credentials.json'),
      platform,
      warn: (m) => warnings.push(m),
    });
    assert.equal(chosen.kind, 'encryptedFile', message);
    assert.equal(chosen.description, `kept in a file encrypted by the system (${words})`);
    assert.equal(warnings.length, 1);
    assert.ok(warnings[0]!.includes(message) && warnings[0]!.includes(join(dir, 'credentials.json')), warnings[0]);
    await chosen.set('https://h', 'ana', 'r1');
    assert.equal(await chosen.get('https://h', 'ana'), 'r1');
    assert.ok(existsSync(join(dir, 'credentials.json')), 'kept on disk, survives a restart');
  }
});

test('basic_text: memory by default, saying so; the weak file only when accepted', async () => {
  const warnings: string[] = [];
  const dir = folder();
  const byDefault = await chooseCredentialStore({
    keychain: brokenKeychain(NO_SECRETS),
    safeStorage: fakeSafeStorage({ backend: 'basic_text' }),
    file: join(dir, 'c.json'),
    platform: 'linux',
    warn: (m) => warnings.push(m),
  });
  assert.equal(byDefault.kind, 'memory');
  assert.equal(byDefault.description, 'kept only until Outpost closes (no keychain available)');
  await byDefault.set('https://h', 'ana', 'r1');
  assert.equal(existsSync(join(dir, 'c.json')), false, 'nothing written under the hard-coded key');
  assert.match(warnings.join('\n'), /basic_text.*until Outpost closes/);
  const accepted = await chooseCredentialStore({
    keychain: brokenKeychain(NO_SECRETS),
    safeStorage: fakeSafeStorage({ backend: 'basic_text' }),
    file: join(dir, 'c.json'),
    platform: 'linux',
    warn: () => undefined,
    acceptWeakProtection: true,
  });
  assert.equal(accepted.kind, 'weakFile');
  assert.equal(accepted.description, 'kept in a file with weak protection (no keyring)');
});

test('no keychain and no safeStorage (unavailable, or browser mode): memory, with a warning', async () => {
  for (const safeStorage of [fakeSafeStorage({ available: false, backend: 'gnome_libsecret' }), null, undefined]) {
    const warnings: string[] = [];
    const chosen = await chooseCredentialStore({
      keychain: brokenKeychain(NO_DISPLAY),
      safeStorage,
      file: join(folder(), 'c.json'),
      platform: 'linux',
      warn: (m) => warnings.push(m),
    });
    assert.equal(chosen.kind, 'memory');
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /No usable keychain \(Cannot autolaunch D-Bus without X11 \$DISPLAY\); sign-ins last until Outpost closes/);
  }
  await assert.rejects(chooseCredentialStore({ keychain: workingKeychain(), safeStorage: fakeSafeStorage() }), /needs the file/);
});

test('a keychain that never answers counts as unusable after the probe timeout', async () => {
  const hanging: CredentialStore = {
    kind: 'keychain',
    description: 'kept in the system keychain',
    get: () => new Promise(() => undefined),
    set: async () => undefined,
    delete: async () => false,
  };
  assert.match((await probeKeychain(hanging, 50)) ?? '', /no answer within 50 ms/);
  const chosen = await chooseCredentialStore({ keychain: hanging, platform: 'linux', warn: () => undefined, probeTimeoutMs: 50 });
  assert.equal(chosen.kind, 'memory');
});

// --- the real keytar -------------------------------------------------------------------------

function linuxDbusMissing(): string | undefined {
  if (process.platform !== 'linux') return `drives the Linux Secret Service; this is ${process.platform}`;
  for (const tool of ['dbus-run-session', 'gnome-keyring-daemon']) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) return `${tool} is not installed (apt-get install -y dbus gnome-keyring)`;
  }
  return undefined;
}
const skip = linuxDbusMissing() ?? false;

interface ProbeResult {
  kind: string;
  description: string;
  warnings: string[];
  readBack: string | null;
}

function runProbe(setup: 'no-bus' | 'no-secret-service' | 'gnome-keyring', backend: 'gnome_libsecret' | 'basic_text'): ProbeResult {
  const home = folder();
  const runtime = join(home, 'run');
  mkdirSync(runtime);
  chmodSync(runtime, 0o700);
  const probe = 'node --import tsx test/unit/auth/client-credential-chooser-probe.ts';
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: home, XDG_RUNTIME_DIR: runtime, OUTPOST_PROBE_DIR: home, OUTPOST_PROBE_BACKEND: backend };
  delete env.DISPLAY;
  delete env.DBUS_SESSION_BUS_ADDRESS;
  let command: string[];
  if (setup === 'no-bus') {
    command = ['sh', '-c', `exec ${probe}`];
  } else if (setup === 'no-secret-service') {
    // A session bus with no service directories: nothing can be activated as org.freedesktop.secrets.
    const config = join(home, 'bus.conf');
    writeFileSync(
      config,
      `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN" "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig><type>session</type><listen>unix:tmpdir=${home}</listen><auth>EXTERNAL</auth>
<policy context="default"><allow send_destination="*" eavesdrop="true"/><allow eavesdrop="true"/><allow own="*"/></policy></busconfig>`,
    );
    command = ['dbus-run-session', `--config-file=${config}`, '--', 'sh', '-c', `exec ${probe}`];
  } else {
    command = ['dbus-run-session', '--', 'sh', '-c', `printf pass | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1; exec ${probe}`];
  }
  const child = spawnSync(command[0]!, command.slice(1), { cwd: root, env, encoding: 'utf8', timeout: 60_000 });
  assert.equal(child.status, 0, `probe failed: ${child.stderr}`);
  return JSON.parse(child.stdout.trim().split('\n').at(-1) ?? '') as ProbeResult;
}

test('real keytar, no D-Bus at all: the probe fails as on a headless box and safeStorage takes over', { skip }, () => {
  const result = runProbe('no-bus', 'gnome_libsecret');
  assert.equal(result.kind, 'encryptedFile');
  assert.equal(result.readBack, 'refresh-1');
  assert.match(result.warnings.join('\n'), /Cannot autolaunch D-Bus without X11 \$DISPLAY/);
});

test('real keytar, a bus without a Secret Service: memory when safeStorage is only basic_text', { skip }, () => {
  const result = runProbe('no-secret-service', 'basic_text');
  assert.equal(result.kind, 'memory');
  assert.equal(result.readBack, 'refresh-1', 'the sign-in still works for this run');
  assert.match(result.warnings.join('\n'), /org\.freedesktop\.secrets was not provided by any \.service files/);
});

test('real keytar with an unlocked gnome-keyring: the keychain, no warning', { skip }, () => {
  const result = runProbe('gnome-keyring', 'gnome_libsecret');
  assert.deepEqual(result, { kind: 'keychain', description: 'kept in the system keychain', warnings: [], readBack: 'refresh-1' });
});
