// The one application window and the web-contents hardening that goes with it: isolated, sandboxed
// renderer without Node, a strict Content-Security-Policy, no navigation or new windows, and no
// DevTools in a packaged build. The Electron API comes in as a parameter (main/shell/electron-api.ts).
import { APP_CONTENT_SECURITY_POLICY } from './shell/app-origin.js';
import type { ElectronApi, ShellWebContents, ShellWindow } from './shell/electron-api.js';

/** Refuses navigation away from the app and every attempt to open another window. */
export function lockDown(contents: ShellWebContents): void {
  contents.on('will-navigate', (event) => event.preventDefault());
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}

/**
 * Adds the CSP header to every response of the default session that lacks one. The app:// handler
 * sets it on its own responses; this covers anything else a page might load.
 */
export function enforceContentSecurityPolicy(session: ElectronApi['session']['defaultSession']): void {
  session.webRequest.onHeadersReceived((details, callback) => {
    const headers = details.responseHeaders ?? {};
    const hasPolicy = Object.keys(headers).some((name) => name.toLowerCase() === 'content-security-policy');
    callback({ responseHeaders: hasPolicy ? headers : { ...headers, 'Content-Security-Policy': [APP_CONTENT_SECURITY_POLICY] } });
  });
}

/**
 * Creates the main window (hidden until its first paint) with `preload` as its only bridge to main;
 * DevTools only when not packaged. The caller loads the page and handles a failed load.
 */
export function createMainWindow(
  BrowserWindow: ElectronApi['BrowserWindow'],
  options: { readonly preload: string; readonly isPackaged: boolean },
): ShellWindow {
  const window = new BrowserWindow({
    width: 1280,
    height: 820,
    minWidth: 900,
    minHeight: 600,
    show: false,
    title: 'Outpost',
    backgroundColor: '#f6f7f9',
    webPreferences: {
      preload: options.preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      spellcheck: true,
      devTools: !options.isPackaged,
    },
  });
  lockDown(window.webContents);
  window.once('ready-to-show', () => window.show());
  return window;
}
