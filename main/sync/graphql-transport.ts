// The sync worker's GraphQL transport: an urql Client whose stages each do one job — the auth
// stage (a fetch that adds the API key or JWT and, on HTTP 401 with a JWT, refreshes the token
// once and retries), the fetch exchange for queries and mutations over HTTP POST, and the
// subscription exchange forwarding to the AppSync real-time client. Answers are reduced to plain
// `GraphqlAnswer`s for the pure decision functions, each with the server's `extensions.outpost`
// announcement read into types (server-capabilities.ts); every GraphQL answer updates the
// worker's `ServerCapabilities`.
import { Client, createRequest, fetchExchange, subscriptionExchange, type OperationResult } from '@urql/core';
import { parseRetryAfter } from './core/retry-after.js';
import type { GraphqlErrorLike } from './mutation-outcome.js';
import type { RealtimeClient, SubscriptionRequest } from './realtime-client.js';
import type { RealtimeFrameError } from '../../common/realtime/realtime-frames.js';
import { readOutpostExtension, type AnnouncedAnswer, type ServerCapabilities } from './server-capabilities.js';
import { httpAuthHeaders, type SyncAuth } from './sync-auth.js';
import { wireDocument } from './wire-document.js';
import { GRAPHQL_HTTP_HEADERS } from './wire-headers.js';

/** Default limit for one HTTP request, in ms: a stalled connection must not hang the outbox. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

/**
 * The auth stage: a fetch adding `X-Api-Key` or `Authorization` to every request, plus DataStore's
 * `content-type`, `accept` and `x-amz-user-agent` (wire-headers.ts); after a 401 with a JWT, it
 * refreshes the token once and repeats the request. Each request also gets a timeout.
 */
export function authenticatedFetch(auth: SyncAuth, options: { readonly fetch?: typeof fetch; readonly timeoutMs?: number } = {}): typeof fetch {
  const base = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  return async (input, init) => {
    const send = async (forceRefresh: boolean): Promise<Response> => {
      const headers = new Headers(init?.headers);
      for (const [name, value] of Object.entries(GRAPHQL_HTTP_HEADERS)) headers.set(name, value);
      // A token refresh that hangs must not hold up a stop: the request's own signal ends the wait.
      for (const [name, value] of Object.entries(await untilAborted(httpAuthHeaders(auth, forceRefresh), init?.signal ?? undefined))) headers.set(name, value);
      const timeout = AbortSignal.timeout(timeoutMs);
      const signal = init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
      return base(input, { ...init, headers, signal });
    };
    const first = await send(false);
    if (first.status !== 401 || auth.type !== 'jwt') return first;
    await first.body?.cancel().catch(() => undefined);
    return send(true);
  };
}

/** `work`'s result, or a rejection with the signal's reason as soon as `signal` aborts (`work` itself runs on). */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return work;
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error as Error);
      },
    );
  });
}

/** Per-subscription callbacks the worker passes through urql's operation context. */
export interface RealtimeContext {
  /** `start_ack` arrived (also after each reconnect). */
  readonly onAcknowledged?: () => void;
  /** The subscription failed for good, with the server's errors. */
  readonly onFailed?: (errors: readonly RealtimeFrameError[]) => void;
  /** Rebuilds the document and variables for the token of each `start` (owner arguments); default: the operation's own. */
  readonly request?: (token: string | null) => SubscriptionRequest;
  /** Authorizes this subscription's `start` frames (MULTI_AUTH); default: the connection's auth. */
  readonly auth?: SyncAuth;
}

export interface GraphqlTransportOptions {
  /** GraphQL HTTP endpoint, e.g. `http://127.0.0.1:4000/graphql`. */
  readonly endpoint: string;
  readonly auth: SyncAuth;
  readonly realtime: RealtimeClient;
  /** Timeout of one HTTP request in ms (default 30 000). */
  readonly requestTimeoutMs?: number;
  readonly fetch?: typeof fetch;
  /** Updated from every GraphQL answer's `extensions.outpost` (one per worker, shared by its transports). */
  readonly capabilities?: ServerCapabilities;
}

/** A live subscription: stop it with `unsubscribe()`. */
export interface SubscriptionHandle {
  unsubscribe(): void;
}

/** Queries, mutations and subscriptions for the sync worker, over one urql Client. */
export class GraphqlTransport {
  readonly client: Client;
  private readonly capabilities: ServerCapabilities | undefined;

  constructor(options: GraphqlTransportOptions) {
    const realtime = options.realtime;
    this.capabilities = options.capabilities;
    this.client = new Client({
      url: options.endpoint,
      // AppSync takes POST only; every answer must come from the server, never a cache.
      preferGetMethod: false,
      requestPolicy: 'network-only',
      fetch: authenticatedFetch(options.auth, {
        ...(options.fetch ? { fetch: options.fetch } : {}),
        ...(options.requestTimeoutMs ? { timeoutMs: options.requestTimeoutMs } : {}),
      }),
      exchanges: [
        subscriptionExchange({
          forwardSubscription: (request, operation) => ({
            subscribe: (sink) => {
              const context = (operation.context.realtime ?? {}) as RealtimeContext;
              const handle = realtime.subscribe(
                context.request ?? { query: request.query ?? '', variables: (request.variables ?? {}) as Record<string, unknown> },
                {
                  next: (payload) =>
                    sink.next({
                      data: payload.data ?? undefined,
                      ...(payload.errors.length > 0
                        ? { errors: payload.errors.map((e) => ({ message: e.message, extensions: { errorType: e.errorType } })) }
                        : {}),
                    } as never),
                  error: (errors) => {
                    context.onFailed?.(errors);
                    sink.error(new Error(errors.map((e) => `${e.errorType ?? 'Error'}: ${e.message}`).join('; ')));
                  },
                  complete: () => sink.complete(),
                  acknowledged: () => context.onAcknowledged?.(),
                },
                ...(context.auth ? [context.auth] : []),
              );
              return { unsubscribe: () => handle.unsubscribe() };
            },
          }),
        }),
        fetchExchange,
      ],
    });
  }

  /**
   * Runs a query and returns its plain answer (never throws for server or network errors). When
   * `signal` aborts, the request is torn down and the answer is a network error `aborted`.
   */
  query(query: string, variables: Record<string, unknown>, signal?: AbortSignal): Promise<AnnouncedAnswer> {
    return this.execute('query', query, variables, signal);
  }

  /**
   * Runs a mutation and returns its plain answer (never throws for server or network errors). An
   * aborted mutation may still have been applied: callers treat it as uncertain. `extensions` go in
   * the request body's `extensions` (e.g. `outpostMutationIds`); absent, the body has none.
   */
  mutate(query: string, variables: Record<string, unknown>, signal?: AbortSignal, extensions?: Readonly<Record<string, unknown>>): Promise<AnnouncedAnswer> {
    return this.execute('mutation', query, variables, signal, extensions);
  }

  private async execute(
    kind: 'query' | 'mutation',
    query: string,
    variables: Record<string, unknown>,
    signal?: AbortSignal,
    extensions?: Readonly<Record<string, unknown>>,
  ): Promise<AnnouncedAnswer> {
    // DataStore's exact document text (wire-document.ts).
    const document = wireDocument(query);
    const source = () =>
      kind === 'query'
        ? this.client.query(document, variables)
        : extensions === undefined
          ? this.client.mutation(document, variables)
          : this.client.executeMutation(createRequest(document, variables, { ...extensions }));
    const observed = (result: OperationResult): AnnouncedAnswer => {
      const answer = toAnswer(result);
      // Only a GraphQL answer says what the server supports; a refused connection says nothing.
      if (answer.networkError === null) this.capabilities?.observe(answer.outpost ?? null);
      return answer;
    };
    if (signal === undefined) return observed(await source().toPromise());
    const aborted: AnnouncedAnswer = { data: null, errors: [], networkError: 'aborted', httpStatus: null };
    if (signal.aborted) return aborted;
    return new Promise<AnnouncedAnswer>((resolve) => {
      let settled = false;
      const finish = (answer: AnnouncedAnswer): void => {
        if (settled) return;
        settled = true;
        signal.removeEventListener('abort', onAbort);
        subscription.unsubscribe();
        resolve(answer);
      };
      const onAbort = (): void => finish(aborted);
      // urql may deliver synchronously, before `subscription` exists: defer the teardown then.
      let subscription: { unsubscribe(): void } = { unsubscribe: () => queueMicrotask(() => subscription.unsubscribe()) };
      subscription = source().subscribe((result) => finish(observed(result)));
      if (!settled) signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Starts a subscription; each `data` payload reaches `onData` as a plain answer. */
  subscribe(query: string, variables: Record<string, unknown>, onData: (answer: AnnouncedAnswer) => void, context: RealtimeContext = {}): SubscriptionHandle {
    const source = this.client.subscription(query, variables, { realtime: context });
    const subscription = source.subscribe((result: OperationResult) => {
      // Transport failures are reported through context.onFailed; only data reaches onData.
      if (result.error?.networkError) return;
      onData(toAnswer(result));
    });
    return { unsubscribe: () => subscription.unsubscribe() };
  }
}

interface RawGraphqlError {
  readonly message: string;
  readonly errorType?: unknown;
  readonly errorInfo?: unknown;
  readonly data?: unknown;
  readonly path?: readonly (string | number)[];
  readonly extensions?: Readonly<Record<string, unknown>>;
  readonly originalError?: unknown;
}

/** An urql result as plain data; AppSync's `errorType`/`data` are read wherever urql kept them, `extensions.outpost` as `outpost`. */
export function toAnswer(result: OperationResult): AnnouncedAnswer {
  const error = result.error;
  const errors: GraphqlErrorLike[] = (error?.graphQLErrors ?? []).map((e) => {
    const raw = e as unknown as RawGraphqlError;
    const original = (typeof raw.originalError === 'object' && raw.originalError !== null ? raw.originalError : {}) as Partial<RawGraphqlError>;
    const pick = (key: 'errorType' | 'errorInfo' | 'data'): unknown => raw[key] ?? original[key] ?? raw.extensions?.[key];
    const errorType = pick('errorType');
    return {
      message: raw.message,
      errorType: typeof errorType === 'string' ? errorType : null,
      errorInfo: pick('errorInfo') ?? null,
      data: pick('data') ?? null,
      ...(raw.path ? { path: raw.path } : {}),
    };
  });
  const response = error?.response as { status?: number; headers?: { get?: (name: string) => string | null } } | undefined;
  const networkError = error?.networkError ? describeNetworkError(error.networkError) : null;
  const httpStatus = typeof response?.status === 'number' ? response.status : networkError !== null ? null : 200;
  const data = (result.data ?? null) as Readonly<Record<string, unknown>> | null;
  const retryAfterMs = typeof response?.headers?.get === 'function' ? parseRetryAfter(response.headers.get('retry-after'), Date.now()) : null;
  return { data, errors, networkError, httpStatus, ...(retryAfterMs !== null ? { retryAfterMs } : {}), outpost: readOutpostExtension(result.extensions) };
}

function describeNetworkError(error: Error): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ? `${error.message} (${cause.code})` : error.message;
}
