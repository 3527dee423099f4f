// The SyncTransport over urql (graphql-transport.ts) and the AppSync real-time client: one
// GraphqlTransport per auth mode sharing one real-time connection, and the auth-mode choice of
// every request — DEFAULT: `auth` for all; MULTI_AUTH (PROTOCOL.md §6.2): per model and operation
// the modes its @auth rules allow (auth-modes.ts), each tried after an Unauthorized refusal of the
// one before. Subscriptions fall back to the next READ mode here; what a failure leads to once no
// mode is left is the caller's (core/subscription-failure.ts).
import type { RealtimeFrameError } from '../../common/realtime/realtime-frames.js';
import type { GraphqlFilterInput } from '../../common/predicates/types.js';
import type { Schema } from '../../common/schema/types.js';
import type { OutboxOperation } from '../datastore/outbox-entry.js';
import { isUnauthorizedAnswer, modelAuthModes, multiAuthProviders, type AuthMode, type ModelOperation } from './auth-modes.js';
import { mutationRoute, type MutationRoute } from './core/mutation-route.js';
import { RETRY_POLICIES, type BackoffOptions } from './core/retry-policy.js';
import { subscriptionFailureAction } from './core/subscription-failure.js';
import { getModel } from '../../common/schema/model-fields.js';
import { subscriptionDocument } from './graphql-documents.js';
import { GraphqlTransport, type SubscriptionHandle } from './graphql-transport.js';
import { RealtimeClient } from './realtime-client.js';
import type { AnnouncedAnswer } from './server-capabilities.js';
import { subscriptionRequestFor } from './subscription-owner.js';
import type { SyncAuth } from './sync-auth.js';
import type {
  ConnectionEvent,
  LiveObserver,
  LiveSubscription,
  LiveSubscriptionRequest,
  OpenSyncTransport,
  SyncTransport,
  TransportSession,
} from './sync-transport.js';

/** Where and how to reach the server (the SyncWorkerOptions fields of the same names and meaning). */
export interface UrqlSyncTransportOptions {
  readonly schema: Schema;
  /** GraphQL HTTP endpoint; the real-time URL is derived. */
  readonly endpoint: string;
  /** The default auth mode; with MULTI_AUTH it opens the real-time connection. */
  readonly auth: SyncAuth;
  /** Default `DEFAULT`. */
  readonly authModeStrategy?: 'DEFAULT' | 'MULTI_AUTH';
  /** MULTI_AUTH only: further credentials, each of a type `auth` is not. */
  readonly additionalAuth?: readonly SyncAuth[];
  /** Where the real-time auth header travels (default `subprotocol`). */
  readonly realtimeCarrier?: 'subprotocol' | 'query';
  readonly fetch?: typeof fetch;
  /** Timeout of one HTTP request in ms (default 30 000). */
  readonly requestTimeoutMs?: number;
  /** Tuning of the real-time reconnect backoff (its cap stays RETRY_POLICIES.realtimeReconnect's). */
  readonly backoff?: BackoffOptions;
}

/** Validates the auth options (throws on a bad combination) and returns the opener of one transport per session. */
export function urqlSyncTransports(options: UrqlSyncTransportOptions): OpenSyncTransport {
  const multiAuth = multiAuthProviders(options.authModeStrategy, options.auth, options.additionalAuth);
  return (session) => new UrqlSyncTransport(options, multiAuth, session);
}

class UrqlSyncTransport implements SyncTransport {
  private readonly realtime: RealtimeClient;
  /** The default mode's transport: every request with DEFAULT, every subscription. */
  private readonly transport: GraphqlTransport;
  /** MULTI_AUTH: a transport per auth mode (the default mode's is `transport`). */
  private readonly transports = new Map<AuthMode, GraphqlTransport>();
  private routeSerial = 0;

  constructor(
    private readonly options: UrqlSyncTransportOptions,
    /** MULTI_AUTH: the credentials by mode; null with DEFAULT. */
    private readonly multiAuth: ReadonlyMap<AuthMode, SyncAuth> | null,
    private readonly session: TransportSession,
  ) {
    this.realtime = new RealtimeClient({
      endpoint: options.endpoint,
      auth: options.auth,
      ...(options.additionalAuth && multiAuth !== null ? { otherAuth: options.additionalAuth } : {}),
      ...(options.realtimeCarrier ? { carrier: options.realtimeCarrier } : {}),
      ...(options.backoff ? { backoff: { ...options.backoff, maxDelayMs: RETRY_POLICIES.realtimeReconnect.maxDelayMs } } : {}),
    });
    this.transport = this.transportFor(options.auth);
    this.transports.set(options.auth.type, this.transport);
    for (const auth of multiAuth === null ? [] : (options.additionalAuth ?? [])) this.transports.set(auth.type, this.transportFor(auth));
  }

  query(model: string, query: string, variables: Record<string, unknown>, signal?: AbortSignal): Promise<AnnouncedAnswer> {
    const modes = this.modesFor(model, 'read');
    return modes === null ? this.transport.query(query, variables, signal) : this.withModes(modes, (t) => t.query(query, variables, signal));
  }

  mutationRoute(model: string, operation: OutboxOperation): MutationRoute {
    return mutationRoute(this.modesFor(model, operation.toLowerCase() as ModelOperation) ?? [], ++this.routeSerial);
  }

  mutate(
    route: MutationRoute,
    query: string,
    variables: Record<string, unknown>,
    signal: AbortSignal,
    extensions?: Readonly<Record<string, unknown>>,
  ): Promise<AnnouncedAnswer> {
    if (this.multiAuth === null) return this.transport.mutate(query, variables, signal, extensions);
    return this.withModes(route.modes, (t) => t.mutate(query, variables, signal, extensions));
  }

  subscribe(request: LiveSubscriptionRequest, observer: LiveObserver): LiveSubscription {
    const handles: SubscriptionHandle[] = [];
    const modes = this.modesFor(request.model.name, 'read');
    let modeIndex = 0;
    const start = (filter: GraphqlFilterInput | null): void => {
      const { schema } = this.options;
      const { model, kind } = request;
      const document = subscriptionDocument(schema, model, kind, { withFilter: filter !== null });
      const variables = filter !== null ? { filter } : {};
      const auth = modes === null ? undefined : this.multiAuth?.get(modes[modeIndex]);
      // Each `start` (also after a reconnect or token refresh) is rebuilt with the owner arguments
      // the claims of the token it is sent with call for; `document` only names the operation.
      const rebuilt = subscriptionRequestFor(schema, model, kind, { auth: (auth ?? this.options.auth).type, filter });
      const onFailed = (errors: readonly RealtimeFrameError[]): void => {
        const stopping = this.session.signal.aborted;
        const action = subscriptionFailureAction(errors, { anotherMode: modes !== null && modeIndex + 1 < modes.length, filtered: filter !== null, stopping });
        if (action.kind !== 'nextMode') return observer.failed(errors, action);
        // Deferred until urql has torn the failed operation down: the same document and
        // variables started while it is alive would be deduplicated into it and never reach the socket.
        setImmediate(() => {
          if (this.session.signal.aborted) return;
          modeIndex++;
          start(filter);
        });
      };
      const context = { request: rebuilt, ...(auth ? { auth } : {}), onAcknowledged: () => observer.acknowledged(), onFailed };
      handles.push(this.transport.subscribe(document.query, variables, (answer) => observer.data(answer), context));
    };
    start(request.filter);
    return {
      unsubscribe: () => {
        for (const handle of handles) handle.unsubscribe();
      },
      resubscribe: start,
    };
  }

  get connected(): boolean {
    return this.realtime.state === 'Connected' || this.realtime.state === 'ConnectedPendingKeepAlive';
  }

  onConnection(event: ConnectionEvent, listener: () => void): () => void {
    this.realtime.on(event, listener);
    return () => this.realtime.off(event, listener);
  }

  close(): void {
    this.realtime.close();
  }

  private transportFor(auth: SyncAuth): GraphqlTransport {
    return new GraphqlTransport({
      endpoint: this.options.endpoint,
      auth,
      realtime: this.realtime,
      ...(this.options.requestTimeoutMs ? { requestTimeoutMs: this.options.requestTimeoutMs } : {}),
      ...(this.options.fetch ? { fetch: this.options.fetch } : {}),
      capabilities: this.session.capabilities,
    });
  }

  /** MULTI_AUTH: the modes to try for `operation` on `model` (the default mode when its rules allow none); null with DEFAULT. */
  private modesFor(model: string, operation: ModelOperation): AuthMode[] | null {
    if (this.multiAuth === null) return null;
    const modes = modelAuthModes(getModel(this.options.schema, model), operation, { apiKey: this.multiAuth.has('apiKey'), jwt: this.multiAuth.has('jwt') });
    return modes.length > 0 ? modes : [this.options.auth.type];
  }

  /** Sends with each mode in turn until one is not refused as Unauthorized; the last answer otherwise. */
  private async withModes(modes: readonly AuthMode[], send: (transport: GraphqlTransport) => Promise<AnnouncedAnswer>): Promise<AnnouncedAnswer> {
    let answer: AnnouncedAnswer | null = null;
    for (const mode of modes) {
      answer = await send(this.transports.get(mode) ?? this.transport);
      if (!isUnauthorizedAnswer(answer) || this.session.signal.aborted) return answer;
    }
    return answer ?? send(this.transport);
  }
}
