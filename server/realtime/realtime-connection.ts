// One real-time WebSocket connection speaking AppSync's protocol (PROTOCOL.md §5): the
// connection_init handshake, keep-alives, and start/stop of subscriptions, each authorized with
// its own `extensions.authorization`. Events reach it through the handler's subscription index.
import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import { OutpostError, Unauthorized, ValidationError } from '../../common/errors.js';
import type { Identity } from '../auth/identity.js';
import { StorageBusy } from '../storage/storage-busy.js';
import type { ChangeEvent } from './change-event.js';
import { startAuthHeaders, type AuthHeaders } from './connection-auth-header.js';
import { dataFrameText, dataPayload, parseClientFrame, serverFrames, type RealtimeFrameError } from '../../common/realtime/realtime-frames.js';
import { authorizeSubscription, type ItemAccess } from './subscription-authorization.js';
import type { PayloadOf } from './fanout-queue.js';
import { encodeTextFrames, type FrameParts } from './websocket-text-frames.js';
import { UnsupportedOperation, type SubscriptionRequest } from './subscription-request.js';
import type { RealtimeContext } from './realtime-context.js';
import { DEVICE_REVOKED_REASON } from '../../common/wire-extensions.js';

/** A registered subscription, as the handler's index holds it. */
export interface ActiveSubscription {
  readonly id: string;
  readonly connection: RealtimeConnection;
  readonly request: SubscriptionRequest;
  readonly identity: Identity;
  /** Owner / group rules of the caller. */
  readonly access: ItemAccess;
  /** The subscription's `filter` argument. */
  readonly filter: ItemAccess;
  /** When the authorizing token expires (epoch ms), or null. */
  readonly expiresAt: number | null;
  /** The header object that authorized it, re-checked periodically. */
  readonly headers: AuthHeaders;
  /** UTF-8 of `{"id":<id>,"type":"data","payload":`, the start of each of its `data` frames. */
  readonly framePrefix: Buffer;
}

/** What closes a `data` frame after its payload. */
const FRAME_SUFFIX = Buffer.from('}');

/** The bytes of subscription `id`'s `data` frames before the payload: dataFrameText's, so the shape lives in one place. */
function framePrefixOf(id: string): Buffer {
  const empty = dataFrameText(id, '');
  if (!empty.endsWith('}')) throw new Error('dataFrameText must end with the payload and "}"');
  return Buffer.from(empty.slice(0, -1));
}

/** Closing codes this server uses. */
export const CLOSE_CODES = {
  initTimeout: 4408,
  tooManyBadFrames: 1008,
  slowConsumer: 1013,
  unauthorized: 4401,
  serverClosing: 1001,
  missedChanges: 1012,
  serverError: 1011,
} as const;

/** A peer silent (no pong, no message) for less than this is never dropped as dead, ms. */
const DEAD_PEER_MIN_MS = 30_000;

/** Invalid frames tolerated on one connection before it is closed. */
const MAX_INVALID_FRAMES = 50;

type State = 'awaiting-init' | 'initialising' | 'ready' | 'closed';

/** The connection's auth headers from the upgrade request, or why there are none usable. */
export type ConnectionHeaders = { readonly headers: AuthHeaders } | { readonly error: string };

/** The token or key of one `start` could not be verified. */
class AuthenticationFailed extends Unauthorized {}

/**
 * Authentication throws typed errors for every verdict on the credentials; anything else is the
 * server failing (auth store unreachable, or its database busy). That is no verdict: clients
 * retry, subscriptions stay.
 */
function isServerFailure(error: unknown): boolean {
  // StorageBusy is typed but no verdict either: the database had no connection to spare in time.
  return !(error instanceof OutpostError) || error instanceof StorageBusy;
}

export class RealtimeConnection {
  private state: State = 'awaiting-init';
  private readonly active = new Map<string, ActiveSubscription>();
  /** Ids of starts still being authorized; a stop in the meantime cancels them. */
  private readonly pending = new Set<string>();
  /** Ids of starts that arrived before the connection was initialised. */
  private readonly queued = new Set<string>();
  private initialisation: Promise<boolean> | null = null;
  private invalidFrames = 0;
  private initTimer: NodeJS.Timeout | null;
  private keepAliveTimer: NodeJS.Timeout | null = null;
  /** Last time the peer showed it is alive (pong or any message), epoch ms. */
  private lastHeardAt = Date.now();

  /** Equal headers and identities of this connection's subscriptions, held once (a token is ~1 KiB, nine subscriptions repeat it). */
  private readonly shared = new EqualValues(8);

  /** `data` frames collected in the current fan-out round, in event order. */
  private batch: Array<{ readonly subscription: ActiveSubscription; readonly payload: Buffer }> = [];

  constructor(
    private readonly socket: WebSocket,
    /** The socket `socket` was upgraded on: batches of `data` frames are written to it directly. */
    private readonly upgradedSocket: Duplex,
    private readonly context: RealtimeContext,
    /** Connection auth headers from the upgrade request, or why they could not be read. */
    private readonly connectionHeaders: ConnectionHeaders,
  ) {
    // Starts usually repeat the connection's header: they then share its object.
    if ('headers' in connectionHeaders) this.shared.intern(connectionHeaders.headers);
    this.initTimer = setTimeout(() => {
      // Also covers an authentication that never answers.
      if (this.state === 'awaiting-init' || this.state === 'initialising') {
        this.close(CLOSE_CODES.initTimeout, 'connection_init not received in time');
      }
    }, context.limits.connectionInitTimeoutMs);
    socket.on('message', (data, isBinary) => {
      this.lastHeardAt = Date.now();
      if (isBinary) {
        this.rejectFrame(undefined, { errorType: 'BadRequestException', message: 'Binary frames are not supported; send JSON text' });
        return;
      }
      this.onText(String(data));
    });
    socket.on('pong', () => {
      this.lastHeardAt = Date.now();
    });
    socket.on('close', () => this.teardown());
    socket.on('error', (error) => {
      context.reportError(error);
      this.teardown();
    });
  }

  /** Number of subscriptions registered, being authorized, or waiting for the connection to initialise. */
  get subscriptionCount(): number {
    return this.active.size + this.pending.size + this.queued.size;
  }

  /**
   * Queues `event`'s `data` frame for `subscription` when its rules and filter let the item
   * through (the fan-out's collect step); `payloadOf` gives the payload bytes shared by every
   * subscription with the same document. True when the batch was empty before.
   */
  collect(subscription: ActiveSubscription, event: ChangeEvent, payloadOf: PayloadOf): boolean {
    if (this.state !== 'ready' || this.active.get(subscription.id) !== subscription) return false;
    if (subscription.expiresAt !== null && Date.now() >= subscription.expiresAt) {
      this.closeOnExpiredToken();
      return false;
    }
    let payload: Buffer;
    try {
      if (!subscription.access(event.item) || !subscription.filter(event.item)) return false;
      payload = payloadOf(subscription);
    } catch (error) {
      this.context.reportError(error);
      const rootField = subscription.request.rootField;
      payload = Buffer.from(JSON.stringify(dataPayload({ [rootField]: null }, [{ message: 'Internal error while preparing this event', path: [rootField] }])));
    }
    this.batch.push({ subscription, payload });
    return this.batch.length === 1;
  }

  /**
   * Writes the collected frames in one socket write (the fan-out's flush step) and returns how
   * many; frames of subscriptions stopped since they were collected are dropped. A client whose
   * unsent bytes already pass `maxBufferedBytes` is closed instead (it reconnects and resyncs).
   */
  flush(): number {
    const batch = this.batch;
    this.batch = [];
    if (this.state !== 'ready' || this.socket.readyState !== this.socket.OPEN) return 0;
    const frames: FrameParts[] = [];
    for (const { subscription, payload } of batch) {
      if (this.active.get(subscription.id) === subscription) frames.push([subscription.framePrefix, payload, FRAME_SUFFIX]);
    }
    if (frames.length === 0) return 0;
    if (this.socket.bufferedAmount > this.context.limits.maxBufferedBytes) {
      this.close(CLOSE_CODES.slowConsumer, 'Client is not reading messages fast enough');
      return 0;
    }
    // Straight to the upgraded socket: with permessage-deflate off, ws writes every frame
    // synchronously, so whole frames from both never interleave.
    this.upgradedSocket.write(encodeTextFrames(frames));
    return frames.length;
  }

  /**
   * Authenticates and authorizes every subscription again with the header it started with, and
   * ends (with an `error` frame) those no longer allowed: a revoked API key, a disabled account or
   * a signed-out session stops receiving changes without waiting for its token to expire.
   */
  async recheck(): Promise<void> {
    for (const subscription of [...this.active.values()]) {
      if (this.state !== 'ready') return;
      let failure: RealtimeFrameError | null = null;
      try {
        const identity = await this.context.authenticate(subscription.headers);
        const { model, rootField, ownerArguments } = subscription.request;
        try {
          authorizeSubscription(model, identity, rootField, ownerArguments);
        } catch (error) {
          failure = this.startError(error);
        }
      } catch (error) {
        if (isServerFailure(error)) {
          // The next re-check decides; ending every live subscription on a database hiccup would not.
          this.context.reportError(error);
          continue;
        }
        if (subscription.identity.kind === 'user' && error instanceof OutpostError && error.details?.reason === 'expired') {
          this.closeOnExpiredToken();
          return;
        }
        if (error instanceof OutpostError && error.details?.reason === DEVICE_REVOKED_REASON) {
          // Every subscription of this device ends: say why on each (the client wipes the profile), then close.
          for (const id of [...this.active.keys()]) {
            this.removeSubscription(id);
            this.send(serverFrames.error(id, [{ errorType: 'UnauthorizedException', message: error.message, errorInfo: { reason: DEVICE_REVOKED_REASON } }]));
          }
          this.close(CLOSE_CODES.unauthorized, 'Device revoked');
          return;
        }
        failure = { errorType: 'UnauthorizedException', message: this.authenticationMessage(error) };
      }
      if (failure && this.active.get(subscription.id) === subscription) {
        this.removeSubscription(subscription.id);
        this.send(serverFrames.error(subscription.id, [failure]));
      }
    }
  }

  /**
   * A subscription's token expired. Closing the connection (not a per-subscription error) is what
   * lets clients carry on: amplify-js reconnects with a fresh token and DataStore restarts its
   * subscriptions and catches up with a delta sync, as after a cut socket; a per-subscription
   * error made DataStore drop that model's subscription for good.
   */
  private closeOnExpiredToken(): void {
    this.close(CLOSE_CODES.unauthorized, 'Token expired');
  }

  /** Whether a subscription here was authorized in one of these sign-in sessions (Outpost tokens' `sid`). */
  authorizedInAny(sessionIds: ReadonlySet<string>): boolean {
    for (const subscription of this.active.values()) {
      const identity = subscription.identity;
      if (identity.kind === 'user' && typeof identity.claims.sid === 'string' && sessionIds.has(identity.claims.sid)) return true;
    }
    return false;
  }

  /** Closes the socket (teardown follows from its close event). */
  close(code: number, reason: string): void {
    if (this.state === 'closed') return;
    this.teardown();
    this.socket.close(code, reason);
  }

  private onText(text: string): void {
    if (this.state === 'closed') return;
    const frame = parseClientFrame(text);
    switch (frame.type) {
      case 'invalid':
        this.rejectFrame(frame.id, frame.error);
        return;
      case 'connection_init':
        // A repeated init is harmless; answer it like the first so a confused client carries on.
        if (this.state === 'ready') this.send(serverFrames.connectionAck(this.context.limits.connectionTimeoutMs));
        else void this.ensureInitialised();
        return;
      case 'start': {
        if (this.state === 'ready') {
          void this.onStart(frame.id, frame.payload);
          return;
        }
        // connection_init is optional in AppSync's protocol: a first start authenticates the
        // connection with its header; starts arriving meanwhile wait, in order.
        const { id, payload } = frame;
        if (this.refuseStart(id, this.queued.has(id))) return;
        this.queued.add(id);
        void this.ensureInitialised().then((ok) => {
          if (this.queued.delete(id) && ok) return this.onStart(id, payload);
        });
        return;
      }
      case 'stop':
        this.onStop(frame.id);
        return;
    }
  }

  /** Authenticates the connection once, on connection_init or a first start; true once ready. */
  private ensureInitialised(): Promise<boolean> {
    if (this.state === 'ready') return Promise.resolve(true);
    if (this.state === 'closed') return Promise.resolve(false);
    this.initialisation ??= this.initialise();
    return this.initialisation;
  }

  private async initialise(): Promise<boolean> {
    this.state = 'initialising';
    const carrier = this.connectionHeaders;
    let failure: string | null = null;
    let serverFailed = false;
    if ('error' in carrier) {
      failure = carrier.error;
    } else {
      try {
        await this.context.authenticate(carrier.headers);
      } catch (error) {
        serverFailed = isServerFailure(error);
        if (serverFailed) this.context.reportError(error);
        else failure = this.authenticationMessage(error);
      }
    }
    if (this.state !== 'initialising') return false;
    if (serverFailed) {
      // Not 401: amplify-js never retries a 400/401/403 connection_error, but retries this one.
      const message = 'The connection could not be authorized because of a server error; retry later';
      this.send(serverFrames.connectionError([{ errorType: 'InternalFailure', errorCode: 500, message }]));
      this.close(CLOSE_CODES.serverError, 'Server error');
      return false;
    }
    if (failure !== null) {
      this.send(serverFrames.connectionError([{ errorType: 'UnauthorizedException', errorCode: 401, message: failure }]));
      this.close(CLOSE_CODES.unauthorized, 'Unauthorized');
      return false;
    }
    this.state = 'ready';
    if (this.initTimer) clearTimeout(this.initTimer);
    this.initTimer = null;
    this.send(serverFrames.connectionAck(this.context.limits.connectionTimeoutMs));
    this.send(serverFrames.keepAlive());
    this.keepAliveTimer = setInterval(() => this.keepAlive(), this.context.limits.keepAliveIntervalMs);
    return true;
  }

  private keepAlive(): void {
    const silentFor = Date.now() - this.lastHeardAt;
    if (silentFor > Math.max(3 * this.context.limits.keepAliveIntervalMs, DEAD_PEER_MIN_MS)) {
      // No pong to several pings: the peer is gone without closing; free its subscriptions.
      this.teardown();
      this.socket.terminate();
      return;
    }
    this.socket.ping();
    this.send(serverFrames.keepAlive());
  }

  private async onStart(id: string, payload: unknown): Promise<void> {
    if (this.refuseStart(id, this.active.has(id) || this.pending.has(id))) return;
    this.pending.add(id);
    let subscription: ActiveSubscription;
    try {
      subscription = await this.authorizeStart(id, payload);
    } catch (error) {
      if (!this.pending.delete(id) || this.state !== 'ready') return;
      this.send(serverFrames.error(id, [this.startError(error)]));
      return;
    }
    // Stopped, or the socket closed, while the token was being checked.
    if (!this.pending.delete(id) || this.state !== 'ready') return;
    this.active.set(id, subscription);
    this.context.register(subscription);
    this.send(serverFrames.startAck(id));
  }

  /** Sends the `error` refusing a start and returns true when its id is in use or the connection is at its limit. */
  private refuseStart(id: string, idInUse: boolean): boolean {
    const refusal = startRefusal(id, idInUse, this.subscriptionCount, this.context.limits.maxSubscriptionsPerConnection);
    if (refusal !== null) this.send(serverFrames.error(id, [refusal]));
    return refusal !== null;
  }

  private async authorizeStart(id: string, payload: unknown): Promise<ActiveSubscription> {
    const extensions = isObject(payload) && isObject(payload.extensions) ? payload.extensions : {};
    let headers: AuthHeaders | null;
    try {
      headers = startAuthHeaders(extensions.authorization);
    } catch (error) {
      throw new AuthenticationFailed(`Invalid extensions.authorization: ${(error as Error).message}`);
    }
    // Clients that do not repeat the header per start are checked again with the connection's.
    headers ??= 'headers' in this.connectionHeaders ? this.connectionHeaders.headers : null;
    if (!headers) throw new AuthenticationFailed('No authorization for this subscription');
    headers = this.shared.intern(headers);
    let identity: Identity;
    try {
      identity = this.shared.intern(await this.context.authenticate(headers));
    } catch (error) {
      // A server failure goes on as it is, so startError reports it as InternalFailure.
      if (isServerFailure(error)) throw error;
      throw new AuthenticationFailed(this.authenticationMessage(error));
    }
    const parsed = this.context.requests.parse(payload);
    const request = parsed.request;
    // One check for every subscription, on any connection, that decides alike (item-access-cache.ts).
    const access = this.context.accessChecks.authorize(request.model, identity, request.rootField, request.ownerArguments);
    const filter = parsed.filter();
    const exp = identity.kind === 'user' ? identity.claims.exp : undefined;
    return {
      id,
      connection: this,
      request,
      identity,
      access,
      filter,
      expiresAt: typeof exp === 'number' ? exp * 1000 : null,
      headers,
      framePrefix: framePrefixOf(id),
    };
  }

  private onStop(id: string): void {
    this.queued.delete(id);
    this.pending.delete(id);
    this.removeSubscription(id);
    // Idempotent: a stop for an id that failed or already stopped still completes.
    if (this.state !== 'closed') this.send(serverFrames.complete(id));
  }

  private removeSubscription(id: string): void {
    const subscription = this.active.get(id);
    if (!subscription) return;
    this.active.delete(id);
    this.context.unregister(subscription);
  }

  private startError(error: unknown): RealtimeFrameError {
    // A bad or expired token is `UnauthorizedException` (amplify-js reconnects with a fresh one);
    // a valid caller without rights is `Unauthorized` (DataStore skips that subscription).
    if (error instanceof AuthenticationFailed) return { errorType: 'UnauthorizedException', message: error.message };
    if (error instanceof Unauthorized) return { errorType: 'Unauthorized', message: error.message };
    if (error instanceof UnsupportedOperation) return { errorType: 'UnsupportedOperation', message: error.message };
    if (error instanceof ValidationError) return { errorType: 'ValidationError', message: error.message };
    this.context.reportError(error);
    return { errorType: 'InternalFailure', message: 'The subscription could not be started because of a server error' };
  }

  /** The verdict's message for the client (server failures are reported, never passed on). */
  private authenticationMessage(error: unknown): string {
    return error instanceof OutpostError ? error.message : 'Unauthorized';
  }

  private rejectFrame(id: string | undefined, error: RealtimeFrameError): void {
    this.invalidFrames++;
    this.send(serverFrames.error(id, [error]));
    if (this.invalidFrames > MAX_INVALID_FRAMES) {
      this.close(CLOSE_CODES.tooManyBadFrames, `More than ${MAX_INVALID_FRAMES} invalid messages`);
    }
  }

  private send(frame: object): void {
    this.sendText(JSON.stringify(frame));
  }

  private sendText(text: string): void {
    if (this.socket.readyState !== this.socket.OPEN) return;
    if (this.socket.bufferedAmount > this.context.limits.maxBufferedBytes) {
      // The client is not reading; better it reconnects and resyncs than the server buffers without end.
      this.close(CLOSE_CODES.slowConsumer, 'Client is not reading messages fast enough');
      return;
    }
    this.socket.send(text);
  }

  private teardown(): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    if (this.initTimer) clearTimeout(this.initTimer);
    if (this.keepAliveTimer) clearInterval(this.keepAliveTimer);
    for (const subscription of this.active.values()) this.context.unregister(subscription);
    this.active.clear();
    this.batch = [];
    this.pending.clear();
    this.queued.clear();
    this.context.forget(this);
  }
}

/** Returns an earlier value equal (as JSON) to the one given, so equal plain-data objects are held once; keeps up to `capacity`. */
class EqualValues {
  // Values only, compared by serialising again: keeping the JSON as a key would hold a second copy of each token.
  private readonly values: unknown[] = [];

  constructor(private readonly capacity: number) {}

  intern<T>(value: T): T {
    const text = JSON.stringify(value);
    for (const known of this.values) if (JSON.stringify(known) === text) return known as T;
    if (this.values.length < this.capacity) this.values.push(value);
    return value;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Why a start cannot be taken: its id is in use, or the connection holds `limit` subscriptions; null when it can. */
export function startRefusal(id: string, idInUse: boolean, subscriptions: number, limit: number): RealtimeFrameError | null {
  if (idInUse) return { errorType: 'BadRequestException', message: `Subscription id "${id}" is already in use on this connection` };
  if (subscriptions >= limit) return { errorType: 'MaxSubscriptionsReachedError', message: `Max number of ${limit} subscriptions reached` };
  return null;
}
