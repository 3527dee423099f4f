// The HTTP(S) server: the attachment endpoint, POST /graphql, GET /health, CORS, extra routes (auth) and WebSocket upgrades
// (real-time). With a TLS certificate and key it serves HTTPS, and so WSS for the upgrades.
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Duplex } from 'node:stream';
import type { AttachmentRoutes } from '../attachments/attachment-routes.js';
import { announcementOf, handleGraphqlRequest, sendJson, type GraphqlEndpointOptions } from './graphql-endpoint.js';

/** A route outside /graphql; returns true when it handled the request. */
export type ExtraRoute = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

export interface HttpServerOptions {
  readonly graphql: GraphqlEndpointOptions;
  readonly extraRoutes?: readonly ExtraRoute[];
  /** The tus attachment endpoint: answered before anything reads the body, with its own CORS (tus headers and methods). */
  readonly attachments?: AttachmentRoutes;
  /** Takes over an upgrade request; returns false to refuse it. */
  readonly upgrade?: (req: IncomingMessage, socket: Duplex, head: Buffer) => boolean;
  readonly tls?: { readonly cert: string | Buffer; readonly key: string | Buffer };
  /** Extra body for GET /health (e.g. schema version). */
  readonly health?: () => Record<string, unknown>;
}

const CORS_HEADERS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, POST, OPTIONS',
  'access-control-allow-headers': 'content-type, x-api-key, authorization, x-amz-user-agent, x-amz-date',
  'access-control-max-age': '86400',
};

/** Creates (does not start) the server. */
export function createOutpostHttpServer(options: HttpServerOptions): Server {
  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    if (options.attachments?.matches(req.url ?? '/') === true) {
      void options.attachments.handle(req, res);
      return;
    }
    for (const [name, value] of Object.entries(CORS_HEADERS)) res.setHeader(name, value);
    const url = new URL(req.url ?? '/', 'http://localhost');
    void (async () => {
      try {
        if (req.method === 'OPTIONS') {
          res.writeHead(204);
          res.end();
          return;
        }
        if (url.pathname === '/graphql') {
          if (req.method !== 'POST') {
            res.setHeader('allow', 'POST, OPTIONS');
            sendJson(res, 405, {
              errors: [{ errorType: 'MethodNotAllowed', message: 'Use POST /graphql with a JSON body' }],
              extensions: announcementOf(options.graphql),
            });
            return;
          }
          await handleGraphqlRequest(req, res, options.graphql);
          return;
        }
        if (url.pathname === '/health' && req.method === 'GET') {
          sendJson(res, 200, { status: 'ok', ...(options.health?.() ?? {}) });
          return;
        }
        for (const route of options.extraRoutes ?? []) {
          if (await route(req, res)) return;
        }
        sendJson(res, 404, { errors: [{ errorType: 'NotFound', message: `No route for ${req.method ?? ''} ${url.pathname}` }] });
      } catch (error) {
        options.graphql.reportError(error);
        // 503 + Retry-After: clients retry a server-side failure instead of dropping their write.
        if (!res.headersSent) {
          res.setHeader('retry-after', '1');
          sendJson(res, 503, { errors: [{ errorType: 'InternalFailure', message: 'An internal error occurred; retry later' }] });
        } else res.end();
      }
    })();
  };
  const server = options.tls ? createHttpsServer({ cert: options.tls.cert, key: options.tls.key }, handler) : createHttpServer(handler);
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (options.upgrade?.(req, socket, head) === true) return;
    socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
  });
  return server;
}
