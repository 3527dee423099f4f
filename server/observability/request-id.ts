// Per-request facts the request log and the metrics read when the response ends: the request id
// (the client's `x-request-id` when well-formed, else a new one; returned in the same header and in
// error answers), and what the GraphQL endpoint learned (operation, caller, per-field outcomes).
// Kept beside the request, not in it, so no handler signature changes.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Kind, type OperationDefinitionNode } from 'graphql';
import type { Identity } from '../auth/identity.js';

/** An id a client may choose: 8–128 characters of letters, digits and `._:-` (no spaces, quotes or control characters for log injection). */
const WELL_FORMED = /^[A-Za-z0-9._:-]{8,128}$/;

/** The id for a request: its `x-request-id` header when well-formed, else a random UUID. */
export function chooseRequestId(header: string | string[] | undefined): string {
  const given = Array.isArray(header) ? header[0] : header;
  return given !== undefined && WELL_FORMED.test(given) ? given : randomUUID();
}

/** One root field of a GraphQL answer: its name, the errorType it failed with (null: it succeeded) and, for sync pages, its item count. */
export interface FieldOutcome {
  readonly field: string;
  readonly errorType: string | null;
  readonly items?: number;
}

/** What the GraphQL endpoint tells the log and metrics about one request. */
export interface GraphqlFacts {
  readonly operationName: string | null;
  readonly operationType: 'query' | 'mutation' | 'subscription' | null;
  /** The caller's id (JWT `sub`, or `apiKey:<key id>`), never a token. */
  readonly caller: string | null;
  readonly fields: readonly FieldOutcome[];
}

interface RequestFacts {
  readonly id: string;
  graphql?: GraphqlFacts;
}

const facts = new WeakMap<IncomingMessage, RequestFacts>();

/** Starts the facts of `req` with its id. */
export function beginRequest(req: IncomingMessage): string {
  const id = chooseRequestId(req.headers['x-request-id']);
  facts.set(req, { id });
  return id;
}

/** The request id of `req` (or of `res`'s request); undefined outside an observed server. */
export function requestIdOf(target: IncomingMessage | ServerResponse): string | undefined {
  const req = 'req' in target ? (target as ServerResponse).req : (target as IncomingMessage);
  return facts.get(req)?.id;
}

/**
 * The facts of an executed operation: its name and type, the caller's id (no token), and each root
 * field's outcome (the errorType of an error whose path starts at it; items of a connection page).
 */
export function graphqlFactsOf(
  operation: OperationDefinitionNode | undefined,
  identity: Identity,
  data: Readonly<Record<string, unknown>> | null | undefined,
  errors: ReadonlyArray<{ readonly path: ReadonlyArray<string | number> | null; readonly errorType: string | null }> | undefined,
): GraphqlFacts {
  const fields: FieldOutcome[] = [];
  for (const selection of operation?.selectionSet.selections ?? []) {
    if (selection.kind !== Kind.FIELD) continue;
    const key = selection.alias?.value ?? selection.name.value;
    const error = errors?.find((e) => e.path?.[0] === key);
    const value = data?.[key];
    const items =
      typeof value === 'object' && value !== null && Array.isArray((value as { items?: unknown }).items)
        ? (value as { items: unknown[] }).items.length
        : undefined;
    fields.push({
      field: selection.name.value,
      errorType: error === undefined ? null : (error.errorType ?? 'Error'),
      ...(items !== undefined ? { items } : {}),
    });
  }
  return {
    operationName: operation?.name?.value ?? null,
    operationType: operation?.operation ?? null,
    caller: identity.kind === 'user' ? identity.sub : `apiKey:${identity.keyId}`,
    fields,
  };
}

/** Records what the GraphQL endpoint learned about `req`. */
export function noteGraphql(req: IncomingMessage, graphql: GraphqlFacts): void {
  const known = facts.get(req);
  if (known !== undefined) known.graphql = graphql;
}

/** The facts of `req`, read once its response ends. */
export function factsOf(req: IncomingMessage): Readonly<RequestFacts> | undefined {
  return facts.get(req);
}

/** `body` with the request id in each error's `extensions.requestId` (an answer with `errors`), else as is. */
export function withRequestId(res: ServerResponse, body: unknown): unknown {
  const id = requestIdOf(res);
  if (id === undefined || typeof body !== 'object' || body === null) return body;
  const errors = (body as { errors?: unknown }).errors;
  if (!Array.isArray(errors)) return body;
  return {
    ...body,
    errors: errors.map((e: unknown) =>
      typeof e === 'object' && e !== null ? { ...e, extensions: { ...((e as { extensions?: object }).extensions ?? {}), requestId: id } } : e,
    ),
  };
}
