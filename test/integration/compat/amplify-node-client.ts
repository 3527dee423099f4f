// Runs the official Amplify JS client (aws-amplify 6, DataStore) unchanged inside a Node test
// process against a real Outpost server. What Node needs around it, each found by running it:
// - One copy of Amplify: `@aws-amplify/datastore` has no `exports` map, so from ESM it loads as
//   CommonJS and then requires the CommonJS `@aws-amplify/core`, while `import 'aws-amplify'` would
//   load the ESM core — two singletons, and DataStore never sees `Amplify.configure`. Everything is
//   therefore loaded through `require`.
// - A storage adapter: DataStore's default-adapter probe reads `window.indexedDB` behind a
//   function reference that is always truthy (`isBrowser && window.indexedDB`), which throws in
//   Node. We pass the IndexedDB adapter browsers and Electron renderers use, over fake-indexeddb.
// - A global WebSocket: Node 20 has none; `ws` is given the test certificate so the socket is
//   verified. Amplify always opens `wss://<endpoint>/realtime` (appsyncUrl.ts: a custom domain gets
//   `/realtime` appended and `http(s)://` becomes `wss://`), so the server runs with TLS.
// - Process exit: DataStore schedules its next full sync with a 24 h `setTimeout` that `clear()`
//   never cancels, and the socket handshake leaves a 15 s one; long timers are unref'd so the test
//   process ends when its work does.
import 'fake-indexeddb/auto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import type { StorageAdapter } from '@aws-amplify/datastore';
import type { Schema } from '../../../common/schema/types.js';
import { startServer, type RunningServer, type StartServerOptions } from '../../../server/index.js';

const require = createRequire(import.meta.url);
/** Node's own fetch, kept before Amplify's is wrapped, so the "other client" is never recorded. */
const platformFetch = globalThis.fetch;

export type AmplifyModule = typeof import('aws-amplify');
export type DataStoreModule = typeof import('aws-amplify/datastore');
export type UtilsModule = typeof import('aws-amplify/utils');

/** The CommonJS copies of aws-amplify, its DataStore and Hub, sharing one core singleton. */
export interface AmplifyLibs {
  readonly Amplify: AmplifyModule['Amplify'];
  readonly DataStore: DataStoreModule['DataStore'];
  readonly initSchema: DataStoreModule['initSchema'];
  readonly syncExpression: DataStoreModule['syncExpression'];
  readonly Predicates: DataStoreModule['Predicates'];
  readonly Hub: UtilsModule['Hub'];
  /** DataStore's IndexedDB adapter (over fake-indexeddb). */
  readonly indexedDbAdapter: StorageAdapter;
}

const LONG_TIMER_MS = 10_000;

function unrefLongTimers(): void {
  const original = globalThis.setTimeout;
  const patched = ((handler: (...args: unknown[]) => void, delay?: number, ...args: unknown[]) => {
    const timer = original(handler, delay, ...args);
    if (typeof delay === 'number' && delay >= LONG_TIMER_MS) timer.unref();
    return timer;
  }) as typeof setTimeout;
  globalThis.setTimeout = Object.assign(patched, original);
}

let libs: AmplifyLibs | undefined;

/** Loads Amplify once per process (see the header for why through `require`). */
export function loadAmplify(): AmplifyLibs {
  if (libs !== undefined) return libs;
  unrefLongTimers();
  const { Amplify } = require('aws-amplify') as AmplifyModule;
  const { DataStore, initSchema, syncExpression, Predicates } = require('aws-amplify/datastore') as DataStoreModule;
  const { Hub, ConsoleLogger } = require('aws-amplify/utils') as UtilsModule;
  // DataStore warns with full stack traces on paths the tests take on purpose (conflict retries).
  ConsoleLogger.LOG_LEVEL = 'ERROR';
  const adapter = require('@aws-amplify/datastore/dist/cjs/storage/adapter/IndexedDBAdapter.js') as { default: StorageAdapter };
  libs = { Amplify, DataStore, initSchema, syncExpression, Predicates, Hub, indexedDbAdapter: adapter.default };
  return libs;
}

/** One frame seen on Amplify's real-time socket. */
export interface SocketFrame {
  readonly direction: 'in' | 'out';
  readonly frame: Record<string, unknown>;
}

/** The transport between Amplify and the server: recorded, and able to lose incoming `data` frames. */
export interface SocketTap {
  readonly frames: SocketFrame[];
  /** URLs and subprotocols Amplify opened sockets with. */
  readonly opened: Array<{ url: string; protocols: string[] }>;
  /** While true, subscription `data` frames from the server are dropped (a missed event). */
  dropData: boolean;
  /** Cuts every open socket as a network failure would (no close handshake); returns how many. */
  cut(): number;
}

/** Makes `globalThis.WebSocket` a `ws` socket that trusts `cert` and reports to the returned tap. */
export function installWebSocket(cert: Buffer): SocketTap {
  const sockets: WebSocket[] = [];
  const tap: SocketTap = {
    frames: [],
    opened: [],
    dropData: false,
    cut: () => {
      const open = sockets.filter((socket) => socket.readyState === WebSocket.OPEN);
      for (const socket of open) socket.terminate();
      return open.length;
    },
  };
  class TestWebSocket extends WebSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      const list = protocols === undefined ? [] : Array.isArray(protocols) ? protocols : [protocols];
      tap.opened.push({ url: String(url), protocols: list });
      super(url, list, { ca: cert });
      sockets.push(this);
    }

    override send(data: unknown, ...rest: unknown[]): void {
      tap.frames.push({ direction: 'out', frame: JSON.parse(String(data)) as Record<string, unknown> });
      (WebSocket.prototype.send as (...a: unknown[]) => void).call(this, data, ...rest);
    }

    // ws delivers every frame through emit('message'); Amplify's `onmessage` listens to it.
    override emit(event: string | symbol, ...args: unknown[]): boolean {
      if (event === 'message') {
        const frame = JSON.parse(String(args[0])) as Record<string, unknown>;
        tap.frames.push({ direction: 'in', frame });
        if (tap.dropData && frame.type === 'data') return false;
      }
      return super.emit(event, ...args);
    }
  }
  (globalThis as { WebSocket?: unknown }).WebSocket = TestWebSocket;
  return tap;
}

/** One GraphQL request Amplify sent over HTTP, and the status it got. */
export interface RecordedRequest {
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body: { query: string; variables: Record<string, unknown> | null };
  status?: number;
  /** The parsed response body. */
  response?: { data?: Record<string, unknown> | null; errors?: unknown[] };
}

/** Amplify's HTTP traffic: recorded, and able to answer late. */
export interface GraphqlRecorder {
  readonly requests: RecordedRequest[];
  /** Extra milliseconds before each response reaches Amplify (a slow network); default 0. */
  responseDelayMs: number;
}

/** Wraps the global fetch (which Amplify's HTTP client uses) to record GraphQL requests to `/graphql`. */
export function recordGraphqlRequests(): GraphqlRecorder {
  const recorder: GraphqlRecorder = { requests: [], responseDelayMs: 0 };
  const original = globalThis.fetch;
  globalThis.fetch = async (input: string | URL | Request, init?: RequestInit) => {
    const url = input instanceof Request ? input.url : String(input);
    let entry: RecordedRequest | undefined;
    if (url.endsWith('/graphql') && typeof init?.body === 'string') {
      entry = {
        url,
        headers: Object.fromEntries(new Headers(init.headers).entries()),
        body: JSON.parse(init.body) as RecordedRequest['body'],
      };
      recorder.requests.push(entry);
    }
    const response = await original(input, init);
    if (entry !== undefined) {
      entry.status = response.status;
      entry.response = (await response.clone().json()) as RecordedRequest['response'];
    }
    if (recorder.responseDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, recorder.responseDelayMs));
    return response;
  };
  return recorder;
}

/** An Outpost server serving HTTPS + WSS on 127.0.0.1 with a throw-away certificate and SQLite file. */
export interface TlsOutpost {
  readonly server: RunningServer;
  readonly cert: Buffer;
  close(): Promise<void>;
}

/** Starts the server with a self-signed certificate for 127.0.0.1 (made by `openssl`). */
export async function startTlsServer(schema: Schema, extra: Partial<StartServerOptions> = {}): Promise<TlsOutpost> {
  const dir = mkdtempSync(join(tmpdir(), 'outpost-compat-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    const cert = readFileSync(join(dir, 'cert.pem'));
    // Amplify's HTTP calls go through Node's global fetch, which (Node 20) takes no per-request CA;
    // the certificate is a throw-away one for 127.0.0.1, so this test process skips verification.
    process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
    const server = await startServer({
      schema,
      database: `sqlite:${join(dir, 'server.db')}`,
      port: 0,
      host: '127.0.0.1',
      tls: { cert, key: readFileSync(join(dir, 'key.pem')) },
      reportError: (error) => console.error('outpost server:', error),
      ...extra,
    });
    return {
      server,
      cert,
      async close() {
        await server.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

/** A GraphQL answer from the server. */
export interface GqlBody {
  data?: Record<string, unknown> | null;
  errors?: Array<{ errorType?: string | null; message: string; data?: unknown }>;
}

/** POSTs one GraphQL document to `url` as another client would (fetch, JSON); throws on HTTP errors. */
export async function gql(url: string, headers: Record<string, string>, query: string, variables: Record<string, unknown> = {}): Promise<GqlBody> {
  const res = await platformFetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as GqlBody;
  if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${JSON.stringify(body)}`);
  return body;
}

/** Polls `check` every 20 ms until it returns a value other than undefined; rejects after `timeoutMs` (default 20 s) naming `what`. */
export async function waitFor<T>(what: string, check: () => T | undefined | Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** One Hub event on the `datastore` channel. */
export interface HubEvent {
  readonly event: string;
  readonly data: unknown;
}

/** Records every `datastore` Hub event from now on; `stop()` removes the listener. */
export function recordHub(Hub: AmplifyLibs['Hub']): { events: HubEvent[]; stop: () => void } {
  const events: HubEvent[] = [];
  const stop = Hub.listen('datastore', (capsule) => {
    events.push({ event: capsule.payload.event, data: capsule.payload.data });
  });
  return { events, stop };
}
