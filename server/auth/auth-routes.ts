// HTTP endpoints of the built-in accounts, mounted by the core server in front of /graphql:
//   POST /auth/token            {username, password, deviceId?, deviceName?}  → 200 TokenPair
//   POST /auth/refresh          {refreshToken}        → 200 TokenPair (the old refresh token is now used)
//   POST /auth/revoke           {refreshToken}        → 200 {revoked: boolean} (ends that sign-in session)
//   GET  /.well-known/jwks.json                       → 200 {keys: [public signing key]}
//   GET  /auth/devices          (Bearer access token) → 200 {devices: [{deviceId, name, …, current}]}
//   POST /auth/devices/revoke   {deviceId} (Bearer)   → 200 {revoked: true, sessionsEnded} (another of the caller's devices)
// Bodies are JSON (or application/x-www-form-urlencoded, with `refresh_token` accepted as an alias).
// Errors: {"error": {"code", "message", "field"?, "reason"?}} with 400 (bad body, `field` names the
// field), 401 (credentials; `reason` e.g. `expired`, `reused`), 405, 413, 415, 429 (+ Retry-After), 500.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { OutpostError, Unauthorized } from '../../common/errors.js';
import { createTokenSigner, type TokenSettings } from './access-tokens.js';
import type { AuthStore } from './auth-store.js';
import type { Authenticate } from './authenticate.js';
import { checkDeviceClaim } from './devices.js';
import { createSignInService, type TokenPair } from './sign-in.js';
import { createSignInThrottle, type SignInThrottle, type SignInThrottleOptions } from './sign-in-throttle.js';

/** Options of createAuthRoutes. */
export interface AuthRoutesOptions {
  /** Settings of Outpost's own tokens (must match those given to createAuthenticator); default DEFAULT_TOKEN_SETTINGS. */
  readonly tokens?: Partial<TokenSettings>;
  /** Sign-in throttling per username + client address; `false` turns it off; default 5 failures per 5 min. */
  readonly throttle?: Omit<SignInThrottleOptions, 'now'> | false;
  /** Take the client address from the first `X-Forwarded-For` entry (only behind a trusted proxy); default false. */
  readonly trustProxy?: boolean;
  /** Largest accepted request body, bytes; default 16 384. */
  readonly maxBodyBytes?: number;
  /** Clock in epoch ms; default Date.now. */
  readonly now?: () => number;
  /** Receives unexpected failures (answered as 500 without details); default console.error. */
  readonly reportError?: (error: unknown) => void;
  /** Checks the caller of the device routes (the server's authenticator); without it they are not mounted. */
  readonly authenticate?: Authenticate;
}

/** Handles the request and returns true when the path is one of ours; false leaves it to the caller untouched. */
export type AuthRouteHandler = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

/** The paths createAuthRoutes answers. */
export const AUTH_ROUTE_PATHS = ['/auth/token', '/auth/refresh', '/auth/revoke', '/.well-known/jwks.json', '/auth/devices', '/auth/devices/revoke'] as const;

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extra: Readonly<Record<string, unknown>> = {},
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }
}

function badRequest(message: string, field?: string): HttpError {
  return new HttpError(400, 'BadRequest', message, field === undefined ? {} : { field });
}

function send(res: ServerResponse, status: number, body: unknown, headers: Readonly<Record<string, string>> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(text);
}

async function readBody(req: IncomingMessage, maxBytes: number): Promise<Record<string, unknown>> {
  const contentType = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  const form = contentType === 'application/x-www-form-urlencoded';
  if (contentType !== 'application/json' && !form) {
    throw new HttpError(415, 'UnsupportedMediaType', 'Content-Type must be application/json');
  }
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    throw new HttpError(413, 'PayloadTooLarge', `Request body is larger than ${maxBytes} bytes`, {}, { connection: 'close' });
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > maxBytes) {
      throw new HttpError(413, 'PayloadTooLarge', `Request body is larger than ${maxBytes} bytes`, {}, { connection: 'close' });
    }
    chunks.push(buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (form) return Object.fromEntries(new URLSearchParams(text));
  if (text.trim() === '') throw badRequest('Request body is empty: send a JSON object');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw badRequest(`Request body is not valid JSON: ${(err as Error).message}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw badRequest('Request body must be a JSON object');
  }
  return parsed as Record<string, unknown>;
}

function stringField(body: Record<string, unknown>, names: readonly string[]): string {
  const name = names.find((n) => body[n] !== undefined && body[n] !== null) ?? names[0];
  const value = body[name];
  if (value === undefined || value === null) throw badRequest(`Body field "${names[0]}" is required`, names[0]);
  if (typeof value !== 'string') throw badRequest(`Body field "${name}" must be a string`, name);
  if (value.length === 0) throw badRequest(`Body field "${name}" must not be empty`, name);
  if (value.length > 4096) throw badRequest(`Body field "${name}" is too long`, name);
  return value;
}

function clientAddress(req: IncomingMessage, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = req.headers['x-forwarded-for'];
    const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim();
    if (first) return first;
  }
  return req.socket.remoteAddress ?? 'unknown';
}

/**
 * Runs work of one key one after another. Sign-ins of one throttle key queue here: otherwise
 * parallel guesses would all pass the throttle check before the first failure is recorded
 * (password checks take a while).
 */
class SerialByKey {
  private readonly tails = new Map<string, Promise<unknown>>();

  async run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const run = (this.tails.get(key) ?? Promise.resolve()).then(work);
    const tail = run.catch(() => undefined);
    this.tails.set(key, tail);
    try {
      return await run;
    } finally {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }
}

/** A sign-in the throttle allows: 429 while `key` waits out its failures; a wrong password counts as one. */
async function throttledSignIn(throttle: SignInThrottle, signIn: () => Promise<TokenPair>, key: string): Promise<TokenPair> {
  const wait = throttle.retryAfterSec(key);
  if (wait > 0) {
    throw new HttpError(
      429,
      'TooManyRequests',
      `Too many failed sign-in attempts: try again in ${wait} s`,
      { retryAfterSec: wait },
      {
        'retry-after': String(wait),
      },
    );
  }
  try {
    const pair = await signIn();
    throttle.reset(key);
    return pair;
  } catch (err) {
    if (err instanceof Unauthorized) throttle.recordFailure(key);
    throw err;
  }
}

/** The JSON error response for a failed auth request; internals (SQL, stacks) are reported, never sent. */
function sendFailure(res: ServerResponse, err: unknown, reportError: (error: unknown) => void): void {
  if (res.headersSent) {
    res.destroy();
  } else if (err instanceof HttpError) {
    send(res, err.status, { error: { code: err.code, message: err.message, ...err.extra } }, err.headers);
  } else if (err instanceof Unauthorized) {
    const reason = err.details?.reason;
    send(res, 401, { error: { code: 'Unauthorized', message: err.message, ...(reason === undefined ? {} : { reason }) } });
  } else if (err instanceof OutpostError && err.code === 'NotFound') {
    send(res, 404, { error: { code: 'NotFound', message: err.message } });
  } else if (err instanceof OutpostError && err.code === 'ValidationError') {
    const field = err.details?.path;
    send(res, 400, { error: { code: 'BadRequest', message: err.message, ...(field === undefined ? {} : { field }) } });
  } else {
    reportError(err);
    send(res, 500, { error: { code: 'InternalError', message: 'Internal server error' } });
  }
}

/**
 * Creates the handler for the auth endpoints. Mount it before anything reads the request body:
 * `if (await authRoutes(req, res)) return;`. It never throws; failures become JSON error responses.
 */
export function createAuthRoutes(store: AuthStore, options: AuthRoutesOptions = {}): AuthRouteHandler {
  const now = options.now ?? Date.now;
  const signer = createTokenSigner(store, options.tokens, now);
  const accounts = createSignInService(store, signer);
  const throttle = options.throttle === false ? undefined : createSignInThrottle({ ...options.throttle, now });
  const maxBodyBytes = options.maxBodyBytes ?? 16_384;
  const trustProxy = options.trustProxy ?? false;
  const reportError = options.reportError ?? ((error: unknown) => console.error('auth route failed:', error));
  const signIns = new SerialByKey();

  async function token(req: IncomingMessage): Promise<TokenPair> {
    const body = await readBody(req, maxBodyBytes);
    const username = stringField(body, ['username']);
    const password = stringField(body, ['password']);
    const device = checkDeviceClaim(body.deviceId, body.deviceName);
    const signIn = () => accounts.signIn(username, password, device);
    if (throttle === undefined) return signIn();
    const key = `${username.trim().toLowerCase()}\n${clientAddress(req, trustProxy)}`;
    return signIns.run(key, () => throttledSignIn(throttle, signIn, key));
  }

  /** The caller of a device route: an Outpost account's access token, and the device it was issued on. */
  async function deviceCaller(req: IncomingMessage): Promise<{ userId: string; deviceId: string | null }> {
    if (options.authenticate === undefined) throw new HttpError(404, 'NotFound', 'Device routes are not enabled on this server');
    const identity = await options.authenticate(req.headers);
    const sid = identity.kind === 'user' ? identity.claims.sid : undefined;
    if (identity.kind !== 'user' || identity.provider !== 'userPools' || typeof sid !== 'string') {
      throw new HttpError(
        403,
        'Forbidden',
        "Devices are kept for this server's own accounts: sign in with one (an API key or another issuer's token has none)",
      );
    }
    const session = await store.getSession(sid);
    return { userId: identity.sub, deviceId: session?.deviceId ?? null };
  }

  async function handle(path: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    if (path === '/.well-known/jwks.json') {
      if (method !== 'GET' && method !== 'HEAD')
        throw new HttpError(405, 'MethodNotAllowed', `${method} is not allowed on ${path}: use GET`, {}, { allow: 'GET, HEAD' });
      send(res, 200, await signer.jwks(), { 'cache-control': 'public, max-age=300' });
      return;
    }
    if (path === '/auth/devices') {
      if (method !== 'GET') throw new HttpError(405, 'MethodNotAllowed', `${method} is not allowed on ${path}: use GET`, {}, { allow: 'GET' });
      const caller = await deviceCaller(req);
      const devices = await store.listDevices(caller.userId);
      send(res, 200, { devices: devices.map((d) => ({ ...d, current: d.deviceId === caller.deviceId })) });
      return;
    }
    if (method !== 'POST') throw new HttpError(405, 'MethodNotAllowed', `${method} is not allowed on ${path}: use POST`, {}, { allow: 'POST' });
    if (path === '/auth/devices/revoke') {
      const caller = await deviceCaller(req);
      const deviceId = stringField(await readBody(req, maxBodyBytes), ['deviceId']);
      if (deviceId === caller.deviceId) throw badRequest('This is the device you are signed in on: sign out instead', 'deviceId');
      send(res, 200, { revoked: true, sessionsEnded: await store.revokeDevice(caller.userId, deviceId) });
    } else if (path === '/auth/token') {
      send(res, 200, await token(req), { pragma: 'no-cache' });
    } else if (path === '/auth/refresh') {
      const body = await readBody(req, maxBodyBytes);
      send(res, 200, await accounts.refresh(stringField(body, ['refreshToken', 'refresh_token'])), { pragma: 'no-cache' });
    } else {
      const body = await readBody(req, maxBodyBytes);
      send(res, 200, { revoked: await accounts.revoke(stringField(body, ['refreshToken', 'refresh_token', 'token'])) });
    }
  }

  return async (req, res) => {
    let path: string;
    try {
      path = new URL(req.url ?? '/', 'http://localhost').pathname;
    } catch {
      return false;
    }
    if (!(AUTH_ROUTE_PATHS as readonly string[]).includes(path)) return false;
    try {
      await handle(path, req, res);
    } catch (err) {
      sendFailure(res, err, reportError);
    }
    return true;
  };
}
