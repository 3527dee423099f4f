// One JSON log line per HTTP request when its response ends — method, path (no query string: the
// real-time auth header may ride in it), status, duration, GraphQL operation name and type, the
// caller's id, the request id and the errorTypes of a failed answer — and the request metrics.
// Never headers, bodies, variables or tokens: nothing secret or record content is in a line.
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import type { Logger } from './server-log.js';
import type { ServerMetrics } from './metrics.js';
import { beginRequest, factsOf } from './request-id.js';
import { sendJson } from '../http/graphql-endpoint.js';

/** The route label of a path (bounded cardinality: never the path itself). */
export function routeOf(pathname: string): string {
  if (pathname === '/graphql') return 'graphql';
  if (pathname.startsWith('/auth/')) return 'auth';
  if (pathname === '/attachments' || pathname.startsWith('/attachments/')) return 'attachments';
  if (pathname === '/health' || pathname.startsWith('/health/')) return 'health';
  if (pathname === '/metrics') return 'metrics';
  return 'other';
}

/** Logs and measures every request of `server`; sets `x-request-id` on each response. */
export function observeRequests(server: Server, logger: Logger, metrics: ServerMetrics): void {
  server.prependListener('request', (req: IncomingMessage, res: ServerResponse) => {
    const began = process.hrtime.bigint();
    const requestId = beginRequest(req);
    res.setHeader('x-request-id', requestId);
    res.once('close', () => {
      const seconds = Number(process.hrtime.bigint() - began) / 1e9;
      const path = new URL(req.url ?? '/', 'http://localhost').pathname;
      const route = routeOf(path);
      const status = res.writableFinished ? res.statusCode : 499;
      const graphql = factsOf(req)?.graphql;
      metrics.request(route, status, seconds, graphql);
      const errorTypes = graphql?.fields.flatMap((f) => (f.errorType === null ? [] : [f.errorType]));
      const line = {
        reqId: requestId,
        method: req.method,
        path: route === 'attachments' ? '/attachments/…' : path,
        status,
        durationMs: Math.round(seconds * 1e4) / 10,
        ...(graphql?.operationName ? { operation: graphql.operationName } : {}),
        ...(graphql?.operationType ? { operationType: graphql.operationType } : {}),
        ...(graphql?.fields.length ? { fields: graphql.fields.map((f) => f.field) } : {}),
        ...(graphql?.caller ? { user: graphql.caller } : {}),
        ...(errorTypes?.length ? { errorTypes } : {}),
      };
      if (status >= 500) logger.error(line, 'request failed');
      else logger.info(line, 'request');
    });
  });
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** GET /metrics: the Prometheus text with `Authorization: Bearer <token>`; 401 without it (and always, when no token is configured). */
export function metricsRoute(metrics: ServerMetrics, token: string | undefined): (req: IncomingMessage, res: ServerResponse) => Promise<boolean> {
  return async (req, res) => {
    if (req.method !== 'GET' || new URL(req.url ?? '/', 'http://localhost').pathname !== '/metrics') return false;
    const given = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (token === undefined || given === undefined || !sameSecret(given, token)) {
      res.setHeader('www-authenticate', 'Bearer realm="outpost-metrics"');
      const message =
        token === undefined ? 'metrics are off: set metrics.token in the config file' : 'GET /metrics needs Authorization: Bearer <metrics.token>';
      sendJson(res, 401, { errors: [{ errorType: 'UnauthorizedException', message }] });
      return true;
    }
    const text = await metrics.text();
    res.writeHead(200, { 'content-type': metrics.registry.contentType, 'content-length': Buffer.byteLength(text) });
    res.end(text);
    return true;
  };
}
