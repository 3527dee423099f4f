// Gathers the outbox's mutations into requests. Only a server that announced `mutationBatching`
// (server-capabilities.ts) gets batches: every mutation handed over in the same turn of the event
// loop (the records the outbox processor started together) then leaves in one request of at most
// `maxPerRequest` mutations (mutation-batch.ts). Every other backend — AWS AppSync, or a server not
// heard from yet — gets one unaliased mutation per request, the plain document DataStore sends:
// AppSync triggers subscriptions from the mutation as named in the request, and aliased root fields
// are reported not to trigger them (aws-appsync-community#160), so other devices would miss live
// events. Mutations with different routes (MULTI_AUTH: different auth-mode lists) never share a
// request. When the server announced `mutationIds`, each mutation's outbox id travels in the body's
// `extensions.outpostMutationIds` under its response key, so a resend is never applied twice.
import { singleMutationQuery } from './graphql-documents.js';
import { batchRequest, splitBatchAnswer, type BatchedMutation } from './mutation-batch.js';
import type { GraphqlAnswer } from './mutation-outcome.js';
import { MAX_MUTATION_ID_LENGTH } from '../../common/wire-extensions.js';
import type { ServerCapabilities } from './server-capabilities.js';
import { DEFAULT_ROUTE, type MutationRoute } from './core/mutation-route.js';

/**
 * Sends one GraphQL mutation request for `route` (the mutations' shared route) with the body's
 * `extensions` (absent: none); never throws (failures come back as an answer).
 */
export type MutationSender = (
  query: string,
  variables: Record<string, unknown>,
  signal: AbortSignal,
  route: MutationRoute,
  extensions?: Readonly<Record<string, unknown>>,
) => Promise<GraphqlAnswer>;

/** What the batcher needs to know of the server's announcement (server-capabilities.ts). */
export type AnnouncedCapabilities = Pick<ServerCapabilities, 'has'>;

/** A backend that announced nothing: one mutation per request, no mutation ids. */
const NOTHING_ANNOUNCED: AnnouncedCapabilities = { has: () => false };

/**
 * The request body's `extensions` for mutations under these response keys: their ids as
 * `outpostMutationIds` when the server announced `mutationIds`, else none (never sent to a backend
 * without the capability). Mutations without an id are left out.
 */
export function mutationIdExtensions(
  keyed: readonly { readonly key: string; readonly mutationId?: string | undefined }[],
  idsAnnounced: boolean,
): Readonly<Record<string, unknown>> | undefined {
  if (!idsAnnounced) return undefined;
  const ids: Record<string, string> = {};
  for (const { key, mutationId } of keyed) if (mutationId !== undefined) ids[key] = mutationId;
  return Object.keys(ids).length === 0 ? undefined : { outpostMutationIds: ids };
}

/**
 * Most fields a batched request selects: servers bound a document's size (Outpost's default query
 * cost limit is 2,000 selected fields), and a refused batch costs a resend of each mutation alone.
 */
const MAX_SELECTED_FIELDS = 1_000;

const fieldCounts = new Map<string, number>();
/** Fields a selection set selects (names, nested ones included), counted once per selection. */
function selectedFields(selection: string): number {
  let n = fieldCounts.get(selection);
  if (n === undefined) {
    n = selection.split(/[\s{}]+/).filter((w) => w.length > 0).length;
    fieldCounts.set(selection, n);
  }
  return n;
}

interface Queued {
  readonly mutation: BatchedMutation;
  readonly signal: AbortSignal;
  readonly route: MutationRoute;
  readonly resolve: (answer: GraphqlAnswer) => void;
}

/** Batches mutations handed over together into requests of at most `maxPerRequest` (1 unless the server announced batching). */
export class MutationBatcher {
  private queue: Queued[] = [];
  private scheduled = false;

  /** `capabilities`: what the server announced, read at every send (default: nothing, so no batching and no ids). */
  constructor(
    private readonly send: MutationSender,
    private readonly maxPerRequest: number,
    private readonly capabilities: AnnouncedCapabilities = NOTHING_ANNOUNCED,
  ) {}

  /**
   * Sends `mutation` (with the others of its `route` handed over in this turn, when the server
   * batches); resolves with its own answer. `mutation.mutationId` (at most 200 characters) is the
   * outbox entry's id, sent only to a server that announced `mutationIds`.
   */
  mutate(mutation: BatchedMutation, signal: AbortSignal, route: MutationRoute = DEFAULT_ROUTE): Promise<GraphqlAnswer> {
    const id = mutation.mutationId;
    if (id !== undefined && (typeof id !== 'string' || id.length === 0 || id.length > MAX_MUTATION_ID_LENGTH)) {
      return Promise.reject(new Error(`mutationId must be a non-empty string of at most ${MAX_MUTATION_ID_LENGTH} characters, got ${JSON.stringify(id)}`));
    }
    return new Promise((resolve) => {
      this.queue.push({ mutation, signal, route, resolve });
      if (this.scheduled) return;
      this.scheduled = true;
      setImmediate(() => this.flush());
    });
  }

  private flush(): void {
    this.scheduled = false;
    const queued = this.queue;
    this.queue = [];
    // Until the server announced batching (and always for a backend without it): one per request.
    const perRequest = this.capabilities.has('mutationBatching') ? this.maxPerRequest : 1;
    const routes = new Map<string, Queued[]>();
    for (const q of queued) {
      const group = routes.get(q.route.key);
      if (group === undefined) routes.set(q.route.key, [q]);
      else group.push(q);
    }
    for (const group of routes.values()) {
      let chunk: Queued[] = [];
      let fields = 0;
      for (const q of group) {
        const own = selectedFields(q.mutation.parts.selection);
        if (chunk.length > 0 && (chunk.length >= perRequest || fields + own > MAX_SELECTED_FIELDS)) {
          this.dispatch(chunk);
          chunk = [];
          fields = 0;
        }
        chunk.push(q);
        fields += own;
      }
      if (chunk.length > 0) this.dispatch(chunk);
    }
  }

  private dispatch(chunk: readonly Queued[]): void {
    // An entry whose answer never comes would hold its record forever: whatever goes wrong here,
    // every mutation of the chunk gets an answer (settled promises ignore a second one).
    this.sendChunk(chunk).catch((error: unknown) => {
      for (const q of chunk) q.resolve(networkFailure(error));
    });
  }

  private async sendChunk(chunk: readonly Queued[]): Promise<void> {
    if (chunk.length === 1) {
      await this.sendAlone(chunk[0]);
      return;
    }
    const mutations = chunk.map((q) => q.mutation);
    const request = batchRequest(mutations);
    const extensions = this.idExtensions(request.aliases.map((key, i) => ({ key, mutationId: mutations[i].mutationId })));
    const answer = await this.safeSend(request.query, request.variables, chunk[0].signal, chunk[0].route, extensions);
    const answers = splitBatchAnswer(answer, request, mutations);
    if (answers === 'sendSeparately') {
      await Promise.all(chunk.map((q) => this.sendAlone(q)));
      return;
    }
    chunk.forEach((q, i) => q.resolve(answers[i]));
  }

  private async sendAlone(q: Queued): Promise<void> {
    // A lone mutation's response key is its root field (`updateSite`).
    const extensions = this.idExtensions([{ key: q.mutation.parts.field, mutationId: q.mutation.mutationId }]);
    q.resolve(await this.safeSend(singleMutationQuery(q.mutation.parts), { ...q.mutation.variables }, q.signal, q.route, extensions));
  }

  private idExtensions(keyed: readonly { key: string; mutationId?: string | undefined }[]): Readonly<Record<string, unknown>> | undefined {
    return mutationIdExtensions(keyed, this.capabilities.has('mutationIds'));
  }

  private async safeSend(
    query: string,
    variables: Record<string, unknown>,
    signal: AbortSignal,
    route: MutationRoute,
    extensions: Readonly<Record<string, unknown>> | undefined,
  ): Promise<GraphqlAnswer> {
    try {
      // No fifth argument without extensions: the body then has none, as DataStore's.
      return await (extensions === undefined ? this.send(query, variables, signal, route) : this.send(query, variables, signal, route, extensions));
    } catch (error) {
      // The request may have left: the caller treats a network error as uncertain and verifies.
      return networkFailure(error);
    }
  }
}

function networkFailure(error: unknown): GraphqlAnswer {
  return { data: null, errors: [], networkError: error instanceof Error ? error.message : String(error), httpStatus: null };
}
