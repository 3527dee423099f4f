// `npm start`: build, make sure native modules are built for Electron, launch Electron. Where the
// Electron binary is missing (these build machines install it with ELECTRON_SKIP_BINARY_DOWNLOAD)
// it says so, how to get it, and exits non-zero without touching the Node build.
// `npm run start:browser` (`--browser`): the same app in a browser, the main-process core running
// in Node on 127.0.0.1 (see main/browser-host.ts); needs no Electron.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseSchema } from '../common/schema/parse-schema.js';
import { createAppCore } from '../main/app-core.js';
import { keytarCredentialStore, memoryCredentialStore, type CredentialStore } from '../main/auth/credential-store.js';
import { startBrowserHost } from '../main/browser-host.js';
import { syncEngineFactory } from '../main/sync-engine.js';
import { buildApp } from './build.js';
import { ensure } from './native-abi.js';

const root = new URL('..', import.meta.url).pathname;

/** The Electron executable the `electron` package downloaded, or null when it was skipped. */
export function electronBinary(): string | null {
  const dir = join(root, 'node_modules', 'electron');
  const pathFile = join(dir, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const binary = join(dir, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(binary) ? binary : null;
}

/** The keychain when a Secret Service / Keychain answers, else an in-memory store (with a warning). */
async function credentialStore(): Promise<CredentialStore> {
  const keychain = keytarCredentialStore();
  try {
    await keychain.get('outpost-probe', 'outpost-probe');
    return keychain;
  } catch (error) {
    console.warn(`No usable keychain (${(error as Error).message}); sign-ins last until this process ends.`);
    return memoryCredentialStore();
  }
}

async function startInBrowser(): Promise<void> {
  if (!ensure('node')) process.exit(1);
  await buildApp(['renderer', 'bridge']);
  const schemaFile = join(root, 'schema', 'schema.graphql');
  const core = createAppCore({
    userData: process.env.OUTPOST_USER_DATA ?? join(homedir(), '.config', 'Outpost (browser)'),
    schema: parseSchema(readFileSync(schemaFile, 'utf8'), schemaFile),
    credentials: await credentialStore(),
    createSync: syncEngineFactory(),
  });
  await core.restore().catch((error: unknown) => console.error('could not reopen the last profile:', error));
  const host = await startBrowserHost({ core, distDir: join(root, 'dist'), port: Number(process.env.OUTPOST_PORT ?? 4173) });
  console.log(`Outpost is running at ${host.url} — open it in a browser on this computer. Ctrl+C stops it.`);
  const stop = () => {
    void host
      .close()
      .then(() => core.close())
      .finally(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (process.argv[1] === new URL(import.meta.url).pathname && process.argv.includes('--browser')) {
  await startInBrowser();
} else if (process.argv[1] === new URL(import.meta.url).pathname) {
  const binary = electronBinary();
  if (binary === null) {
    console.error(
      [
        'Outpost cannot start: the Electron binary is not installed (node_modules/electron/dist is missing).',
        'It is skipped when ELECTRON_SKIP_BINARY_DOWNLOAD is set or when github.com cannot be reached.',
        'To get it, on a machine with network access run:',
        '  node node_modules/electron/install.js',
        'then `npm start` again (it also rebuilds better-sqlite3 for Electron, which needs electronjs.org for headers).',
        'Without Electron, `npm run start:browser` runs the same app in a browser on 127.0.0.1.',
      ].join('\n'),
    );
    process.exit(1);
  }
  await buildApp();
  if (!ensure('electron')) process.exit(1);
  const child = spawn(binary, [root], { stdio: 'inherit' });
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}
