// Electron entry point. Thin on purpose: everything testable lives in main/app-core.ts; this file
// only binds it to Electron — single-instance lock, the window, ipcMain, and orderly shutdown
// (sync stopped, database closed) before the process exits.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, ipcMain, type BrowserWindow, type WebContents } from 'electron';
import { parseSchema } from '../common/schema/parse-schema.js';
import { createAppCore, type AppCore } from './app-core.js';
import { keytarCredentialStore } from './auth/credential-store.js';
import type { IpcHost, IpcSender } from './ipc/handlers.js';
import { createMainWindow, enforceContentSecurityPolicy, lockDown } from './window.js';
import { syncEngineFactory } from './sync-engine.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const distRoot = join(here, '..');

/** ipcMain as an IpcHost; only our own page (file:// from the app bundle) may call. */
function electronHost(): IpcHost {
  const senders = new WeakMap<WebContents, IpcSender>();
  const senderOf = (contents: WebContents): IpcSender => {
    let sender = senders.get(contents);
    if (!sender) {
      const created: IpcSender = {
        id: `wc-${contents.id}`,
        send: (wire, payload) => {
          if (!contents.isDestroyed()) contents.send(wire, payload);
        },
        onGone: (listener) => {
          contents.once('destroyed', listener);
          contents.once('did-start-navigation', listener);
        },
      };
      sender = created;
      senders.set(contents, created);
    }
    return sender;
  };
  return {
    handle(wire, fn) {
      ipcMain.handle(wire, (event, payload: unknown) => {
        const url = event.senderFrame?.url ?? '';
        if (!url.startsWith('file://')) {
          return { ok: false, error: { code: 'Unauthorized', message: `IPC from ${url || 'an unknown frame'} refused` } };
        }
        return fn(senderOf(event.sender), payload);
      });
    },
  };
}

let core: AppCore | null = null;
let window: BrowserWindow | null = null;
let shutDown = false;

async function start(): Promise<void> {
  enforceContentSecurityPolicy();
  app.on('web-contents-created', (_event, contents) => lockDown(contents));
  const schemaFile = join(distRoot, 'schema', 'schema.graphql');
  const schema = parseSchema(readFileSync(schemaFile, 'utf8'), schemaFile);
  core = createAppCore({
    userData: app.getPath('userData'),
    schema,
    credentials: keytarCredentialStore(),
    createSync: syncEngineFactory(),
  });
  core.attach(electronHost());
  await core.restore().catch((error: unknown) => console.error('could not reopen the last profile:', error));
  window = createMainWindow({
    preload: join(distRoot, 'preload', 'index.cjs'),
    indexHtml: join(distRoot, 'renderer', 'index.html'),
  });
  window.on('closed', () => {
    window = null;
  });
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    if (!window) return;
    if (window.isMinimized()) window.restore();
    window.focus();
  });
  app.on('window-all-closed', () => app.quit());
  app.on('before-quit', (event) => {
    if (shutDown || !core) return;
    // Hold the quit until sync has stopped and the database is closed, then quit for real.
    event.preventDefault();
    const closing = core;
    core = null;
    void closing
      .close()
      .catch((error: unknown) => console.error('shutdown:', error))
      .finally(() => {
        shutDown = true;
        app.quit();
      });
  });
  app.whenReady().then(start, (error: unknown) => {
    console.error('Outpost failed to start:', error);
    app.exit(1);
  });
}
