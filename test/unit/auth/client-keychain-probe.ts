// Child process for client-credential-store.test.ts: runs inside a private D-Bus session with an
// unlocked gnome-keyring and exercises the real keytar backend; prints one JSON line of results.
import { keytarCredentialStore } from '../../../main/auth/credential-store.js';

const store = keytarCredentialStore();
const server = 'https://outpost.example:4000';
const before = await store.get(server, 'ana');
await store.set(server, 'ana', 'refresh-1');
await store.set(server, 'bob', 'refresh-2');
const ana = await store.get(server, 'ana');
const bob = await store.get(server, 'bob');
await store.set(server, 'ana', 'refresh-3');
const rotated = await store.get(server, 'ana');
const deleted = await store.delete(server, 'ana');
const afterDelete = await store.get(server, 'ana');
const deletedAgain = await store.delete(server, 'ana');
console.log(JSON.stringify({ before, ana, bob, rotated, deleted, afterDelete, deletedAgain }));
