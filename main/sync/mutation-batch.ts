// Several outbox mutations for different records in one HTTP request — only to a server that
// announced `mutationBatching` (mutation-batcher.ts): one document whose root
// fields are the mutations under aliases `m0`, `m1`, … (GraphQL runs root mutation fields one
// after the other, in document order, and answers each under its alias — AppSync included). It
// saves the per-request work on both ends (HTTP, auth, parsing, the client's fetch), which is what
// bounds an outbox drain once requests overlap. Pure: building the request and splitting the
// answer back into one answer per mutation, as if each had been sent alone.
import type { GraphqlAnswer, GraphqlErrorLike } from './mutation-outcome.js';
import type { MutationParts } from './graphql-documents.js';

/** One mutation of a batch: its parts (graphql-documents `mutationParts`) and variables. */
export interface BatchedMutation {
  readonly parts: MutationParts;
  /** `{ input, condition? }` as `mutationVariables` builds them. */
  readonly variables: Readonly<Record<string, unknown>>;
  /** The outbox entry's mutation id, kept across resends (sent only where `mutationIds` is announced). */
  readonly mutationId?: string;
}

export interface BatchRequest {
  readonly query: string;
  readonly variables: Record<string, unknown>;
  /** Alias of each mutation, in order. */
  readonly aliases: readonly string[];
}

/** The document and variables sending `mutations` (at least two) in one request. */
export function batchRequest(mutations: readonly BatchedMutation[]): BatchRequest {
  const declared: string[] = [];
  const fields: string[] = [];
  const variables: Record<string, unknown> = {};
  const aliases: string[] = [];
  mutations.forEach(({ parts, variables: own }, i) => {
    const alias = `m${i}`;
    aliases.push(alias);
    declared.push(`$input${i}: ${parts.inputType}!`);
    variables[`input${i}`] = own.input;
    let args = `input: $input${i}`;
    if (parts.conditionType !== null) {
      declared.push(`$condition${i}: ${parts.conditionType}`);
      variables[`condition${i}`] = own.condition ?? null;
      args += `, condition: $condition${i}`;
    }
    fields.push(`  ${alias}: ${parts.field}(${args}){ ${parts.selection.replace(/\s+/g, ' ')} }`);
  });
  return { query: `mutation operation(${declared.join(', ')}){\n${fields.join('\n')}\n}`, variables, aliases };
}

/**
 * Splits a batch's answer into one answer per mutation, each shaped as if that mutation had been
 * sent alone (data and error paths under its own root field). Answers `'sendSeparately'` when the
 * request failed as a whole for a reason that may belong to one mutation only (a document or
 * variable error, a body too large): each mutation must then be sent alone so one bad entry cannot
 * take the others down with it. Failures that say nothing about the records — no answer at all,
 * refused credentials, throttling, a server error — are given to every mutation alike.
 */
export function splitBatchAnswer(answer: GraphqlAnswer, request: BatchRequest, mutations: readonly BatchedMutation[]): GraphqlAnswer[] | 'sendSeparately' {
  const status = answer.httpStatus;
  const sameForAll = (): GraphqlAnswer[] => mutations.map(() => answer);
  if (status === null) return sameForAll();
  const wholeRequestFailure = status === 401 || status === 403 || status === 429 || status >= 500;
  // No readable answer: after a 2xx the mutations may have run (each is verified before a resend).
  if (answer.networkError !== null) return status < 300 || wholeRequestFailure ? sameForAll() : 'sendSeparately';
  const byAlias = new Map<string, GraphqlErrorLike[]>();
  for (const error of answer.errors) {
    const head = error.path?.[0];
    const index = typeof head === 'string' ? request.aliases.indexOf(head) : -1;
    if (index < 0) return wholeRequestFailure ? sameForAll() : 'sendSeparately';
    const field = mutations[index].parts.field;
    const own = byAlias.get(head as string) ?? [];
    own.push({ ...error, path: [field, ...(error.path ?? []).slice(1)] });
    byAlias.set(head as string, own);
  }
  if (status >= 300) return wholeRequestFailure ? sameForAll() : 'sendSeparately';
  return mutations.map((m, i) => {
    const alias = request.aliases[i];
    const value = answer.data?.[alias];
    return {
      data: answer.data === null ? null : { [m.parts.field]: value === undefined ? null : value },
      errors: byAlias.get(alias) ?? [],
      networkError: null,
      httpStatus: status,
    };
  });
}
