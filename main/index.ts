// Electron entry point. Thin on purpose: the app's logic lives in main/app-core.ts, the main
// process's life (single instance, start-up failures, the app:// window, crashes, permissions,
// shutdown with a deadline) in main/shell/lifecycle.ts; this file only hands them the real
// electron module and the app's own parts.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as electron from 'electron';
import { parseSchema } from '../common/schema/parse-schema.js';
import { createAppCore } from './app-core.js';
import { keytarCredentialStore } from './auth/credential-store.js';
import { runShell, type Shell } from './shell/lifecycle.js';
import { syncEngineFactory } from './sync-engine.js';

const distRoot = join(fileURLToPath(new URL('.', import.meta.url)), '..');

/** The running shell; `shell.prepareToQuit()` is the clean close to await before quitAndInstall. */
export const shell: Shell = runShell(electron, {
  distRoot,
  loadSchema: () => {
    const schemaFile = join(distRoot, 'schema', 'schema.graphql');
    return parseSchema(readFileSync(schemaFile, 'utf8'), schemaFile);
  },
  createCore: ({ userData, schema }) =>
    createAppCore({
      userData,
      schema,
      credentials: keytarCredentialStore(),
      createSync: syncEngineFactory(),
    }),
});
