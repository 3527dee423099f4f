// The AppSync real-time endpoint (`/graphql/realtime`): accepts WebSocket upgrades on the `ws`
// package, negotiates `graphql-ws`, and hands committed changes from the bus to the fan-out queue
// (fanout-queue.ts), which delivers them to matching subscriptions after the mutation answered. Mount it on an http(s).Server:
//   server.on('upgrade', (req, socket, head) => { if (!realtime.handleUpgrade(req, socket, head)) socket.destroy(); });
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { buildSchema, type GraphQLSchema } from 'graphql';
import { WebSocketServer } from 'ws';
import type { Schema } from '../../common/schema/types.js';
import { installAwsScalars } from '../graphql/aws-scalars.js';
import { generateSdl } from '../graphql/generate-sdl.js';
import type { ChangeBus, ChangeEvent } from './change-event.js';
import { connectionAuthHeaders, selectSubprotocol } from './connection-auth-header.js';
import { CLOSE_CODES, RealtimeConnection, type ConnectionHeaders } from './realtime-connection.js';
import type { Authenticate } from '../auth/authenticate.js';
import type { RealtimeContext, RealtimeLimits } from './realtime-context.js';
import { SubscriptionIndex } from './subscription-index.js';
import { DEFAULT_FANOUT_OPTIONS, FanoutQueue } from './fanout-queue.js';
import { subscriptionPayloadBytes } from './subscription-payload.js';
import { ItemAccessCache } from './item-access-cache.js';
import { SubscriptionRequestCache } from './subscription-request-cache.js';
import { DEFAULT_DOCUMENT_LIMITS, subscriptionFieldsOf } from './subscription-request.js';

export type { RealtimeLimits } from './realtime-context.js';

export const DEFAULT_REALTIME_LIMITS: RealtimeLimits = {
  ...DEFAULT_DOCUMENT_LIMITS,
  maxSubscriptionsPerConnection: 100,
  connectionInitTimeoutMs: 30_000,
  keepAliveIntervalMs: 45_000,
  // Sent in `connection_ack`: AppSync's 5 minutes; the client closes after this long without `ka`.
  connectionTimeoutMs: 300_000,
  maxMessageBytes: 262_144,
  maxBufferedBytes: 16 * 1024 * 1024,
  maxConnections: 10_000,
  reauthorizeIntervalMs: 300_000,
  revocationPollMs: 1_000,
  fanoutSliceMs: DEFAULT_FANOUT_OPTIONS.sliceMs,
  maxQueuedEvents: DEFAULT_FANOUT_OPTIONS.maxQueuedEvents,
};

export interface RealtimeHandlerOptions {
  /** The parsed app schema. */
  readonly schema: Schema;
  /** Committed writes to fan out. */
  readonly bus: ChangeBus;
  /** Verifies the connection header and each start's `extensions.authorization` (server/auth's `createAuthenticator`). */
  readonly authenticate: Authenticate;
  /** The generated API schema; built from `generateSdl(schema)` when omitted. */
  readonly graphqlSchema?: GraphQLSchema;
  readonly limits?: Partial<RealtimeLimits>;
  /** URL paths served; default `/graphql/realtime` (AppSync's custom-domain form) and `/graphql`. */
  readonly paths?: readonly string[];
  /** Where unexpected failures go; default stderr. */
  readonly reportError?: (error: unknown) => void;
  /**
   * Ids of sign-in sessions ended at or after an epoch-ms time (the auth store's): connections
   * authorized in one are re-checked within `revocationPollMs`, so a revoked device or a signed-out
   * session stops receiving at once, whichever process revoked it. Without it, only the periodic re-check.
   */
  readonly sessionsRevokedSince?: (since: number) => Promise<readonly string[]>;
}

export interface RealtimeHandler {
  /**
   * Takes over an `upgrade` request when its path is one of ours and returns true; returns false
   * (leaving the socket untouched) otherwise.
   */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  /** Open connections. */
  readonly connectionCount: number;
  /** Registered subscriptions across all connections. */
  readonly subscriptionCount: number;
  /** Committed changes not yet delivered to every subscriber. */
  readonly queuedEvents: number;
  /** `data` frames written to sockets since start. */
  readonly deliveredFrames: number;
  /** Closes every connection (code 1001) and stops listening to the bus. */
  close(): Promise<void>;
}

/** The connection's auth header object from the upgrade request, or why there is none. */
function upgradeHeaders(request: IncomingMessage): ConnectionHeaders {
  try {
    const found = connectionAuthHeaders(request);
    return found ? { headers: found } : { error: 'No authorization: send the header query parameter or a header- subprotocol' };
  } catch (error) {
    return { error: `Invalid connection authorization: ${(error as Error).message}` };
  }
}

/**
 * The schemas a handler validates and shapes with. Items are shaped with resolver-free types built
 * from the same SDL, so a schema whose fields carry resolvers (storage reads, auth) is only used to
 * validate documents, never run per event.
 */
function handlerSchemas(options: RealtimeHandlerOptions): { graphqlSchema: GraphQLSchema; payloadSchema: GraphQLSchema } {
  const payloadSchema = buildSchema(generateSdl(options.schema));
  // Filter values of AWS scalars (AWSDateTime, AWSEmail, …) are checked like on the HTTP endpoint.
  installAwsScalars(payloadSchema);
  return { graphqlSchema: options.graphqlSchema ?? payloadSchema, payloadSchema };
}

/** Queues the bus's changes for fan-out and closes every connection on a disruption; returns the stop. */
function followBus(bus: ChangeBus, fanout: FanoutQueue, closeAll: (reason: string) => void): () => void {
  // Only queued here: the mutation that published the change answers before anyone is sent it.
  const stopEvents = bus.subscribe((event: ChangeEvent) => fanout.enqueue(event));
  const stopDisruptions = bus.onDisruption?.((disruption) => closeAll(disruption.reason));
  return () => {
    stopEvents();
    stopDisruptions?.();
  };
}

/** Polls for ended sign-in sessions and re-checks the connections authorized in them; returns the stop. */
function watchRevocations(
  revokedSince: (since: number) => Promise<readonly string[]>,
  connections: ReadonlySet<RealtimeConnection>,
  intervalMs: number,
  reportError: (error: unknown) => void,
): () => void {
  // Clocks of server processes sharing a database differ a little: look back a few seconds; a
  // session seen twice only costs a re-check of the connections still authorized in it.
  const lookBackMs = 5_000;
  let since = Date.now() - lookBackMs;
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    if (connections.size === 0) {
      // Nobody to re-check: what ended before now cannot concern a connection made later.
      since = Date.now() - lookBackMs;
      return;
    }
    running = true;
    const startedAt = Date.now();
    revokedSince(since)
      .then((ids) => {
        since = startedAt - lookBackMs;
        if (ids.length === 0) return;
        const ended = new Set(ids);
        for (const connection of [...connections]) {
          if (connection.authorizedInAny(ended)) connection.recheck().catch((error: unknown) => reportError(error));
        }
      })
      .catch((error: unknown) => reportError(error))
      .finally(() => {
        running = false;
      });
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}

/** What the handler's connections share. */
function handlerContext(
  options: RealtimeHandlerOptions,
  limits: RealtimeLimits,
  reportError: (error: unknown) => void,
  subscriptions: SubscriptionIndex,
  connections: Set<RealtimeConnection>,
): RealtimeContext {
  const schemas = handlerSchemas(options);
  const fields = subscriptionFieldsOf(options.schema);
  return {
    schema: options.schema,
    ...schemas,
    fields,
    limits,
    requests: new SubscriptionRequestCache({ graphqlSchema: schemas.graphqlSchema, fields, limits }),
    accessChecks: new ItemAccessCache(),
    authenticate: options.authenticate,
    reportError,
    register: (subscription) => subscriptions.add(subscription),
    unregister: (subscription) => subscriptions.delete(subscription),
    forget: (connection) => connections.delete(connection),
  };
}

/** The limits given over the defaults; a limit given as undefined keeps its default. */
function limitsWithDefaults(given: Partial<RealtimeLimits> | undefined): RealtimeLimits {
  const defined = Object.entries(given ?? {}).filter(([, value]) => value !== undefined);
  return { ...DEFAULT_REALTIME_LIMITS, ...(Object.fromEntries(defined) as Partial<RealtimeLimits>) };
}

/** The fan-out queue over `subscriptions`, shaping payloads with the handler's schemas; an overflow closes every connection. */
function createFanout(context: RealtimeContext, subscriptions: SubscriptionIndex, closeAll: (reason: string) => void): FanoutQueue {
  const { limits, reportError } = context;
  return new FanoutQueue(
    subscriptions,
    (subscription, event) => subscriptionPayloadBytes(context.payloadSchema, context.schema, subscription.request, event.item, reportError),
    (dropped) => closeAll(`${dropped} changes waited for delivery, more than maxQueuedEvents (${limits.maxQueuedEvents})`),
    { ...DEFAULT_FANOUT_OPTIONS, sliceMs: limits.fanoutSliceMs, maxQueuedEvents: limits.maxQueuedEvents },
  );
}

/** Builds the real-time endpoint for `schema`, fed by `bus`. */
export function createRealtimeHandler(options: RealtimeHandlerOptions): RealtimeHandler {
  const limits = limitsWithDefaults(options.limits);
  const paths = new Set(options.paths ?? ['/graphql/realtime', '/graphql']);
  const reportError =
    options.reportError ??
    ((error: unknown) => {
      console.error('realtime:', error);
    });
  const connections = new Set<RealtimeConnection>();
  const subscriptions = new SubscriptionIndex();
  let closed = false;
  const context = handlerContext(options, limits, reportError, subscriptions, connections);
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: limits.maxMessageBytes,
    perMessageDeflate: false,
    handleProtocols: (offered) => selectSubprotocol(offered),
  });
  const closeAll = (reason: string): void => {
    // Subscribers may have missed changes: closing makes amplify-js reconnect and run a delta sync.
    reportError(new Error(`closing real-time connections: ${reason}`));
    for (const connection of [...connections]) connection.close(CLOSE_CODES.missedChanges, 'Missed changes; reconnect and sync');
  };
  const fanout = createFanout(context, subscriptions, closeAll);
  const stopBus = followBus(options.bus, fanout, closeAll);
  const recheckTimer = setInterval(() => {
    for (const connection of [...connections]) {
      connection.recheck().catch((error: unknown) => reportError(error));
    }
  }, limits.reauthorizeIntervalMs);
  recheckTimer.unref();
  const stopRevocationWatch = options.sessionsRevokedSince
    ? watchRevocations(options.sessionsRevokedSince, connections, limits.revocationPollMs, reportError)
    : () => undefined;

  return {
    handleUpgrade(request, socket, head) {
      const pathname = new URL(request.url ?? '/', 'http://localhost').pathname;
      if (!paths.has(pathname)) return false;
      if (closed || connections.size >= limits.maxConnections) {
        socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
        return true;
      }
      const headers = upgradeHeaders(request);
      wss.handleUpgrade(request, socket, head, (ws) => {
        if (closed) {
          ws.close(CLOSE_CODES.serverClosing, 'Server is shutting down');
          return;
        }
        connections.add(new RealtimeConnection(ws, socket, context, headers));
      });
      return true;
    },
    get connectionCount() {
      return connections.size;
    },
    get subscriptionCount() {
      return subscriptions.size;
    },
    get queuedEvents() {
      return fanout.queuedEvents;
    },
    get deliveredFrames() {
      return fanout.deliveredFrames;
    },
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(recheckTimer);
      stopRevocationWatch();
      stopBus();
      fanout.close();
      for (const connection of [...connections]) connection.close(CLOSE_CODES.serverClosing, 'Server is shutting down');
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
