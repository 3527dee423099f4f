// The browser fallback for machines without the Electron binary: the same main-process core in
// Node, the built renderer served on 127.0.0.1, and the IPC contract carried over a local
// WebSocket. Only pages served by this host may connect (Origin and Host are checked, which also
// defeats DNS rebinding); it never listens beyond loopback.
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import type { AppCore } from './app-core.js';
import { CONTENT_SECURITY_POLICY } from './content-security-policy.js';
import { createInProcessBridge } from './ipc/in-process-bridge.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json',
};

export interface BrowserHostOptions {
  readonly core: AppCore;
  /** The build output holding renderer/ and bridge/ (default `<repo>/dist`). */
  readonly distDir: string;
  /** TCP port on 127.0.0.1 (default 0 = any free port). */
  readonly port?: number;
}

export interface BrowserHost {
  readonly url: string;
  close(): Promise<void>;
}

/** Largest IPC message accepted from the page (bytes, 4 MiB). */
export const MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

/** Serves the renderer and bridges its API to `core`; resolves once listening. */
export async function startBrowserHost(options: BrowserHostOptions): Promise<BrowserHost> {
  const rendererDir = join(options.distDir, 'renderer');
  const bridgeFile = join(options.distDir, 'bridge', 'websocket-bridge.js');
  if (!existsSync(join(rendererDir, 'index.html')) || !existsSync(bridgeFile)) {
    throw new Error(`the renderer is not built in ${options.distDir}: run npm run build`);
  }
  let origin = '';
  const policy = () => `${CONTENT_SECURITY_POLICY.replace("connect-src 'none'", `connect-src ${origin.replace('http', 'ws')}`)}; frame-ancestors 'none'`;
  const ownHost = (req: IncomingMessage) => `http://${req.headers.host ?? ''}` === origin;

  const server: Server = createServer((req, res) => {
    if (!ownHost(req)) {
      res.writeHead(421).end('wrong host');
      return;
    }
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', origin).pathname));
    const headers = { 'content-security-policy': policy(), 'x-content-type-options': 'nosniff', 'cache-control': 'no-store' };
    if (path === '/' || path === '/index.html') {
      // The page's own meta CSP forbids every connection; this host needs exactly one WebSocket.
      const html = readFileSync(join(rendererDir, 'index.html'), 'utf8')
        .replace(/<meta\s+http-equiv="Content-Security-Policy"[^>]*>/, '')
        .replace('<title>', '<script src="./websocket-bridge.js"></script>\n    <title>');
      res.writeHead(200, { ...headers, 'content-type': TYPES['.html'] }).end(html);
      return;
    }
    const file = path === '/websocket-bridge.js' ? bridgeFile : join(rendererDir, path);
    if ((!file.startsWith(rendererDir) && file !== bridgeFile) || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { ...headers, 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
  });

  const bridge = createInProcessBridge();
  options.core.attach(bridge.host);
  const sockets = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  server.on('upgrade', (req, socket, head) => {
    if (!ownHost(req) || req.headers.origin !== origin || new URL(req.url ?? '/', origin).pathname !== '/ipc') {
      socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    sockets.handleUpgrade(req, socket, head, (ws) => serve(ws));
  });

  const serve = (ws: WebSocket): void => {
    const connection = bridge.connect((wire, payload) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ event: wire, payload }));
    });
    ws.on('message', (raw) => {
      let message: { id?: unknown; channel?: unknown; payload?: unknown };
      try {
        message = JSON.parse(String(raw)) as typeof message;
      } catch {
        ws.close(1003, 'not JSON');
        return;
      }
      if (typeof message.id !== 'number' || typeof message.channel !== 'string') {
        ws.close(1003, 'expected { id, channel, payload }');
        return;
      }
      const id = message.id;
      void connection.transport.invoke(message.channel, message.payload).then((result) => {
        if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ id, result }));
      });
    });
    ws.on('close', () => connection.close());
  };

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: `${origin}/`,
    close: async () => {
      for (const ws of sockets.clients) ws.terminate();
      sockets.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
