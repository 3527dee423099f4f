// A generic update feed on 127.0.0.1 (port 0), serving files the way a team's static HTTPS host
// would: GET a path, 200 with Content-Length, or 404. Every request is recorded so a test can
// count what reached the feed.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FeedRequest {
  readonly method: string;
  /** The path without the query (electron-updater adds `?noCache=…` to channel files). */
  readonly path: string;
  readonly range: string | undefined;
}

export interface LocalFeed {
  /** The feed's base URL, ending in '/'. */
  readonly url: string;
  readonly requests: FeedRequest[];
  /** Puts (or replaces) a file at `name` under the feed. */
  put(name: string, body: Buffer | string): void;
  remove(name: string): void;
  /** Stops the feed; closing twice is harmless. */
  close(): Promise<void>;
}

/** Starts a feed on a free loopback port. */
export async function startLocalFeed(): Promise<LocalFeed> {
  const files = new Map<string, Buffer>();
  const requests: FeedRequest[] = [];
  const server: Server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://feed').pathname;
    requests.push({ method: request.method ?? 'GET', path, range: request.headers.range });
    const body = files.get(path);
    if (request.method !== 'GET' || body === undefined) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    response.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.length }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  let closed: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}/updates/`,
    requests,
    put: (name, body) => files.set(`/updates/${name}`, Buffer.isBuffer(body) ? body : Buffer.from(body)),
    remove: (name) => files.delete(`/updates/${name}`),
    close: () =>
      (closed ??= new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      })),
  };
}
