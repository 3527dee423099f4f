// A fault-injecting TCP proxy for tests: listens on 127.0.0.1:0 and forwards to a target port,
// with controls to delay bytes, refuse or black-hole connections, drop responses (the request
// reaches the server, the answer never comes back), and cut every open connection. HTTP and
// WebSocket traffic both pass through it unchanged when no fault is set.
import net from 'node:net';

export type ProxyMode =
  /** Forward everything (default). */
  | 'pass'
  /** Accept, then reset at once (like a refused connection, but after the TCP handshake). */
  | 'refuse'
  /** Accept and swallow bytes both ways: requests hang until the client times out. */
  | 'blackhole';

export interface FaultProxy {
  /** The proxy's port on 127.0.0.1. */
  readonly port: number;
  /** `http://127.0.0.1:<port><path>`. */
  url(path?: string): string;
  /** Extra latency added to every chunk, each direction, in ms (order kept). */
  setDelay(ms: number): void;
  setMode(mode: ProxyMode): void;
  /** While true, bytes from the server are dropped and their connection is cut: work done, answer lost. */
  setDropResponses(drop: boolean): void;
  /** Points new connections at another port (a restarted server). */
  setTarget(port: number): void;
  /** Destroys every open connection (both sides); returns how many. */
  cutAll(): number;
  /** Open connection pairs now. */
  readonly openConnections: number;
  /** Bytes forwarded so far, client→server and server→client. */
  readonly bytes: { readonly up: number; readonly down: number };
  close(): Promise<void>;
}

/** Starts a proxy to 127.0.0.1:`targetPort`. */
export async function startFaultProxy(targetPort: number): Promise<FaultProxy> {
  let target = targetPort;
  let delay = 0;
  let mode: ProxyMode = 'pass';
  let dropResponses = false;
  const bytes = { up: 0, down: 0 };
  const pairs = new Set<{ client: net.Socket; upstream: net.Socket }>();

  const server = net.createServer((client) => {
    client.on('error', () => undefined);
    if (mode === 'refuse') {
      client.resetAndDestroy();
      return;
    }
    const upstream = net.connect(target, '127.0.0.1');
    upstream.on('error', () => undefined);
    const pair = { client, upstream };
    pairs.add(pair);
    const end = (): void => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    // Per direction, chunks leave in order: each is due no earlier than the one before it; a
    // close is passed on only after the delayed chunks before it.
    const lastDue = { up: 0, down: 0 };
    const endAfterPending = (direction: 'up' | 'down'): void => {
      const wait = lastDue[direction] - Date.now();
      if (wait <= 0) end();
      else setTimeout(end, wait + 1);
    };
    client.on('close', () => endAfterPending('up'));
    upstream.on('close', () => endAfterPending('down'));
    const relay = (from: net.Socket, to: net.Socket, direction: 'up' | 'down'): void => {
      from.on('data', (chunk: Buffer) => {
        if (mode === 'blackhole') return;
        if (direction === 'down' && dropResponses) {
          end();
          return;
        }
        bytes[direction] += chunk.length;
        if (delay <= 0) {
          to.write(chunk);
          return;
        }
        const due = Math.max(Date.now() + delay, lastDue[direction]);
        lastDue[direction] = due;
        setTimeout(() => {
          if (!to.destroyed) to.write(chunk);
        }, due - Date.now());
      });
    };
    relay(client, upstream, 'up');
    relay(upstream, client, 'down');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;

  return {
    port,
    url: (path = '/graphql') => `http://127.0.0.1:${port}${path}`,
    setDelay: (ms) => {
      delay = Math.max(0, ms);
    },
    setMode: (next) => {
      mode = next;
    },
    setDropResponses: (drop) => {
      dropResponses = drop;
    },
    setTarget: (next) => {
      target = next;
    },
    cutAll: () => {
      const n = pairs.size;
      for (const pair of [...pairs]) {
        pair.client.resetAndDestroy();
        pair.upstream.destroy();
      }
      pairs.clear();
      return n;
    },
    get openConnections() {
      return pairs.size;
    },
    get bytes() {
      return { ...bytes };
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const pair of [...pairs]) {
          pair.client.destroy();
          pair.upstream.destroy();
        }
        server.close(() => resolve());
      }),
  };
}
