// An HTTP forwarder in front of the attachment endpoint that logs every tus request it passes on:
// method, blob key, status, the Upload-Offset answered and the request body bytes it forwarded.
// The SIGKILL test reads from it how many uploads the server created and completed per key and
// how many bytes each client run sent. A client that dies mid-request cuts the forwarded request
// too, so the server sees the cut as it would without the forwarder; one that dies waiting for an
// answer leaves the server to finish, and the answer is still logged.
import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TusRequestRecord {
  readonly method: string;
  /** The blob key (`<model>/<recordId>/<sha256>`): from the path, or from a creation's Location. */
  key: string | null;
  /** The server's status; null while unanswered or when the request was cut first. */
  status: number | null;
  /** The Upload-Offset the server answered, when it did. */
  uploadOffset: number | null;
  /** Request body bytes forwarded to the server. */
  bodyBytes: number;
}

export interface TusTrafficLog {
  /** The tus creation endpoint through the forwarder. */
  readonly endpoint: string;
  /** Every request so far, in arrival order. */
  readonly requests: readonly TusRequestRecord[];
  /** Request body bytes forwarded so far (all requests). */
  bodyBytes(): number;
  close(): Promise<void>;
}

const PREFIX = '/attachments/';

function keyOfPath(path: string | undefined): string | null {
  const pathname = new URL(path ?? '/', 'http://localhost').pathname;
  return pathname.startsWith(PREFIX) && pathname.length > PREFIX.length ? pathname.slice(PREFIX.length) : null;
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Starts a forwarder to the server on 127.0.0.1:`targetPort`. */
export async function startTusTrafficLog(targetPort: number): Promise<TusTrafficLog> {
  const requests: TusRequestRecord[] = [];
  const server: Server = createServer((req, res) => {
    const record: TusRequestRecord = { method: req.method ?? 'GET', key: keyOfPath(req.url), status: null, uploadOffset: null, bodyBytes: 0 };
    requests.push(record);
    const forward = httpRequest({ host: '127.0.0.1', port: targetPort, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      record.status = answer.statusCode ?? null;
      const offset = header(answer.headers, 'upload-offset');
      record.uploadOffset = offset === undefined ? null : Number(offset);
      const location = header(answer.headers, 'location');
      if (record.key === null && location !== undefined) record.key = keyOfPath(location);
      // The client is gone: the server's answer is logged all the same (its work was done), then dropped.
      if (res.destroyed) {
        answer.resume();
        return;
      }
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    forward.on('error', () => res.destroy());
    req.on('data', (chunk: Buffer) => {
      record.bodyBytes += chunk.length;
    });
    // The client went away mid-request: cut the server's side too. A request that arrived whole
    // goes on, as it would when a client dies waiting for the answer.
    req.on('close', () => {
      if (!req.complete) forward.destroy();
    });
    req.on('error', () => forward.destroy());
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}/attachments`,
    requests,
    bodyBytes: () => requests.reduce((sum, record) => sum + record.bodyBytes, 0),
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
