// Gathers the outbox's mutations into requests: every mutation handed over in the same turn of
// the event loop (the records the outbox processor started together) leaves in one request of at
// most `maxPerRequest` mutations (mutation-batch.ts); a lone mutation leaves as the plain
// single-mutation document DataStore sends, so one-at-a-time draining is unchanged. Mutations with
// different routes (MULTI_AUTH: different auth-mode lists) never share a request.
import { singleMutationQuery } from './graphql-documents.js';
import { batchRequest, splitBatchAnswer, type BatchedMutation } from './mutation-batch.js';
import type { GraphqlAnswer } from './mutation-outcome.js';

/** Sends one GraphQL mutation request for `route` (the mutations' shared route); never throws (failures come back as an answer). */
export type MutationSender = (query: string, variables: Record<string, unknown>, signal: AbortSignal, route: string) => Promise<GraphqlAnswer>;

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
  readonly route: string;
  readonly resolve: (answer: GraphqlAnswer) => void;
}

/** Batches mutations handed over together into requests of at most `maxPerRequest`. */
export class MutationBatcher {
  private queue: Queued[] = [];
  private scheduled = false;

  constructor(
    private readonly send: MutationSender,
    private readonly maxPerRequest: number,
  ) {}

  /** Sends `mutation` with the others of its `route` handed over in this turn; resolves with its own answer. */
  mutate(mutation: BatchedMutation, signal: AbortSignal, route = ''): Promise<GraphqlAnswer> {
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
    const routes = new Map<string, Queued[]>();
    for (const q of queued) {
      const group = routes.get(q.route);
      if (group === undefined) routes.set(q.route, [q]);
      else group.push(q);
    }
    for (const group of routes.values()) {
      let chunk: Queued[] = [];
      let fields = 0;
      for (const q of group) {
        const own = selectedFields(q.mutation.parts.selection);
        if (chunk.length > 0 && (chunk.length >= this.maxPerRequest || fields + own > MAX_SELECTED_FIELDS)) {
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
    const answer = await this.safeSend(request.query, request.variables, chunk[0].signal, chunk[0].route);
    const answers = splitBatchAnswer(answer, request, mutations);
    if (answers === 'sendSeparately') {
      await Promise.all(chunk.map((q) => this.sendAlone(q)));
      return;
    }
    chunk.forEach((q, i) => q.resolve(answers[i]));
  }

  private async sendAlone(q: Queued): Promise<void> {
    q.resolve(await this.safeSend(singleMutationQuery(q.mutation.parts), { ...q.mutation.variables }, q.signal, q.route));
  }

  private async safeSend(query: string, variables: Record<string, unknown>, signal: AbortSignal, route: string): Promise<GraphqlAnswer> {
    try {
      return await this.send(query, variables, signal, route);
    } catch (error) {
      // The request may have left: the caller treats a network error as uncertain and verifies.
      return networkFailure(error);
    }
  }
}

function networkFailure(error: unknown): GraphqlAnswer {
  return { data: null, errors: [], networkError: error instanceof Error ? error.message : String(error), httpStatus: null };
}
