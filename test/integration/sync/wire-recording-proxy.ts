// A recording HTTP proxy for wire tests: listens on 127.0.0.1:0 in front of a real Outpost server,
// records every GraphQL request (headers and parsed body) with its answer, and can make the server
// look like a backend without Outpost's announcement (AWS AppSync): in `strip` mode the answers'
// `extensions` are removed before they reach the client. WebSocket upgrades (the real-time
// endpoint) are piped through unchanged, so live events flow as they would without the proxy.
import http from 'node:http';
import net from 'node:net';
import { Kind, parse, type OperationDefinitionNode } from 'graphql';

/** One GraphQL request as the client sent it, and what came back. */
export interface RecordedExchange {
  readonly path: string;
  /** Request headers, names lower-cased. */
  readonly headers: Readonly<Record<string, string>>;
  /** The raw request body. */
  readonly text: string;
  readonly body: {
    readonly query: string;
    readonly variables?: Record<string, unknown>;
    readonly extensions?: Record<string, unknown>;
    readonly operationName?: string;
  };
  readonly status: number;
  /** The answer as the client received it (after `strip`). */
  readonly response: { data?: Record<string, unknown> | null; errors?: unknown[]; extensions?: Record<string, unknown> } | null;
}

/** `pass`: answers unchanged; `strip`: answers without `extensions` (a backend that announces nothing). */
export type AnswerMode = 'pass' | 'strip';

export interface RecordingProxy {
  readonly port: number;
  /** `http://127.0.0.1:<port><path>`. */
  url(path?: string): string;
  /** Every GraphQL request so far, in arrival order. */
  readonly exchanges: RecordedExchange[];
  mode: AnswerMode;
  /** The mutation requests among `exchanges`. */
  mutations(): RecordedExchange[];
  close(): Promise<void>;
}

/** Starts a recording proxy to the HTTP server on 127.0.0.1:`targetPort`. */
export async function startRecordingProxy(targetPort: number, mode: AnswerMode = 'pass'): Promise<RecordingProxy> {
  const exchanges: RecordedExchange[] = [];
  const sockets = new Set<net.Socket>();
  const proxy: RecordingProxy = {
    port: 0,
    url: (path = '/graphql') => `http://127.0.0.1:${proxy.port}${path}`,
    exchanges,
    mode,
    mutations: () => exchanges.filter((e) => /^\s*mutation\b/.test(e.body.query)),
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const upstream = http.request({ host: '127.0.0.1', port: targetPort, method: req.method, path: req.url, headers: req.headers }, (answer) => {
        const parts: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => parts.push(chunk));
        answer.on('end', () => {
          let out = Buffer.concat(parts);
          let response: RecordedExchange['response'] = null;
          try {
            response = JSON.parse(out.toString('utf8')) as NonNullable<RecordedExchange['response']>;
            if (proxy.mode === 'strip' && response !== null && 'extensions' in response) {
              delete response.extensions;
              out = Buffer.from(JSON.stringify(response), 'utf8');
            }
          } catch {
            // Not JSON: passed on as it is.
          }
          if (req.url?.startsWith('/graphql') === true && req.method === 'POST') {
            let body: RecordedExchange['body'] = { query: '' };
            try {
              body = JSON.parse(text) as RecordedExchange['body'];
            } catch {
              // Recorded with an empty query: the test then sees what was sent in `text`.
            }
            const headers: Record<string, string> = {};
            for (const [name, value] of Object.entries(req.headers)) if (typeof value === 'string') headers[name.toLowerCase()] = value;
            exchanges.push({ path: req.url, headers, text, body, status: answer.statusCode ?? 0, response });
          }
          const headers = { ...answer.headers, 'content-length': String(out.length) };
          delete headers['transfer-encoding'];
          res.writeHead(answer.statusCode ?? 502, headers);
          res.end(out);
        });
      });
      upstream.on('error', () => {
        res.destroy();
      });
      upstream.end(text);
    });
  });

  // The real-time endpoint: the upgrade request is replayed upstream and both sockets piped.
  server.on('upgrade', (req: http.IncomingMessage, socket: net.Socket, head: Buffer) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    const upstream = net.connect(targetPort, '127.0.0.1', () => {
      const lines = [`${req.method} ${req.url} HTTP/1.1`];
      for (let i = 0; i < req.rawHeaders.length; i += 2) lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
      upstream.write(`${lines.join('\r\n')}\r\n\r\n`);
      if (head.length > 0) upstream.write(head);
      socket.pipe(upstream);
      upstream.pipe(socket);
    });
    sockets.add(upstream);
    upstream.on('close', () => {
      sockets.delete(upstream);
      socket.destroy();
    });
    upstream.on('error', () => socket.destroy());
    socket.on('close', () => upstream.destroy());
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  (proxy as { port: number }).port = (server.address() as net.AddressInfo).port;
  return proxy;
}

/** Root fields of a GraphQL document's operation, as `alias:name` (`name` alone when unaliased). */
export function rootFields(query: string): string[] {
  const operation = parse(query).definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  if (operation === undefined) throw new Error(`no operation in ${query}`);
  return operation.selectionSet.selections.map((s) =>
    s.kind !== Kind.FIELD ? s.kind : s.alias === undefined ? s.name.value : `${s.alias.value}:${s.name.value}`,
  );
}
