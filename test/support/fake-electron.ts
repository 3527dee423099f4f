// A faithful fake of the parts of the `electron` module the main-process shell uses
// (main/shell/electron-api.ts): the same method names, event names and argument shapes as
// node_modules/electron/electron.d.ts (Electron 45), and the behaviours the shell relies on —
// registerSchemesAsPrivileged only before ready, session only after it, app.quit emitting
// before-quit (which can be prevented) then will-quit and quit without window-all-closed, app.exit
// emitting nothing, loadURL going through the registered protocol handler and rejecting after
// did-fail-load, a second ipcMain.handle for one channel throwing, checks and requests granted
// when no permission handler is set. Test controls (ready, invoke, crash, …) are extra members.
import { EventEmitter } from 'node:events';
import type {
  CustomScheme,
  HeadersReceivedResponse,
  MediaAccessPermissionRequest,
  MenuItemConstructorOptions,
  MessageBoxOptions,
  MessageBoxReturnValue,
  OnHeadersReceivedListenerDetails,
  PermissionCheckHandlerHandlerDetails,
  PermissionRequest,
  RenderProcessGoneDetails,
} from 'electron';
import type { ElectronApi, ShellFrame, ShellWindowOptions } from '../../main/shell/electron-api.js';

/** Electron's Event: preventDefault() and defaultPrevented. */
export class FakeEvent<Params extends object = object> {
  defaultPrevented = false;
  constructor(params?: Params) {
    Object.assign(this, params);
  }
  preventDefault(): void {
    this.defaultPrevented = true;
  }
}

/** WebFrameMain: url, parent (null for a main frame). */
export class FakeFrame implements ShellFrame {
  constructor(
    public url: string,
    readonly parent: FakeFrame | null = null,
  ) {}
}

/** A load failure as Chromium reports it (net error code and name). */
export interface LoadFailure {
  readonly errorCode: number;
  readonly errorDescription: string;
}

export class FakeWebContents extends EventEmitter {
  readonly mainFrame = new FakeFrame('');
  readonly sent: Array<{ readonly channel: string; readonly args: unknown[] }> = [];
  reloads = 0;
  windowOpenHandler: (() => { action: 'deny' }) | null = null;
  /** Set by a test: the next load fails this way (after did-fail-load, loadURL rejects). */
  failNextLoad: LoadFailure | null = null;
  /** The last response the protocol handler gave for a main-frame load. */
  lastResponse: { readonly status: number; readonly contentType: string | null; readonly csp: string | null; readonly body: string } | null = null;
  private destroyed = false;

  constructor(
    private readonly electron: FakeElectron,
    readonly id: number,
  ) {
    super();
  }

  isDestroyed(): boolean {
    return this.destroyed;
  }

  getURL(): string {
    return this.mainFrame.url;
  }

  send(channel: string, ...args: unknown[]): void {
    if (this.destroyed) throw new Error('Object has been destroyed');
    this.sent.push({ channel, args });
  }

  setWindowOpenHandler(handler: () => { action: 'deny' }): void {
    this.windowOpenHandler = handler;
  }

  reload(): void {
    this.reloads++;
    void this.load(this.mainFrame.url).catch(() => undefined);
  }

  /** What loadURL does: start a main-frame navigation, fetch through the scheme's handler, finish or fail. */
  async load(url: string): Promise<void> {
    if (this.destroyed) throw new Error('Object has been destroyed');
    this.emit('did-start-navigation', new FakeEvent({ url, isSameDocument: false, isMainFrame: true, frame: this.mainFrame }), url, false, true, 1, 1);
    await new Promise((resolve) => setImmediate(resolve));
    if (this.electron.hangLoads) return new Promise<void>(() => undefined);
    const failure = this.failNextLoad ?? this.electron.loadFailure ?? (await this.fetchThroughProtocol(url));
    this.failNextLoad = null;
    if (failure !== null) {
      this.emit('did-fail-load', new FakeEvent(), failure.errorCode, failure.errorDescription, url, true, 1, 1);
      throw Object.assign(new Error(`${failure.errorDescription} (${failure.errorCode}) loading '${url}'`), {
        errno: failure.errorCode,
        code: failure.errorDescription,
        url,
      });
    }
    this.mainFrame.url = url;
    this.emit('did-finish-load');
  }

  private async fetchThroughProtocol(url: string): Promise<LoadFailure | null> {
    const scheme = new URL(url).protocol.slice(0, -1);
    const handler = this.electron.protocolHandlers.get(scheme);
    if (handler === undefined) return { errorCode: -302, errorDescription: 'ERR_UNKNOWN_URL_SCHEME' };
    try {
      const response = await handler(new Request(url));
      this.lastResponse = {
        status: response.status,
        contentType: response.headers.get('content-type'),
        csp: response.headers.get('content-security-policy'),
        body: await response.text(),
      };
      return null;
    } catch {
      return { errorCode: -2, errorDescription: 'ERR_FAILED' };
    }
  }

  /** The renderer process dies (RenderProcessGoneDetails). */
  crash(reason: RenderProcessGoneDetails['reason'] = 'crashed', exitCode = 1): void {
    this.emit('render-process-gone', new FakeEvent(), { reason, exitCode } satisfies RenderProcessGoneDetails);
  }

  /** The window closed: 'destroyed' once. */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.emit('destroyed');
  }
}

export class FakeBrowserWindow extends EventEmitter {
  readonly webContents: FakeWebContents;
  visible = false;
  minimized = false;
  focusCount = 0;
  private destroyed = false;

  constructor(
    private readonly electron: FakeElectron,
    readonly options: ShellWindowOptions,
  ) {
    super();
    if (!electron.isReady) throw new Error('Cannot create BrowserWindow before app is ready');
    this.webContents = new FakeWebContents(electron, electron.nextContentsId++);
    electron.windows.push(this);
    electron.app.emit('web-contents-created', new FakeEvent(), this.webContents);
  }

  isDestroyed(): boolean {
    return this.destroyed;
  }
  isMinimized(): boolean {
    return this.minimized;
  }
  isVisible(): boolean {
    return this.visible;
  }
  restore(): void {
    this.minimized = false;
    this.visible = true;
  }
  minimize(): void {
    this.minimized = true;
  }
  show(): void {
    this.visible = true;
  }
  focus(): void {
    this.focusCount++;
  }

  async loadURL(url: string): Promise<void> {
    await this.webContents.load(url);
    this.emit('ready-to-show');
  }

  /** The user closes the window: closed, its contents destroyed, window-all-closed when it was the last. */
  close(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.visible = false;
    this.webContents.destroy();
    this.emit('closed');
    if (!this.electron.quitting && this.electron.openWindows().length === 0) this.electron.app.emit('window-all-closed');
  }
}

export class FakeApp extends EventEmitter {
  isPackaged: boolean;
  lockHeld = false;
  quitCalls = 0;
  /** The code given to app.exit, null until it is called. */
  exitCode: number | null = null;
  private readonly ready: Promise<void>;
  private resolveReady: () => void = () => undefined;

  constructor(
    private readonly electron: FakeElectron,
    private readonly options: FakeElectronOptions,
  ) {
    super();
    this.isPackaged = options.isPackaged ?? false;
    this.ready = new Promise((resolve) => {
      this.resolveReady = resolve;
    });
  }

  getPath(name: 'userData'): string {
    if (name !== 'userData') throw new Error(`Failed to get '${String(name)}' path`);
    return this.options.userData ?? '/fake/userData';
  }

  requestSingleInstanceLock(): boolean {
    if (this.options.anotherInstanceRunning) return false;
    this.lockHeld = true;
    return true;
  }

  releaseSingleInstanceLock(): void {
    this.lockHeld = false;
  }

  whenReady(): Promise<void> {
    // As in Electron, ready comes after the main script's first synchronous run.
    if (this.options.readyWhenAsked) setImmediate(() => this.becomeReady());
    return this.ready;
  }

  /** Test control: Electron finished initialising. */
  becomeReady(): void {
    if (this.electron.isReady) return;
    this.electron.isReady = true;
    this.emit('ready', new FakeEvent(), {});
    this.resolveReady();
  }

  quit(): void {
    this.quitCalls++;
    if (this.exitCode !== null) return;
    const event = new FakeEvent();
    this.emit('before-quit', event);
    if (event.defaultPrevented) return;
    this.electron.quitting = true;
    for (const window of this.electron.openWindows()) window.close();
    const willQuit = new FakeEvent();
    this.emit('will-quit', willQuit);
    if (willQuit.defaultPrevented) {
      this.electron.quitting = false;
      return;
    }
    this.emit('quit', new FakeEvent(), 0);
    this.exitCode = 0;
  }

  exit(exitCode = 0): void {
    if (this.exitCode !== null) return;
    this.exitCode = exitCode;
    this.lockHeld = false;
    for (const window of this.electron.openWindows()) window.close();
  }
}

type InvokeListener = (event: { readonly sender: FakeWebContents; readonly senderFrame: FakeFrame | null }, payload: unknown) => unknown;

export class FakeIpcMain {
  private readonly handlers = new Map<string, InvokeListener>();

  handle(channel: string, listener: InvokeListener): void {
    if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.handlers.set(channel, listener);
  }

  channels(): string[] {
    return [...this.handlers.keys()];
  }

  /** Test control: ipcRenderer.invoke from `sender`, by default from its main frame. */
  async invoke(sender: FakeWebContents, channel: string, payload: unknown, frame: FakeFrame | null = sender.mainFrame): Promise<unknown> {
    const handler = this.handlers.get(channel);
    if (handler === undefined) throw new Error(`Error invoking remote method '${channel}': Error: No handler registered for '${channel}'`);
    return handler({ sender, senderFrame: frame }, payload);
  }
}

export class FakeDialog {
  readonly errorBoxes: Array<{ readonly title: string; readonly content: string }> = [];
  readonly messageBoxes: MessageBoxOptions[] = [];
  /** Which button a message box answers with; default its defaultId (or 0). */
  answer: (options: MessageBoxOptions) => number = (options) => options.defaultId ?? 0;

  constructor(private readonly electron: FakeElectron) {}

  showErrorBox(title: string, content: string): void {
    this.errorBoxes.push({ title, content });
    this.electron.timeline.push(`errorBox:${title}`);
  }

  async showMessageBox(options: MessageBoxOptions): Promise<MessageBoxReturnValue> {
    this.messageBoxes.push(options);
    return { response: this.answer(options), checkboxChecked: false };
  }
}

export class FakeProtocol {
  readonly privileged: CustomScheme[] = [];

  constructor(private readonly electron: FakeElectron) {}

  registerSchemesAsPrivileged(customSchemes: CustomScheme[]): void {
    if (this.electron.isReady) throw new Error('protocol.registerSchemesAsPrivileged should be called before app is ready');
    this.privileged.push(...customSchemes);
  }

  handle(scheme: string, handler: (request: Request) => Response | Promise<Response>): void {
    if (!this.electron.isReady) throw new Error('protocol.handle must be called after app is ready');
    if (this.electron.protocolHandlers.has(scheme)) throw new Error(`Failed to register protocol: ${scheme}`);
    this.electron.protocolHandlers.set(scheme, handler);
  }
}

type RequestHandler = (
  webContents: FakeWebContents,
  permission: string,
  callback: (permissionGranted: boolean) => void,
  details: PermissionRequest | MediaAccessPermissionRequest,
) => void;
type CheckHandler = (
  webContents: FakeWebContents | null,
  permission: string,
  requestingOrigin: string,
  details: PermissionCheckHandlerHandlerDetails,
) => boolean;
type HeadersListener = (details: OnHeadersReceivedListenerDetails, callback: (response: HeadersReceivedResponse) => void) => void;

export class FakeSession {
  headersListener: HeadersListener | null = null;
  requestHandler: RequestHandler | null = null;
  checkHandler: CheckHandler | null = null;
  readonly webRequest = {
    onHeadersReceived: (listener: HeadersListener | null): void => {
      this.headersListener = listener;
    },
  };

  setPermissionRequestHandler(handler: RequestHandler | null): void {
    this.requestHandler = handler;
  }

  setPermissionCheckHandler(handler: CheckHandler | null): void {
    this.checkHandler = handler;
  }

  /** Test control: a page asks for a permission (granted when no handler is set, as in Electron). */
  requestPermission(webContents: FakeWebContents, permission: string, details: PermissionRequest | MediaAccessPermissionRequest): Promise<boolean> {
    const handler = this.requestHandler;
    if (handler === null) return Promise.resolve(true);
    return new Promise((resolve) => handler(webContents, permission, resolve, details));
  }

  /** Test control: a silent permission check (granted when no handler is set, as in Electron). */
  checkPermission(webContents: FakeWebContents | null, permission: string, requestingOrigin: string, details: PermissionCheckHandlerHandlerDetails): boolean {
    return this.checkHandler === null ? true : this.checkHandler(webContents, permission, requestingOrigin, details);
  }
}

export class FakeMenu {
  constructor(readonly template: MenuItemConstructorOptions[]) {}
}

export interface FakeElectronOptions {
  readonly isPackaged?: boolean;
  readonly userData?: string;
  /** requestSingleInstanceLock answers false (another instance holds it). */
  readonly anotherInstanceRunning?: boolean;
  /** Become ready on its own once whenReady() is called (for a whole main script run in a child process). */
  readonly readyWhenAsked?: boolean;
}

/** One fake electron module; its members satisfy main/shell/electron-api.ts's ElectronApi. */
export class FakeElectron implements ElectronApi {
  isReady = false;
  quitting = false;
  nextContentsId = 1;
  readonly windows: FakeBrowserWindow[] = [];
  readonly protocolHandlers = new Map<string, (request: Request) => Response | Promise<Response>>();
  /** Test control: every load fails this way (after did-fail-load, loadURL rejects). */
  loadFailure: LoadFailure | null = null;
  /** Test control: loads never finish (a test emits did-fail-load itself). */
  hangLoads = false;
  /** Ordered record of notable calls, for tests that care about order. */
  readonly timeline: string[] = [];
  readonly app: FakeApp;
  readonly ipcMain = new FakeIpcMain();
  readonly dialog = new FakeDialog(this);
  readonly protocol = new FakeProtocol(this);
  readonly BrowserWindow: new (options: ShellWindowOptions) => FakeBrowserWindow;
  applicationMenu: FakeMenu | null = null;
  readonly Menu = {
    buildFromTemplate: (template: MenuItemConstructorOptions[]): FakeMenu => new FakeMenu(template),
    setApplicationMenu: (menu: object | null): void => {
      if (menu !== null && !(menu instanceof FakeMenu)) throw new TypeError('Invalid Menu');
      this.applicationMenu = menu;
    },
  };
  private readonly defaultSession = new FakeSession();
  readonly session: { readonly defaultSession: FakeSession };

  constructor(options: FakeElectronOptions = {}) {
    this.app = new FakeApp(this, options);
    const electron = this;
    this.BrowserWindow = class extends FakeBrowserWindow {
      constructor(windowOptions: ShellWindowOptions) {
        super(electron, windowOptions);
      }
    };
    const defaultSession = this.defaultSession;
    this.session = {
      get defaultSession(): FakeSession {
        if (!electron.isReady) throw new Error('Session can only be received when app is ready');
        return defaultSession;
      },
    };
    const exit = this.app.exit.bind(this.app);
    this.app.exit = (code?: number) => {
      this.timeline.push(`exit:${code ?? 0}`);
      exit(code);
    };
  }

  openWindows(): FakeBrowserWindow[] {
    return this.windows.filter((window) => !window.isDestroyed());
  }
}
