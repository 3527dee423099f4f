// Which web permissions the page gets: the camera (photos for attachments, no microphone) and
// geolocation, for the main window's main frame at the app's origin, and nothing else. One decision
// serves both of Electron's handlers — requests (a prompt would appear) and checks (queried
// silently, granted by default when no handler is set).
import { isAppUrl } from './app-origin.js';
import type { ElectronApi } from './electron-api.js';

/** A permission request or check, as both handlers can describe it. */
export interface PermissionQuery {
  readonly permission: string;
  /** Null when the check is not made for a web contents (e.g. a service worker). */
  readonly webContentsId: number | null;
  readonly mainWindowContentsId: number | null;
  /** The requesting origin (`app://outpost/`) or the requesting frame's URL; must be at the app's origin. */
  readonly origin: string;
  readonly isMainFrame: boolean;
  /** For `media`: what is asked for; empty when not said (then refused). */
  readonly mediaTypes: readonly string[];
}

/** True when `query` is camera-only media or geolocation from the main window's main frame at the app's origin. */
export function isPermissionAllowed(query: PermissionQuery): boolean {
  if (query.webContentsId === null || query.webContentsId !== query.mainWindowContentsId) return false;
  if (!query.isMainFrame) return false;
  if (!isAppUrl(query.origin)) return false;
  if (query.permission === 'geolocation') return true;
  if (query.permission === 'media') return query.mediaTypes.length > 0 && query.mediaTypes.every((type) => type === 'video');
  return false;
}

/** Installs the one decision as both the request and the check handler of `session`. */
export function installPermissionHandlers(
  session: ElectronApi['session']['defaultSession'],
  mainWindowContentsId: () => number | null,
  log: { debug(message: string): void },
): void {
  const decide = (query: PermissionQuery): boolean => {
    const allowed = isPermissionAllowed(query);
    if (!allowed) log.debug(`permission ${query.permission} denied for ${query.origin || 'an unknown origin'}`);
    return allowed;
  };
  session.setPermissionRequestHandler((webContents, permission, callback, details) => {
    callback(
      decide({
        permission,
        webContentsId: webContents.id,
        mainWindowContentsId: mainWindowContentsId(),
        origin: details.requestingUrl,
        isMainFrame: details.isMainFrame,
        mediaTypes: 'mediaTypes' in details ? (details.mediaTypes ?? []) : [],
      }),
    );
  });
  session.setPermissionCheckHandler((webContents, permission, requestingOrigin, details) =>
    decide({
      permission,
      webContentsId: webContents?.id ?? null,
      mainWindowContentsId: mainWindowContentsId(),
      origin: requestingOrigin,
      isMainFrame: details.isMainFrame,
      mediaTypes: details.mediaType === undefined ? [] : [details.mediaType],
    }),
  );
}
