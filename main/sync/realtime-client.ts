// One AppSync real-time connection shared by all subscriptions (PROTOCOL.md §5): connects lazily,
// `connection_init` → `connection_ack`, `start` per subscription with its own authorization,
// keep-alive watchdog, reconnect with jittered backoff after any disruption (restarting every
// active subscription), re-authentication after a token refresh or an auth error. A subscription's
// request may be rebuilt per `start` from the token it is sent with (owner arguments).
import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import { RETRY_POLICIES, tuned, type BackoffOptions } from './core/retry-policy.js';
import { RetryCounter } from './retrying.js';
import {
  clientFrames,
  DEFAULT_CONNECTION_TIMEOUT_MS,
  GRAPHQL_WS_PROTOCOL,
  parseServerFrame,
  type RealtimeFrameError,
} from '../../common/realtime/realtime-frames.js';
import {
  apiKeyAuthHeaders,
  authSubprotocols,
  CONNECTION_INIT_TIMEOUT_MS,
  isAuthError,
  isNonRetryableConnectionError,
  jwtAuthHeaders,
  keepAliveState,
  realtimeUrl,
  START_ACK_TIMEOUT_MS,
  startFrame,
  withAuthQuery,
  type RealtimeAuthHeaders,
} from './realtime-protocol.js';
import type { SyncAuth } from './sync-auth.js';

/** Connection states, named as amplify-js publishes them. */
export type ConnectionState = 'Disconnected' | 'Connecting' | 'Connected' | 'ConnectedPendingKeepAlive' | 'ConnectionDisrupted';

/** Receives one subscription's traffic. */
export interface SubscriptionObserver {
  /** `data` frame: the payload `{ data, errors }`. */
  next(payload: { readonly data: Readonly<Record<string, unknown>> | null; readonly errors: readonly RealtimeFrameError[] }): void;
  /** The subscription failed for good (it is removed). */
  error(errors: readonly RealtimeFrameError[]): void;
  /** The server completed it. */
  complete(): void;
  /** `start_ack` arrived (again after every reconnect). */
  acknowledged?(): void;
}

export interface RealtimeClientOptions {
  /** The GraphQL HTTP endpoint; the real-time URL is derived from it (§5.1). */
  readonly endpoint: string;
  /** Opens the connection and authorizes every `start` that brings no auth of its own. */
  readonly auth: SyncAuth;
  /** Other credentials subscriptions may bring (MULTI_AUTH): their token refreshes re-authenticate too. */
  readonly otherAuth?: readonly SyncAuth[];
  /** Where the connection auth header travels: `subprotocol` (default, current amplify-js) or legacy `query`. */
  readonly carrier?: 'subprotocol' | 'query';
  /** Reconnect backoff over RETRY_POLICIES.realtimeReconnect (2^n × 100 ms + jitter, capped at 5 s per delay). */
  readonly backoff?: BackoffOptions;
  /** How often the keep-alive is checked, in ms (default 5 000). */
  readonly keepAliveCheckMs?: number;
  /** Waits for `connection_ack` and `start_ack`, in ms (default 15 000 each). */
  readonly ackTimeoutMs?: number;
}

/** The document and variables a `start` frame carries. */
export interface SubscriptionRequest {
  readonly query: string;
  readonly variables: Readonly<Record<string, unknown>>;
}

/**
 * A fixed request, or one rebuilt for the token each `start` is authorized with (null with an API
 * key): owner arguments come from that token's claims, so a refreshed token's claims take effect.
 */
export type SubscriptionRequestSource = SubscriptionRequest | ((token: string | null) => SubscriptionRequest);

interface ActiveSubscription {
  readonly id: string;
  readonly request: SubscriptionRequestSource;
  readonly observer: SubscriptionObserver;
  /** Authorizes this subscription's `start` frames (default: the connection's auth). */
  readonly auth: SyncAuth;
  /**
   * Set when an auth error on this subscription made the client reconnect with a fresh token;
   * cleared by its `start_ack`. A second refusal then fails it: the token was not the problem
   * (the connection's `connection_ack` must not reset this, or a refusal would loop forever).
   */
  authRetried: boolean;
  acked: boolean;
  ackTimer: NodeJS.Timeout | null;
}

/**
 * Events: `state` (ConnectionState), `disrupted` (an established connection was lost),
 * `established` (connected and every subscription acknowledged), `reconnected` (the same after
 * an earlier connection was lost — time for a delta sync), `connectFailed` (an attempt ended before `connection_ack`); failures of subscriptions
 * reach their observers.
 */
export class RealtimeClient extends EventEmitter {
  private socket: WebSocket | null = null;
  private readonly subscriptions = new Map<string, ActiveSubscription>();
  private currentState: ConnectionState = 'Disconnected';
  private readonly backoff: RetryCounter;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private keepAliveTimer: NodeJS.Timeout | null = null;
  private idleTimer: NodeJS.Timeout | null = null;
  private lastActivity = 0;
  private connectionTimeoutMs = DEFAULT_CONNECTION_TIMEOUT_MS;
  private wasConnected = false;
  /** Set at each `connection_ack` until every subscription is acknowledged on that connection. */
  private awaitingAcks = false;
  private isReconnect = false;
  private authFailures = 0;
  private closed = false;
  private readonly stopRefreshListeners: Array<() => void>;

  constructor(private readonly options: RealtimeClientOptions) {
    super();
    this.backoff = new RetryCounter(tuned(RETRY_POLICIES.realtimeReconnect, options.backoff));
    this.stopRefreshListeners = [options.auth, ...(options.otherAuth ?? [])].flatMap((auth) =>
      auth.type === 'jwt' ? [auth.tokens.onRefresh(() => this.reauthenticate())] : [],
    );
  }

  /** Current connection state. */
  get state(): ConnectionState {
    return this.currentState;
  }

  /** Starts a subscription (connecting if needed), its `start` authorized with `auth` (default: the connection's); `unsubscribe` sends `stop`. */
  subscribe(request: ActiveSubscription['request'], observer: SubscriptionObserver, auth: SyncAuth = this.options.auth): { unsubscribe(): void } {
    if (this.closed) throw new Error('the real-time client is closed');
    const sub: ActiveSubscription = { id: randomUUID(), request, observer, auth, authRetried: false, acked: false, ackTimer: null };
    this.subscriptions.set(sub.id, sub);
    if (this.idleTimer !== null) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    if (this.currentState === 'Connected' || this.currentState === 'ConnectedPendingKeepAlive') void this.sendStart(sub);
    else if (this.socket === null && this.reconnectTimer === null) void this.connect();
    return { unsubscribe: () => this.unsubscribe(sub.id) };
  }

  /** Closes the connection and drops every subscription (no reconnect). */
  close(): void {
    this.closed = true;
    for (const stop of this.stopRefreshListeners) stop();
    for (const sub of this.subscriptions.values()) if (sub.ackTimer !== null) clearTimeout(sub.ackTimer);
    this.subscriptions.clear();
    this.teardownSocket(1000, 'client closed');
    if (this.reconnectTimer !== null) clearTimeout(this.reconnectTimer);
    if (this.idleTimer !== null) clearTimeout(this.idleTimer);
    this.reconnectTimer = null;
    this.setState('Disconnected');
  }

  /** Drops the socket as if the network failed (then reconnects): used after a token refresh. */
  reauthenticate(): void {
    if (this.socket === null || this.closed) return;
    this.teardownSocket(1000, 'Auth error - reconnecting');
    this.onLost();
  }

  private unsubscribe(id: string): void {
    const sub = this.subscriptions.get(id);
    if (sub === undefined) return;
    if (sub.ackTimer !== null) clearTimeout(sub.ackTimer);
    this.subscriptions.delete(id);
    if (this.socket?.readyState === WebSocket.OPEN) this.send(clientFrames.stop(id));
    if (this.subscriptions.size === 0) {
      // amplify-js closes an unused socket 1 s after the last subscription goes.
      this.idleTimer = setTimeout(() => {
        if (this.subscriptions.size === 0) {
          this.teardownSocket(1000, 'no subscriptions');
          if (this.reconnectTimer !== null) clearTimeout(this.reconnectTimer);
          this.reconnectTimer = null;
          this.setState('Disconnected');
        }
      }, 1000);
      this.idleTimer.unref();
    }
  }

  /** The auth headers to send and the JWT they carry (null with an API key). */
  private async credentials(forceRefresh = false, auth: SyncAuth = this.options.auth): Promise<{ headers: RealtimeAuthHeaders; token: string | null }> {
    if (auth.type === 'apiKey') return { headers: apiKeyAuthHeaders(this.options.endpoint, auth.apiKey, new Date()), token: null };
    const token = await auth.tokens.getToken({ forceRefresh });
    return { headers: jwtAuthHeaders(this.options.endpoint, token), token };
  }

  private async connect(): Promise<void> {
    if (this.closed || this.socket !== null) return;
    this.setState('Connecting');
    let headers: RealtimeAuthHeaders;
    try {
      ({ headers } = await this.credentials(this.authFailures > 0));
    } catch {
      this.emit('connectFailed');
      this.scheduleReconnect();
      return;
    }
    if (this.closed || this.socket !== null) return;
    const base = realtimeUrl(this.options.endpoint);
    const socket =
      this.options.carrier === 'query' ? new WebSocket(withAuthQuery(base, headers), [GRAPHQL_WS_PROTOCOL]) : new WebSocket(base, authSubprotocols(headers));
    this.socket = socket;
    const initTimer = setTimeout(() => {
      if (this.socket === socket && !this.isOpenState()) {
        this.emit('connectFailed');
        this.dropSocket(socket);
      }
    }, this.options.ackTimeoutMs ?? CONNECTION_INIT_TIMEOUT_MS);
    initTimer.unref();
    socket.on('open', () => this.send(clientFrames.connectionInit(), socket));
    socket.on('message', (raw) => this.onFrame(socket, raw.toString()));
    socket.on('error', () => undefined); // 'close' follows and drives the reconnect
    socket.on('close', () => {
      clearTimeout(initTimer);
      if (this.socket !== socket) return;
      if (!this.isOpenState()) this.emit('connectFailed');
      this.socket = null;
      this.stopKeepAlive();
      this.onLost();
    });
  }

  private isOpenState(): boolean {
    return this.currentState === 'Connected' || this.currentState === 'ConnectedPendingKeepAlive';
  }

  private onFrame(socket: WebSocket, text: string): void {
    if (this.socket !== socket) return;
    this.lastActivity = Date.now();
    const frame = parseServerFrame(text);
    switch (frame.type) {
      case 'connection_ack': {
        this.connectionTimeoutMs = frame.connectionTimeoutMs;
        this.authFailures = 0;
        this.backoff.reset();
        this.awaitingAcks = true;
        this.isReconnect = this.wasConnected;
        this.wasConnected = true;
        this.setState('Connected');
        this.startKeepAlive();
        for (const sub of this.subscriptions.values()) {
          sub.acked = false;
          void this.sendStart(sub);
        }
        this.maybeReconnected();
        return;
      }
      case 'ka':
        if (this.currentState === 'ConnectedPendingKeepAlive') this.setState('Connected');
        return;
      case 'start_ack': {
        const sub = this.subscriptions.get(frame.id);
        if (sub === undefined) return;
        if (sub.ackTimer !== null) clearTimeout(sub.ackTimer);
        sub.ackTimer = null;
        sub.acked = true;
        sub.authRetried = false;
        sub.observer.acknowledged?.();
        this.maybeReconnected();
        return;
      }
      case 'data':
        this.subscriptions.get(frame.id)?.observer.next({ data: frame.data, errors: frame.errors });
        return;
      case 'complete': {
        const sub = this.subscriptions.get(frame.id);
        if (sub === undefined) return;
        this.subscriptions.delete(frame.id);
        sub.observer.complete();
        return;
      }
      case 'error': {
        const sub = frame.id === null ? undefined : this.subscriptions.get(frame.id);
        const retryable = sub === undefined ? this.authFailures < 1 : !sub.authRetried;
        if (isAuthError(frame.errors) && (sub?.auth ?? this.options.auth).type === 'jwt' && retryable) {
          // Probably an expired token: reconnect once with a fresh one before failing anything.
          if (sub === undefined) this.authFailures++;
          else sub.authRetried = true;
          this.dropSocket(socket, 'Auth error - reconnecting');
          return;
        }
        if (sub === undefined) return;
        if (sub.ackTimer !== null) clearTimeout(sub.ackTimer);
        this.subscriptions.delete(sub.id);
        sub.observer.error(frame.errors);
        this.maybeReconnected();
        return;
      }
      case 'connection_error': {
        const retryableAuth = isAuthError(frame.errors) && this.options.auth.type === 'jwt' && this.authFailures < 1;
        if (isNonRetryableConnectionError(frame.errors) && !retryableAuth) {
          const subs = [...this.subscriptions.values()];
          this.subscriptions.clear();
          this.teardownSocket(1000, 'connection refused');
          this.setState('Disconnected');
          for (const sub of subs) sub.observer.error(frame.errors);
          return;
        }
        if (retryableAuth) this.authFailures++;
        this.dropSocket(socket, 'connection error');
        return;
      }
      case 'unknown':
        return;
    }
  }

  /**
   * Once every subscription is acknowledged on a new connection: `established`, and also
   * `reconnected` when an earlier connection existed (events may have been missed).
   */
  private maybeReconnected(): void {
    if (!this.awaitingAcks) return;
    for (const sub of this.subscriptions.values()) if (!sub.acked) return;
    this.awaitingAcks = false;
    this.emit('established');
    if (this.isReconnect) this.emit('reconnected');
  }

  private async sendStart(sub: ActiveSubscription): Promise<void> {
    let credentials: { headers: RealtimeAuthHeaders; token: string | null };
    try {
      credentials = await this.credentials(false, sub.auth);
    } catch {
      // No credentials now: drop the socket and let the reconnect loop try again.
      if (this.socket !== null) this.dropSocket(this.socket);
      return;
    }
    if (!this.subscriptions.has(sub.id) || this.socket === null) return;
    let request: SubscriptionRequest;
    try {
      request = typeof sub.request === 'function' ? sub.request(credentials.token) : sub.request;
    } catch (error) {
      this.subscriptions.delete(sub.id);
      sub.observer.error([{ errorType: 'BadRequest', message: `the subscription request could not be built: ${(error as Error).message}`, errorCode: null }]);
      this.maybeReconnected();
      return;
    }
    this.send(startFrame(sub.id, request, credentials.headers));
    if (sub.ackTimer !== null) clearTimeout(sub.ackTimer);
    sub.ackTimer = setTimeout(() => {
      sub.ackTimer = null;
      if (sub.acked || !this.subscriptions.has(sub.id)) return;
      this.subscriptions.delete(sub.id);
      sub.observer.error([{ errorType: 'StartAckTimeout', message: 'Subscription timeout: no start_ack', errorCode: null }]);
      this.maybeReconnected();
    }, this.options.ackTimeoutMs ?? START_ACK_TIMEOUT_MS);
    sub.ackTimer.unref();
  }

  private send(frame: object, socket: WebSocket | null = this.socket): void {
    if (socket?.readyState === WebSocket.OPEN) socket.send(JSON.stringify(frame));
  }

  private startKeepAlive(): void {
    this.stopKeepAlive();
    this.keepAliveTimer = setInterval(() => {
      const socket = this.socket;
      if (socket === null) return;
      const state = keepAliveState(this.lastActivity, Date.now(), this.connectionTimeoutMs);
      if (state === 'timeout') this.dropSocket(socket, 'Timeout disconnect');
      else if (state === 'pending' && this.currentState === 'Connected') this.setState('ConnectedPendingKeepAlive');
    }, this.options.keepAliveCheckMs ?? 5_000);
    this.keepAliveTimer.unref();
  }

  private stopKeepAlive(): void {
    if (this.keepAliveTimer !== null) clearInterval(this.keepAliveTimer);
    this.keepAliveTimer = null;
  }

  /** Ends `socket` now; its `close` handler (or this call) starts the reconnect. */
  private dropSocket(socket: WebSocket, reason = 'connection lost'): void {
    if (this.socket !== socket) return;
    this.teardownSocket(1000, reason);
    this.onLost();
  }

  private teardownSocket(code: number, reason: string): void {
    const socket = this.socket;
    this.socket = null;
    this.stopKeepAlive();
    if (socket === null) return;
    socket.removeAllListeners('close');
    socket.removeAllListeners('message');
    socket.on('error', () => undefined);
    if (socket.readyState === WebSocket.OPEN) socket.close(code, reason);
    else socket.terminate();
  }

  private onLost(): void {
    for (const sub of this.subscriptions.values()) {
      sub.acked = false;
      if (sub.ackTimer !== null) clearTimeout(sub.ackTimer);
      sub.ackTimer = null;
    }
    if (this.closed) return;
    if (this.wasConnected && this.currentState !== 'ConnectionDisrupted') {
      this.setState('ConnectionDisrupted');
      this.emit('disrupted');
    }
    if (this.subscriptions.size === 0) {
      this.setState('Disconnected');
      return;
    }
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.closed || this.reconnectTimer !== null) return;
    if (!this.wasConnected) this.setState('Connecting');
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      void this.connect();
    }, this.backoff.next());
    this.reconnectTimer.unref();
  }

  private setState(state: ConnectionState): void {
    if (this.currentState === state) return;
    this.currentState = state;
    this.emit('state', state);
  }
}
