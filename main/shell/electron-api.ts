// The parts of the `electron` module the shell uses, as narrow structural types: main/index.ts passes
// the real module (so it type-checks against these), tests pass test/support/fake-electron.ts. Each
// signature is one of electron.d.ts's (Electron 45) overloads, narrowed only where the shell reads less.
import type {
  CustomScheme,
  Details,
  Event,
  HeadersReceivedResponse,
  MediaAccessPermissionRequest,
  MenuItemConstructorOptions,
  MessageBoxOptions,
  MessageBoxReturnValue,
  OnHeadersReceivedListenerDetails,
  PermissionCheckHandlerHandlerDetails,
  PermissionRequest,
  RenderProcessGoneDetails,
  WebContentsDidStartNavigationEventParams,
  WebPreferences,
  WindowSessionEndEvent,
} from 'electron';

export type { Details, Event, RenderProcessGoneDetails };

/** A frame as IPC and navigation events report it (WebFrameMain). */
export interface ShellFrame {
  readonly url: string;
  /** Null for a main frame. */
  readonly parent: ShellFrame | null;
}

/** A window's or other page's WebContents. */
export interface ShellWebContents {
  readonly id: number;
  isDestroyed(): boolean;
  send(channel: string, ...args: unknown[]): void;
  reload(): void;
  setWindowOpenHandler(handler: () => { action: 'deny' }): void;
  on(event: 'destroyed', listener: () => void): unknown;
  on(event: 'render-process-gone', listener: (event: Event, details: RenderProcessGoneDetails) => void): unknown;
  on(
    event: 'did-fail-load',
    listener: (event: Event, errorCode: number, errorDescription: string, validatedURL: string, isMainFrame: boolean) => void,
  ): unknown;
  on(event: 'did-start-navigation', listener: (details: Event<WebContentsDidStartNavigationEventParams>) => void): unknown;
  on(event: 'will-navigate' | 'will-redirect', listener: (event: Event) => void): unknown;
  on(event: 'will-attach-webview', listener: (event: Event) => void): unknown;
}

/** The main window (BrowserWindow). */
export interface ShellWindow {
  readonly webContents: ShellWebContents;
  isDestroyed(): boolean;
  isMinimized(): boolean;
  isVisible(): boolean;
  restore(): void;
  show(): void;
  focus(): void;
  loadURL(url: string): Promise<void>;
  on(event: 'closed', listener: () => void): unknown;
  on(event: 'session-end', listener: (event: WindowSessionEndEvent) => void): unknown;
  once(event: 'ready-to-show', listener: () => void): unknown;
}

/** What the BrowserWindow constructor is given (a subset of BrowserWindowConstructorOptions). */
export interface ShellWindowOptions {
  readonly width: number;
  readonly height: number;
  readonly minWidth: number;
  readonly minHeight: number;
  readonly show: boolean;
  readonly title: string;
  readonly backgroundColor: string;
  readonly webPreferences: WebPreferences;
}

/** The electron module as the shell uses it. */
export interface ElectronApi {
  readonly app: {
    readonly isPackaged: boolean;
    getPath(name: 'userData'): string;
    requestSingleInstanceLock(): boolean;
    releaseSingleInstanceLock(): void;
    whenReady(): Promise<void>;
    quit(): void;
    exit(exitCode?: number): void;
    on(event: 'second-instance' | 'window-all-closed', listener: () => void): unknown;
    on(event: 'activate', listener: (event: Event, hasVisibleWindows: boolean) => void): unknown;
    on(event: 'before-quit', listener: (event: Event) => void): unknown;
    on(event: 'web-contents-created', listener: (event: Event, webContents: ShellWebContents) => void): unknown;
    on(event: 'child-process-gone', listener: (event: Event, details: Details) => void): unknown;
  };
  readonly BrowserWindow: new (options: ShellWindowOptions) => ShellWindow;
  readonly ipcMain: {
    handle(
      channel: string,
      listener: (event: { readonly sender: ShellWebContents; readonly senderFrame: ShellFrame | null }, payload: unknown) => unknown,
    ): void;
  };
  readonly dialog: {
    showErrorBox(title: string, content: string): void;
    showMessageBox(options: MessageBoxOptions): Promise<MessageBoxReturnValue>;
  };
  readonly protocol: {
    registerSchemesAsPrivileged(customSchemes: CustomScheme[]): void;
    handle(scheme: string, handler: (request: Request) => Response | Promise<Response>): void;
  };
  readonly session: {
    readonly defaultSession: {
      readonly webRequest: {
        onHeadersReceived(
          listener: (details: OnHeadersReceivedListenerDetails, callback: (headersReceivedResponse: HeadersReceivedResponse) => void) => void,
        ): void;
      };
      setPermissionRequestHandler(
        handler: (
          webContents: ShellWebContents,
          permission: string,
          callback: (permissionGranted: boolean) => void,
          details: PermissionRequest | MediaAccessPermissionRequest,
        ) => void,
      ): void;
      setPermissionCheckHandler(
        handler: (webContents: ShellWebContents | null, permission: string, requestingOrigin: string, details: PermissionCheckHandlerHandlerDetails) => boolean,
      ): void;
    };
  };
  readonly Menu: {
    buildFromTemplate(template: MenuItemConstructorOptions[]): object;
    setApplicationMenu(menu: object | null): void;
  };
}
