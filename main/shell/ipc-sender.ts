// Who may call main over IPC: only the main window's main frame, showing a page at exactly the app's
// origin. Any other window, a subframe, a file:// page or a lookalike origin is refused. The check
// is a plain function; electronIpcHost binds it and the sender lifecycle to ipcMain.
import type { IpcHost, IpcSender } from '../ipc/handlers.js';
import { isAppUrl } from './app-origin.js';
import type { ElectronApi, ShellWebContents } from './electron-api.js';

/** What an IPC call says about where it came from. */
export interface IpcCallOrigin {
  /** The sending frame's URL; null when the frame is gone (navigated away or destroyed). */
  readonly frameUrl: string | null;
  readonly isMainFrame: boolean;
  readonly webContentsId: number;
  /** The main window's web contents id; null while there is no main window. */
  readonly mainWindowContentsId: number | null;
}

/** Null when the call may proceed, else why it is refused (for the Unauthorized message). */
export function untrustedSenderReason(call: IpcCallOrigin): string | null {
  if (call.mainWindowContentsId === null || call.webContentsId !== call.mainWindowContentsId) return 'not the main window';
  if (!call.isMainFrame) return 'not the main frame';
  if (call.frameUrl === null) return 'the frame is gone';
  if (!isAppUrl(call.frameUrl)) return `${call.frameUrl} is not the app`;
  return null;
}

/** True when the call comes from the main window's main frame at the app's origin. */
export function isTrustedSender(call: IpcCallOrigin): boolean {
  return untrustedSenderReason(call) === null;
}

/**
 * One IpcSender per web contents. Its onGone listeners fire once each when the page they talked to
 * goes away — the contents is destroyed, its renderer process is gone, or the main frame starts a
 * new document (reload) — and the contents' own events are listened to once, however often the
 * page reloads.
 */
export class IpcSenders {
  private readonly senders = new WeakMap<ShellWebContents, IpcSender>();

  of(contents: ShellWebContents): IpcSender {
    const known = this.senders.get(contents);
    if (known) return known;
    let waiting: Array<() => void> = [];
    const gone = (): void => {
      const listeners = waiting;
      waiting = [];
      for (const listener of listeners) listener();
    };
    contents.on('destroyed', gone);
    contents.on('render-process-gone', gone);
    contents.on('did-start-navigation', (details) => {
      // In-page navigations (hash, pushState) and subframes keep the page and its subscriptions.
      if (details.isMainFrame && !details.isSameDocument) gone();
    });
    const sender: IpcSender = {
      id: `wc-${contents.id}`,
      send: (wire, payload) => {
        if (!contents.isDestroyed()) contents.send(wire, payload);
      },
      onGone: (listener) => {
        waiting.push(listener);
      },
    };
    this.senders.set(contents, sender);
    return sender;
  }
}

/** ipcMain as an IpcHost: refused calls answer `{ ok: false, error: { code: 'Unauthorized' } }` and reach no handler. */
export function electronIpcHost(ipcMain: ElectronApi['ipcMain'], mainWindowContentsId: () => number | null, senders = new IpcSenders()): IpcHost {
  return {
    handle(wire, fn) {
      ipcMain.handle(wire, (event, payload) => {
        const frame = event.senderFrame;
        const reason = untrustedSenderReason({
          frameUrl: frame?.url ?? null,
          isMainFrame: frame !== null && frame.parent === null,
          webContentsId: event.sender.id,
          mainWindowContentsId: mainWindowContentsId(),
        });
        if (reason !== null) {
          return { ok: false, error: { code: 'Unauthorized', message: `IPC ${wire} refused: ${reason}` } };
        }
        return fn(senders.of(event.sender), payload);
      });
    },
  };
}
