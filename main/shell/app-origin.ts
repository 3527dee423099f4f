// Where the app's page lives: a custom privileged scheme, app://outpost/…, instead of file://, so
// the page has an origin of its own that IPC and permission checks can compare exactly (Electron's
// security checklist: "avoid file://"), and any other local file is never "the app". The decisions
// are plain functions; serveAppRequest is the protocol.handle handler over them.
import { readFile, stat } from 'node:fs/promises';
import { extname, isAbsolute, join, relative, sep } from 'node:path';
import { CONTENT_SECURITY_POLICY } from '../content-security-policy.js';

export const APP_SCHEME = 'app';
export const APP_HOST = 'outpost';
/** The app's origin as Chromium serialises it. */
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
/** The page the main window loads. */
export const APP_INDEX_URL = `${APP_ORIGIN}/index.html`;

/**
 * The privileges the scheme is registered with before `ready`: standard (relative URLs and a real
 * origin), secure (a secure context, which camera and geolocation require) and fetch support
 * (module scripts load through fetch). Not bypassCSP, no service workers, and not corsEnabled: the
 * page's module scripts are same-origin, and without it no other origin can read app:// responses.
 */
export const APP_SCHEME_PRIVILEGES = { standard: true, secure: true, supportFetchAPI: true } as const;

/** The Content-Security-Policy header every app:// response carries. */
export const APP_CONTENT_SECURITY_POLICY = `${CONTENT_SECURITY_POLICY}; frame-ancestors 'none'`;

function parsed(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

function isAtAppOrigin(url: URL): boolean {
  return url.protocol === `${APP_SCHEME}:` && url.host === APP_HOST && url.username === '' && url.password === '';
}

/** True when `url` is at exactly the app's origin (any path; also the origin itself); false for lookalikes and file://. */
export function isAppUrl(url: string): boolean {
  const at = parsed(url);
  return at !== null && isAtAppOrigin(at);
}

/** What an app:// request becomes: a file inside the renderer folder, or a refusal with its HTTP status. */
export type AppRequestResolution =
  | { readonly kind: 'file'; readonly path: string; readonly contentType: string }
  | { readonly kind: 'refused'; readonly status: 400 | 403 | 404; readonly reason: string };

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
};

/** The Content-Type for a file name by its extension; application/octet-stream when unknown. */
export function contentTypeOf(fileName: string): string {
  return CONTENT_TYPES[extname(fileName).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * Maps an app:// request URL to a file under `rendererDir` (an absolute folder), or refuses it:
 * another scheme or host (403), a path that is not plain segments — `..`, `.` or backslashes, also
 * percent-encoded, NUL, a drive letter (400). `/` is index.html. Existence is checked by the caller.
 */
export function resolveAppRequest(url: string, rendererDir: string): AppRequestResolution {
  const at = parsed(url);
  if (at === null) return { kind: 'refused', status: 400, reason: 'not a URL' };
  if (!isAtAppOrigin(at)) return { kind: 'refused', status: 403, reason: `${at.protocol}//${at.host} is not the app's origin` };
  const rawSegments = (at.pathname === '/' || at.pathname === '' ? '/index.html' : at.pathname).split('/').slice(1);
  const segments: string[] = [];
  for (const raw of rawSegments) {
    let segment: string;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      return { kind: 'refused', status: 400, reason: 'malformed percent-encoding' };
    }
    // Checked after decoding: %2e%2e, %2f and %5c must not smuggle a traversal past the URL parser.
    if (segment === '' || segment === '.' || segment === '..' || /[/\\\0:]/.test(segment)) {
      return { kind: 'refused', status: 400, reason: `path segment '${raw}' is not allowed` };
    }
    segments.push(segment);
  }
  const path = join(rendererDir, ...segments);
  const inside = relative(rendererDir, path);
  if (inside === '' || inside.startsWith(`..${sep}`) || inside === '..' || isAbsolute(inside)) {
    return { kind: 'refused', status: 403, reason: 'outside the app folder' };
  }
  return { kind: 'file', path, contentType: contentTypeOf(path) };
}

function refusal(status: number, reason: string): Response {
  return new Response(reason, {
    status,
    headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Security-Policy': APP_CONTENT_SECURITY_POLICY },
  });
}

/** The protocol.handle('app', …) handler: serves files from `rendererDir`, each with the CSP header; missing → 404. */
export function serveAppRequest(rendererDir: string): (request: Request) => Promise<Response> {
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return refusal(405, `${request.method} is not served`);
    const resolved = resolveAppRequest(request.url, rendererDir);
    if (resolved.kind === 'refused') return refusal(resolved.status, resolved.reason);
    const found = await stat(resolved.path).catch(() => null);
    if (found === null || !found.isFile()) return refusal(404, 'not found');
    const body = request.method === 'HEAD' ? null : await readFile(resolved.path);
    return new Response(body, {
      status: 200,
      headers: {
        'Content-Type': resolved.contentType,
        'Content-Security-Policy': APP_CONTENT_SECURITY_POLICY,
        'X-Content-Type-Options': 'nosniff',
        // The files change only with an app update; no stale page after one.
        'Cache-Control': 'no-cache',
      },
    });
  };
}
