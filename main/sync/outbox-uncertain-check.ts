// The outbox's reads of the server (PROTOCOL.md §4.5–4.6): a `get` of an entry's record, to check an
// uncertain entry (its request may have reached the server, the answer was lost) before it is sent
// again, and to learn what the server holds when an entry is refused or its conflict given up.
// The verdict on what the record means is core/uncertain-verdict.ts's; this file only asks.
import type { ModelDef, ModelRecord, Schema } from '../../common/schema/types.js';
import type { OutboxEntry } from '../datastore/outbox-entry.js';
import { alreadyAppliedVerdict } from './core/uncertain-verdict.js';
import { getQueryDocument, getQueryVariables, readRecord, withoutRelations } from './graphql-documents.js';
import type { GraphqlAnswer } from './mutation-outcome.js';
import { isRetryableQueryFailure } from './query-outcome.js';

/** Runs a `get` of a record of `model` (OutboxProcessorOptions.query). */
export type RecordQuery = (query: string, variables: Record<string, unknown>, model: string) => Promise<GraphqlAnswer>;

/** The server's record of `entry` or what stands for it, as the step reducer takes it. */
export type ServerRead = ModelRecord | null | 'unreachable';

/** Asks the server for the records of outbox entries. */
export class OutboxServerCheck {
  constructor(
    private readonly schema: Schema,
    private readonly query: RecordQuery,
  ) {}

  /**
   * The server's current record (null when it has none, or will not show it: then the local copy
   * cannot be trusted either), or 'unreachable' on a transient failure (the step waits and asks again).
   */
  async serverRecord(model: ModelDef, entry: OutboxEntry): Promise<ServerRead> {
    const document = getQueryDocument(this.schema, model);
    const answer = await this.query(document.query, getQueryVariables(model, entry.data), model.name);
    if (answer.errors.length === 0 && answer.networkError === null) return readRecord(model, document.field, answer.data);
    // Network, 5xx, throttling, credentials refused: ask again; any other refusal means the server will not show it.
    return isRetryableQueryFailure(answer) ? 'unreachable' : null;
  }

  /**
   * After an uncertain attempt (no idempotent resend): the server's record when this entry's write
   * (`input`, as sent) may already be applied (then it is completed with it, never sent again), null
   * when it must be sent, 'unreachable' when the check itself failed.
   */
  async alreadyApplied(model: ModelDef, entry: OutboxEntry, input: ModelRecord): Promise<ServerRead> {
    const server = await this.serverRecord(model, entry);
    if (server === null || server === 'unreachable') return server;
    return alreadyAppliedVerdict(entry.operation, input, withoutRelations(model, server));
  }
}
