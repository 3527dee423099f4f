// What every real-time connection shares with the handler that accepted it.
import type { GraphQLSchema } from 'graphql';
import type { ModelDef, Schema } from '../../common/schema/types.js';
import type { Authenticate } from '../auth/authenticate.js';
import type { MutationKind } from './change-event.js';
import type { ActiveSubscription, RealtimeConnection } from './realtime-connection.js';
import type { SubscriptionDocumentLimits } from './subscription-request.js';
import type { SubscriptionRequestCache } from './subscription-request-cache.js';
import type { ItemAccessCache } from './item-access-cache.js';

/** Tunables of the real-time endpoint. */
export interface RealtimeLimits extends SubscriptionDocumentLimits {
  /** Subscriptions one connection may hold; default 100 (AppSync's). */
  readonly maxSubscriptionsPerConnection: number;
  /** A connection that sends no `connection_init` within this is closed, ms; default 30 000. */
  readonly connectionInitTimeoutMs: number;
  /** Period of `ka` messages (and of the dead-peer ping), ms; default 45 000 (clients give up after 65 000 without one). */
  readonly keepAliveIntervalMs: number;
  /** `connectionTimeoutMs` told to clients in `connection_ack`, ms; default 300 000. */
  readonly connectionTimeoutMs: number;
  /** Largest client message, bytes; default 262 144. */
  readonly maxMessageBytes: number;
  /** Unsent bytes queued for one client before it is disconnected as too slow; default 16 MiB. */
  readonly maxBufferedBytes: number;
  /** Simultaneous connections per handler; further upgrades get HTTP 503; default 10 000. */
  readonly maxConnections: number;
  /** How often live subscriptions are authenticated and authorized again, ms; default 300 000. */
  readonly reauthorizeIntervalMs: number;
  /** How often ended sign-in sessions are looked for (ms); their connections are re-checked at once. */
  readonly revocationPollMs: number;
  /** Longest stretch of fan-out work before HTTP and other sockets are served again, ms; default 4. */
  readonly fanoutSliceMs: number;
  /** Events waiting for fan-out beyond which every connection is closed to resynchronise; default 10 000. */
  readonly maxQueuedEvents: number;
}

export interface RealtimeContext {
  readonly schema: Schema;
  /** Validates subscription documents (the server's API schema when given). */
  readonly graphqlSchema: GraphQLSchema;
  /** Executes selections over delivered items: the generated SDL with only default resolvers. */
  readonly payloadSchema: GraphQLSchema;
  readonly fields: ReadonlyMap<string, { model: ModelDef; mutation: MutationKind }>;
  readonly limits: RealtimeLimits;
  /** Parsed start payloads, shared by identical starts. */
  readonly requests: SubscriptionRequestCache;
  /** Owner/group item checks shared by subscriptions that decide alike, each remembering its last verdict. */
  readonly accessChecks: ItemAccessCache;
  readonly authenticate: Authenticate;
  readonly reportError: (error: unknown) => void;
  register(subscription: ActiveSubscription): void;
  unregister(subscription: ActiveSubscription): void;
  forget(connection: RealtimeConnection): void;
}
