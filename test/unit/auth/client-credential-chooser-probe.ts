// Child process for choose-credential-store.test.ts: runs chooseCredentialStore with the real keytar
// in whatever D-Bus session the parent set up (none, one without a Secret Service, one with an
// unlocked gnome-keyring) and a fake safeStorage (backend from OUTPOST_PROBE_BACKEND); stores and
// reads back one secret through the chosen store and prints one JSON line.
import { join } from 'node:path';
import { chooseCredentialStore } from '../../../main/auth/choose-credential-store.js';
import { keytarCredentialStore } from '../../../main/auth/credential-store.js';
import { fakeSafeStorage } from './fake-safe-storage.js';

const backend = process.env.OUTPOST_PROBE_BACKEND === 'basic_text' ? 'basic_text' : 'gnome_libsecret';
const warnings: string[] = [];
const store = await chooseCredentialStore({
  keychain: keytarCredentialStore(),
  safeStorage: fakeSafeStorage({ backend }),
  file: join(process.env.OUTPOST_PROBE_DIR ?? '.', 'credentials.json'),
  platform: 'linux',
  warn: (message) => warnings.push(message),
});
await store.set('https://outpost.example', 'ana', 'refresh-1');
const readBack = await store.get('https://outpost.example', 'ana');
console.log(JSON.stringify({ kind: store.kind, description: store.description, warnings, readBack }));
