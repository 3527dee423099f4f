// A test client that speaks the AppSync real-time protocol exactly as amplify-js does
// (PROTOCOL.md §5): the `header-<base64url>` subprotocol (current) or the `header`/`payload=e30=`
// query string (legacy), `connection_init`, and `start` with a JSON-string `data` plus
// `extensions.authorization`. Frames are queued so tests can wait for the next matching one.
import WebSocket from 'ws';

/** An error as the server reports it in `error`, `connection_error` and `data` frames. */
export interface FrameError {
  readonly errorType?: string;
  readonly errorCode?: number;
  readonly message: string;
  readonly path?: readonly (string | number)[];
}

/** A server frame; payload members present depend on `type`. */
export interface Frame {
  readonly type: string;
  readonly id?: string;
  readonly payload?: {
    readonly connectionTimeoutMs?: number;
    readonly data?: Readonly<Record<string, Readonly<Record<string, unknown>> | null>>;
    readonly errors?: readonly FrameError[];
  };
}

export type AuthCarrier = 'subprotocol' | 'query';

export class AppSyncWsClient {
  readonly frames: Frame[] = [];
  private waiters: { match: (f: Frame) => boolean; resolve: (f: Frame) => void }[] = [];
  closeEvent: { code: number; reason: string } | null = null;
  private closeWaiters: ((e: { code: number; reason: string }) => void)[] = [];

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      const frame = JSON.parse(String(data)) as Frame;
      const waiter = this.waiters.find((w) => w.match(frame));
      if (waiter) {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        waiter.resolve(frame);
      } else this.frames.push(frame);
    });
    socket.on('close', (code, reason) => {
      this.closeEvent = { code, reason: String(reason) };
      for (const w of this.closeWaiters) w(this.closeEvent);
    });
  }

  /** Opens the socket with the auth header object on the chosen carrier; resolves once open. */
  static async open(
    baseUrl: string,
    header: Record<string, string> | null,
    carrier: AuthCarrier = 'subprotocol',
    path = '/graphql/realtime',
  ): Promise<AppSyncWsClient> {
    const json = header === null ? null : JSON.stringify(header);
    let socket: WebSocket;
    if (carrier === 'subprotocol') {
      const protocols = ['graphql-ws'];
      if (json !== null) protocols.push(`header-${Buffer.from(json).toString('base64url')}`);
      socket = new WebSocket(`${baseUrl}${path}`, protocols);
    } else {
      // amplify-js < 6.6 appends standard base64 without URL-encoding it.
      const query = json === null ? '' : `?header=${Buffer.from(json).toString('base64')}&payload=e30=`;
      socket = new WebSocket(`${baseUrl}${path}${query}`, ['graphql-ws']);
    }
    const client = new AppSyncWsClient(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    return client;
  }

  send(frame: unknown): void {
    this.socket.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** Sends `connection_init` and returns the `connection_ack` (or whatever answered). */
  async init(): Promise<Frame> {
    this.send({ type: 'connection_init' });
    return this.next((f) => f.type === 'connection_ack' || f.type === 'connection_error');
  }

  /** Sends a `start` as amplify-js builds it. */
  start(id: string, query: string, variables: Record<string, unknown>, authorization: Record<string, string> | null): void {
    this.send({
      id,
      type: 'start',
      payload: {
        data: JSON.stringify({ query, variables }),
        extensions: authorization === null ? {} : { authorization: { ...authorization, 'x-amz-user-agent': 'aws-amplify/6.0 test' } },
      },
    });
  }

  /** `start` and wait for its answer (`start_ack` or `error`). */
  async subscribe(id: string, query: string, variables: Record<string, unknown>, authorization: Record<string, string> | null): Promise<Frame> {
    this.start(id, query, variables, authorization);
    return this.next((f) => f.id === id && (f.type === 'start_ack' || f.type === 'error'));
  }

  /** The next frame matching `match` (queued or future); rejects after `ms`. */
  next(match: (f: Frame) => boolean = () => true, ms = 10_000): Promise<Frame> {
    const index = this.frames.findIndex(match);
    if (index >= 0) return Promise.resolve(this.frames.splice(index, 1)[0]);
    return new Promise((resolve, reject) => {
      const waiter = {
        match,
        resolve: (f: Frame) => {
          clearTimeout(timer);
          resolve(f);
        },
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`no matching frame within ${ms} ms; queued: ${JSON.stringify(this.frames).slice(0, 500)}`));
      }, ms);
      this.waiters.push(waiter);
    });
  }

  /** Resolves when no frame matching `match` arrives within `ms` (a bounded negative check). */
  async expectNone(match: (f: Frame) => boolean, ms = 300): Promise<void> {
    try {
      const f = await this.next(match, ms);
      throw new Error(`unexpected frame: ${JSON.stringify(f)}`);
    } catch (error) {
      if ((error as Error).message.startsWith('unexpected frame')) throw error;
    }
  }

  /** Resolves with the close code/reason (now if already closed); rejects after `ms`. */
  closed(ms = 10_000): Promise<{ code: number; reason: string }> {
    if (this.closeEvent) return Promise.resolve(this.closeEvent);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`socket not closed within ${ms} ms`)), ms);
      this.closeWaiters.push((e) => {
        clearTimeout(timer);
        resolve(e);
      });
    });
  }

  close(): void {
    this.socket.close();
  }
}
