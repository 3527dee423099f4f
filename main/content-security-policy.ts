// The renderer's Content-Security-Policy: only the app's own files; no inline script or style, no
// eval, no network from the page (all data goes through the preload API). One definition, used
// by the Electron session, the browser tests' server and checked against renderer/index.html.

/** The policy as a header value. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  // blob: shows attachment files and thumbnails read through the preload API (never from the network).
  "img-src 'self' data: blob:",
  "media-src 'self' blob:",
  "font-src 'self'",
  "connect-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');
