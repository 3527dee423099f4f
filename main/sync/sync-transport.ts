// The sync worker's port to the server (DESIGN.md "Sync worker"): queries of a model, mutations on
// a typed route, live subscriptions and the real-time connection's events. An implementation owns
// the auth modes and the fallback between them (MULTI_AUTH, PROTOCOL.md §6.2): callers name the
// model and operation, never a credential. urql-sync-transport.ts is the one over urql and the
// AppSync real-time client; the worker's unit tests pass a fake.
import type { RealtimeFrameError } from '../../common/realtime/realtime-frames.js';
import type { GraphqlFilterInput } from '../../common/predicates/types.js';
import type { ModelDef } from '../../common/schema/types.js';
import type { OutboxOperation } from '../datastore/outbox-entry.js';
import type { MutationRoute } from './core/mutation-route.js';
import type { SubscriptionFailureAction } from './core/subscription-failure.js';
import type { SubscriptionKind } from './graphql-documents.js';
import type { AnnouncedAnswer, ServerCapabilities } from './server-capabilities.js';

/**
 * The real-time connection's events: `established` (connected, every subscription acknowledged),
 * `connectFailed` (an attempt ended before the server's ack), `disrupted` (an established
 * connection was lost), `reconnected` (established again after a loss: events may have been missed).
 */
export type ConnectionEvent = 'established' | 'connectFailed' | 'disrupted' | 'reconnected';

/** What a subscription failure leads to once no other auth mode is left (the transport tries those itself). */
export type SubscriptionGiveUp = Exclude<SubscriptionFailureAction, { readonly kind: 'nextMode' }>;

/** One live subscription to open: `kind` events of `model`, with the selective-sync filter or none. */
export interface LiveSubscriptionRequest {
  readonly model: ModelDef;
  readonly kind: SubscriptionKind;
  readonly filter: GraphqlFilterInput | null;
}

/** Receives one subscription's traffic. */
export interface LiveObserver {
  /** A `data` payload, as a plain answer. */
  data(answer: AnnouncedAnswer): void;
  /** `start_ack` arrived (again after every reconnect). */
  acknowledged(): void;
  /** The subscription failed with every auth mode it may use; `action` says what to do next (core/subscription-failure.ts). */
  failed(errors: readonly RealtimeFrameError[], action: SubscriptionGiveUp): void;
}

/** A live subscription: `unsubscribe()` stops it; `resubscribe` starts it again after a failure. */
export interface LiveSubscription {
  unsubscribe(): void;
  /** Subscribes again with the auth mode the failed attempt used, with `filter` (null: none). */
  resubscribe(filter: GraphqlFilterInput | null): void;
}

/** The server as the sync worker sees it, for one session (closed at its end). */
export interface SyncTransport {
  /** A query of `model` (a sync page, a `get`), sent with the modes its READ rules allow; never throws. */
  query(model: string, query: string, variables: Record<string, unknown>, signal?: AbortSignal): Promise<AnnouncedAnswer>;
  /** The route a mutation of `operation` on `model` travels (its auth modes and batching key). */
  mutationRoute(model: string, operation: OutboxOperation): MutationRoute;
  /** Sends a mutation request on `route`, each mode in turn after an Unauthorized refusal; never throws. */
  mutate(
    route: MutationRoute,
    query: string,
    variables: Record<string, unknown>,
    signal: AbortSignal,
    extensions?: Readonly<Record<string, unknown>>,
  ): Promise<AnnouncedAnswer>;
  /** Opens a live subscription (connecting the real-time socket if needed). */
  subscribe(request: LiveSubscriptionRequest, observer: LiveObserver): LiveSubscription;
  /** True while the real-time connection is up. */
  readonly connected: boolean;
  /** Listens to a connection event; returns the function that stops listening. */
  onConnection(event: ConnectionEvent, listener: () => void): () => void;
  /** Drops the real-time connection; nothing is sent afterwards. */
  close(): void;
}

/** What a session gives its transport: the worker's capabilities (updated from every answer) and the session's stop signal. */
export interface TransportSession {
  readonly capabilities: ServerCapabilities;
  readonly signal: AbortSignal;
}

/** Opens the transport of one session. */
export type OpenSyncTransport = (session: TransportSession) => SyncTransport;
