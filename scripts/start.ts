// `npm start`: build, make sure better-sqlite3 has its Electron build (beside the Node build, see
// scripts/native-abi.ts), launch Electron. Where Electron cannot run — its binary was not
// downloaded (ELECTRON_SKIP_BINARY_DOWNLOAD, no network to github.com), there is no display, or
// better-sqlite3 could not be built for it — it says so in one line and starts the same app in
// browser mode instead, so `npm install && npm start` always ends with a running app.
// `npm start -- --electron-only` exits non-zero there instead, saying how to get Electron.
// `npm run start:browser` (`--browser`): the browser mode directly — the main-process core in
// Node on 127.0.0.1 (see main/browser-host.ts), the renderer in any browser; needs no Electron.
// Environment: OUTPOST_PORT (browser mode's port, default 4173; 0 = any free port),
// OUTPOST_USER_DATA (browser mode's profile folder), OUTPOST_DIST (browser mode's build folder,
// default dist/; tests use a temporary one).
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseSchema } from '../common/schema/parse-schema.js';
import { createAppCore } from '../main/app-core.js';
import { chooseCredentialStore } from '../main/auth/choose-credential-store.js';
import { withDataKeys } from '../main/app/profile-data-key.js';
import { FORM_HINTS_FILE, loadFormHints } from '../main/app/form-hints-file.js';
import { keytarCredentialStore } from '../main/auth/credential-store.js';
import { startBrowserHost } from '../main/browser-host.js';
import { syncWorkerPortFactory } from '../main/sync-worker-binding.js';
import { buildApp, DEFAULT_DIST } from './build.js';
import { isMainModule } from './main-module.js';
import { ensureElectron, ensureNode } from './native-abi.js';

const root = fileURLToPath(new URL('..', import.meta.url));

/** The Electron executable the `electron` package downloaded, or null when it was skipped. */
export function electronBinary(): string | null {
  const dir = join(root, 'node_modules', 'electron');
  const pathFile = join(dir, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const binary = join(dir, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(binary) ? binary : null;
}

/** How `npm start` runs: Electron, the browser mode (with the one line saying why, if it was not asked for), or not at all. */
export type StartMode =
  | { readonly kind: 'electron'; readonly binary: string }
  | { readonly kind: 'browser'; readonly notice: string | null }
  | { readonly kind: 'fail'; readonly message: string };

/** The message `--electron-only` exits with when the Electron binary is missing. */
export const NO_ELECTRON_MESSAGE = [
  'Outpost cannot start in Electron: the Electron binary is not installed (node_modules/electron/dist is missing).',
  'It is skipped when ELECTRON_SKIP_BINARY_DOWNLOAD is set or when github.com cannot be reached.',
  'To get it, on a machine with network access run:',
  '  node node_modules/electron/install.js',
  'then `npm start` again (it also builds better-sqlite3 for Electron, which needs electronjs.org for headers).',
  'Without Electron, `npm start` (without --electron-only) or `npm run start:browser` runs the same app in a browser on 127.0.0.1.',
].join('\n');

/** Decides how `npm start` runs from its flags, the Electron binary (null when absent), the platform and environment. */
export function chooseStartMode(input: {
  readonly args: readonly string[];
  readonly binary: string | null;
  readonly platform: NodeJS.Platform;
  readonly env: NodeJS.ProcessEnv;
}): StartMode {
  const electronOnly = input.args.includes('--electron-only');
  if (input.args.includes('--browser')) return { kind: 'browser', notice: null };
  if (input.binary === null) {
    return electronOnly
      ? { kind: 'fail', message: NO_ELECTRON_MESSAGE }
      : { kind: 'browser', notice: 'Electron is not installed here (node_modules/electron/dist is missing), so Outpost starts in browser mode instead.' };
  }
  // Electron on Linux needs an X11 or Wayland display; without one it exits at once.
  if (input.platform === 'linux' && !input.env.DISPLAY && !input.env.WAYLAND_DISPLAY) {
    return electronOnly
      ? { kind: 'fail', message: 'Outpost cannot start in Electron: there is no display (DISPLAY and WAYLAND_DISPLAY are unset).' }
      : {
          kind: 'browser',
          notice: 'There is no display for Electron here (DISPLAY and WAYLAND_DISPLAY are unset), so Outpost starts in browser mode instead.',
        };
  }
  return { kind: 'electron', binary: input.binary };
}

async function startInBrowser(): Promise<void> {
  if (!ensureNode()) process.exit(1);
  const dist = process.env.OUTPOST_DIST ?? DEFAULT_DIST;
  await buildApp(['renderer', 'bridge'], dist);
  const schemaFile = join(root, 'schema', 'schema.graphql');
  const schema = parseSchema(readFileSync(schemaFile, 'utf8'), schemaFile);
  const core = createAppCore({
    userData: process.env.OUTPOST_USER_DATA ?? join(homedir(), '.config', 'Outpost (browser)'),
    schema,
    formHints: loadFormHints(join(root, 'schema', FORM_HINTS_FILE), schema),
    // Browser mode has no safeStorage: the keychain when it answers, else memory with a warning.
    // Data keys only where the store outlives this process; else each profile asks for a passphrase.
    ...withDataKeys(await chooseCredentialStore({ keychain: keytarCredentialStore(), warn: (message) => console.warn(message) })),
    createSync: syncWorkerPortFactory(),
  });
  await core.restore().catch((error: unknown) => console.error('could not reopen the last profile:', error));
  const host = await startBrowserHost({ core, distDir: dist, port: Number(process.env.OUTPOST_PORT ?? 4173) });
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

async function startInElectron(binary: string, electronOnly: boolean): Promise<void> {
  await buildApp();
  if (!ensureElectron()) {
    if (electronOnly) process.exit(1);
    console.log('better-sqlite3 has no Electron build yet (see above), so Outpost starts in browser mode instead.');
    await startInBrowser();
    return;
  }
  const child = spawn(binary, [root], { stdio: 'inherit' });
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

if (isMainModule(import.meta.url)) {
  const args = process.argv.slice(2);
  const mode = chooseStartMode({ args, binary: electronBinary(), platform: process.platform, env: process.env });
  if (mode.kind === 'fail') {
    console.error(mode.message);
    process.exit(1);
  } else if (mode.kind === 'browser') {
    if (mode.notice !== null) console.log(mode.notice);
    await startInBrowser();
  } else {
    await startInElectron(mode.binary, args.includes('--electron-only'));
  }
}
