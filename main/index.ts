// Electron entry point. Thin on purpose: the app's logic lives in main/app-core.ts, the main
// process's life (single instance, start-up failures, the app:// window, crashes, permissions,
// shutdown with a deadline) in main/shell/lifecycle.ts; this file only hands them the real
// electron module and the app's own parts: where sign-ins are kept and how updates arrive.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as electron from 'electron';
// CommonJS with a getter for autoUpdater: Node's ESM loader sees only the default export.
import electronUpdater from 'electron-updater';
import { NO_FORM_HINTS, type FormHints } from '../common/schema/form-hints.js';
import { parseSchema } from '../common/schema/parse-schema.js';
import { createAppCore } from './app-core.js';
import { chooseCredentialStore } from './auth/choose-credential-store.js';
import { withDataKeys } from './app/profile-data-key.js';
import { keytarCredentialStore } from './auth/credential-store.js';
import { FORM_HINTS_FILE, loadFormHints } from './app/form-hints-file.js';
import { startAutoUpdates } from './shell/auto-update.js';
import { runShell, type Shell } from './shell/lifecycle.js';
import { askToRestart } from './shell/update-prompt.js';
import { syncWorkerPortFactory } from './sync-worker-binding.js';

const distRoot = join(fileURLToPath(new URL('.', import.meta.url)), '..');

/** The file safeStorage encrypts sign-ins into when no keychain answers (in the user-data folder). */
const CREDENTIALS_FILE = 'credentials.json';

/** The form hints beside the schema, read and checked with it (so a bad file fails the same start-up step). */
let formHints: FormHints = NO_FORM_HINTS;

/** The running shell; `shell.prepareToQuit()` is the clean close awaited before quitAndInstall. */
export const shell: Shell = runShell(electron, {
  distRoot,
  loadSchema: () => {
    const schemaFile = join(distRoot, 'schema', 'schema.graphql');
    const schema = parseSchema(readFileSync(schemaFile, 'utf8'), schemaFile);
    formHints = loadFormHints(join(distRoot, 'schema', FORM_HINTS_FILE), schema);
    return schema;
  },
  createCore: async ({ userData, schema }) =>
    createAppCore({
      userData,
      schema,
      formHints,
      // After ready (safeStorage needs it): the keychain, else an encrypted file, else memory.
      ...withDataKeys(
        await chooseCredentialStore({
          keychain: keytarCredentialStore(),
          safeStorage: electron.safeStorage,
          file: join(userData, CREDENTIALS_FILE),
          platform: process.platform,
          warn: (message) => console.warn(message),
        }),
      ),
      createSync: syncWorkerPortFactory(),
      // Exports go where the user says; the dialog asks before replacing a file.
      chooseExportPath: async (suggestedName) => {
        const options = { defaultPath: join(electron.app.getPath('downloads'), suggestedName) };
        const window = electron.BrowserWindow.getFocusedWindow();
        const answer = await (window ? electron.dialog.showSaveDialog(window, options) : electron.dialog.showSaveDialog(options));
        return answer.canceled || !answer.filePath ? null : answer.filePath;
      },
      // Identity-provider sign-in in the system browser (RFC 8252), never an embedded window.
      oidcHost: { openBrowser: (url) => electron.shell.openExternal(url) },
    }),
  onStarted: (started) => {
    startAutoUpdates({
      updater: () => electronUpdater.autoUpdater,
      isPackaged: electron.app.isPackaged,
      logger: console,
      ask: ({ version }) => askToRestart((options) => electron.dialog.showMessageBox(options), version),
      prepareToQuit: () => started.prepareToQuit().then(() => undefined),
      quit: () => electron.app.quit(),
    });
  },
});
