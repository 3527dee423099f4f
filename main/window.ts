// The one application window and the web-contents hardening that goes with it: isolated, sandboxed
// renderer without Node, a strict Content-Security-Policy, and no navigation or new windows.
import { BrowserWindow, session, type WebContents } from 'electron';
import { CONTENT_SECURITY_POLICY } from './content-security-policy.js';

/** Refuses navigation away from the app and every attempt to open another window. */
export function lockDown(contents: WebContents): void {
  contents.on('will-navigate', (event) => event.preventDefault());
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}

/** Adds the CSP header to every response of the default session (file:// pages also carry it as a meta tag). */
export function enforceContentSecurityPolicy(): void {
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [`${CONTENT_SECURITY_POLICY}; frame-ancestors 'none'`] } });
  });
  // The app needs no camera, microphone, geolocation or notifications permission from the page.
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
}

/** Creates the main window loading `indexHtml` with `preload` as its only bridge to main. */
export function createMainWindow(options: { readonly preload: string; readonly indexHtml: string }): BrowserWindow {
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
    },
  });
  lockDown(window.webContents);
  window.once('ready-to-show', () => window.show());
  void window.loadFile(options.indexHtml);
  return window;
}
