// POST /graphql: body limits, JSON and shape checks, request-level auth (401), parse, validate,
// depth/cost limits, execution, and AppSync-shaped errors (resolver errors are HTTP 200). Every
// response carries the Outpost capability announcement (`extensions.outpost`, server/README.md
// "Wire extensions"); a request may carry client mutation ids (`extensions.outpostMutationIds`).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { execute, GraphQLError, parse, validate, type DocumentNode, type GraphQLSchema } from 'graphql';
import { OutpostError } from '../../common/errors.js';
import {
  ATTACHMENTS_CAPABILITY,
  DEVICE_REVOKED_REASON,
  MAX_MUTATION_ID_LENGTH,
  MAX_MUTATION_IDS,
  OUTPOST_CAPABILITIES,
  OUTPOST_EXTENSIONS_VERSION,
} from '../../common/wire-extensions.js';
import type { Identity } from '../auth/identity.js';
import { DEFAULT_RESOLVER_SETTINGS, type RequestContext } from '../resolvers/resolver-context.js';
import { SERVER_BUSY_ERROR_TYPE } from '../storage/storage-busy.js';
import { DEFAULT_ADMISSION_LIMITS, sendOverloaded, type AdmissionGate } from './admission.js';
import { formatGraphqlError } from './format-graphql-error.js';
import { graphqlFactsOf, noteGraphql, withRequestId } from '../observability/request-id.js';
import { checkQueryLimits, type QueryLimits } from './query-limits.js';
import { BodyTooLarge, readBody } from './request-body.js';

/** Everything the endpoint needs. */
export interface GraphqlEndpointOptions {
  readonly schema: GraphQLSchema;
  readonly authenticate: (headers: Readonly<Record<string, unknown>>) => Promise<Identity>;
  readonly limits: QueryLimits & {
    /** Largest request body, bytes; default 1 MiB. */
    readonly maxBodyBytes: number;
    /** Most lexical tokens in a query document; default 20 000. */
    readonly maxTokens: number;
  };
  readonly reportError: (error: unknown) => void;
  /** The item size limit announced to clients, UTF-8 bytes; default 409 600. */
  readonly maxItemBytes?: number;
  /** Path of the mounted attachment endpoint (`/attachments/`), announced with the `attachments` capability; none when not mounted. */
  readonly attachmentsPath?: string;
  /** Bounds on requests running and waiting (admission.ts); none: every request runs at once. */
  readonly admission?: AdmissionGate;
}

/**
 * `extensions.outpost` of a response; `syncTotals` only when a sync resolver counted; the
 * `attachments` capability and `attachmentsPath` only when `attachmentsPath` is given.
 */
export function outpostExtensions(
  maxItemBytes: number,
  syncTotals?: ReadonlyMap<string, number>,
  attachmentsPath?: string,
): { outpost: Record<string, unknown> } {
  const capabilities: string[] = [...OUTPOST_CAPABILITIES];
  if (attachmentsPath !== undefined) capabilities.push(ATTACHMENTS_CAPABILITY);
  const outpost: Record<string, unknown> = { version: OUTPOST_EXTENSIONS_VERSION, capabilities, maxItemBytes };
  if (attachmentsPath !== undefined) outpost.attachmentsPath = attachmentsPath;
  if (syncTotals !== undefined && syncTotals.size > 0) outpost.syncTotals = Object.fromEntries(syncTotals);
  return { outpost };
}

/**
 * The request's `extensions.outpostMutationIds`: an object of response key → id (non-empty string
 * of at most 200 characters, at most 100 entries). Undefined when absent; a message when malformed.
 */
export function parseMutationIds(extensions: unknown): { ids?: Record<string, string> } | { problem: string } {
  if (extensions === undefined || extensions === null) return {};
  if (!isPlainObject(extensions)) return { problem: '"extensions" must be a JSON object or null' };
  const raw = extensions.outpostMutationIds;
  if (raw === undefined || raw === null) return {};
  if (!isPlainObject(raw)) return { problem: '"extensions.outpostMutationIds" must be an object of response key → mutation id' };
  const entries = Object.entries(raw);
  if (entries.length > MAX_MUTATION_IDS) {
    return { problem: `"extensions.outpostMutationIds" holds ${entries.length} ids; at most ${MAX_MUTATION_IDS} are allowed` };
  }
  const ids: Record<string, string> = {};
  for (const [key, id] of entries) {
    if (typeof id !== 'string' || id.length === 0 || id.length > MAX_MUTATION_ID_LENGTH) {
      return { problem: `"extensions.outpostMutationIds.${key}" must be a non-empty string of at most ${MAX_MUTATION_ID_LENGTH} characters` };
    }
    ids[key] = id;
  }
  return { ids };
}

/** Writes a JSON response. */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  // Every error answer carries the request id the log line has (x-request-id).
  const text = JSON.stringify(withRequestId(res, body));
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** The endpoint's announcement, with `syncTotals` when given. */
export function announcementOf(options: GraphqlEndpointOptions, syncTotals?: ReadonlyMap<string, number>): { outpost: Record<string, unknown> } {
  return outpostExtensions(options.maxItemBytes ?? DEFAULT_RESOLVER_SETTINGS.maxItemBytes, syncTotals, options.attachmentsPath);
}

function requestError(res: ServerResponse, options: GraphqlEndpointOptions, status: number, errorType: string, message: string, reason?: string): void {
  const error = reason === undefined ? { errorType, message } : { errorType, message, errorInfo: { reason } };
  sendJson(res, status, { errors: [error], extensions: announcementOf(options) });
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Documents kept parsed and validated; clients send the same few documents over and over. */
const MAX_CACHED_DOCUMENTS = 256;
/** Longer query texts are not kept, so the cache stays small whatever clients send (characters). */
const MAX_CACHED_QUERY_LENGTH = 16_384;

/** Per endpoint (its schema and limits): query text → its document, which passed limits and validation. */
const validDocuments = new WeakMap<GraphqlEndpointOptions, Map<string, DocumentNode>>();

function cacheDocument(options: GraphqlEndpointOptions, query: string, document: DocumentNode): void {
  if (query.length > MAX_CACHED_QUERY_LENGTH) return;
  let cache = validDocuments.get(options);
  if (cache === undefined) validDocuments.set(options, (cache = new Map()));
  if (cache.size >= MAX_CACHED_DOCUMENTS) {
    const oldest = cache.keys().next().value;
    if (oldest !== undefined) cache.delete(oldest);
  }
  cache.set(query, document);
}

/**
 * Parses `query` and checks it against the limits and the schema; the document, or the response to
 * send instead. Documents that passed are remembered, so repeated queries skip all three steps.
 */
function checkedDocument(query: string, options: GraphqlEndpointOptions): { document: DocumentNode } | { status: number; body: unknown } {
  const cached = validDocuments.get(options)?.get(query);
  if (cached !== undefined) return { document: cached };
  let document: DocumentNode;
  try {
    document = parse(query, { maxTokens: options.limits.maxTokens });
  } catch (error) {
    const gqlError = error instanceof GraphQLError ? error : new GraphQLError(String(error));
    return { status: 200, body: { data: null, errors: [formatGraphqlError(gqlError, options.reportError)] } };
  }
  const limitProblem = checkQueryLimits(document, options.limits);
  if (limitProblem !== undefined) {
    return { status: 400, body: { errors: [{ errorType: 'BadRequestException', message: limitProblem }] } };
  }
  const validationErrors = validate(options.schema, document);
  if (validationErrors.length > 0) {
    return { status: 200, body: { data: null, errors: validationErrors.map((e) => formatGraphqlError(e, options.reportError)) } };
  }
  cacheDocument(options, query, document);
  return { document };
}

/** The request's JSON body, checked for shape; null when refused (the answer is sent). */
async function readGraphqlBody(
  req: IncomingMessage,
  res: ServerResponse,
  options: GraphqlEndpointOptions,
): Promise<{ query: string; variables: unknown; operationName: unknown; extensions: unknown } | null> {
  let text: string;
  try {
    text = await readBody(req, options.limits.maxBodyBytes);
  } catch (error) {
    if (error instanceof BodyTooLarge) {
      requestError(res, options, 413, 'PayloadTooLargeException', `Request body exceeds the limit of ${error.limitBytes} bytes`);
      return null;
    }
    throw error;
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    requestError(res, options, 400, 'MalformedHttpRequestException', `Request body is not valid JSON: ${why}`);
    return null;
  }
  if (!isPlainObject(body)) {
    requestError(res, options, 400, 'MalformedHttpRequestException', 'Request body must be a JSON object { "query": "...", "variables": { ... } }');
    return null;
  }
  const { query, variables, operationName, extensions } = body;
  if (typeof query !== 'string' || query.trim() === '') {
    requestError(res, options, 400, 'MalformedHttpRequestException', 'Request body needs "query": a non-empty GraphQL document string');
    return null;
  }
  if (variables !== undefined && variables !== null && !isPlainObject(variables)) {
    requestError(res, options, 400, 'MalformedHttpRequestException', '"variables" must be a JSON object or null');
    return null;
  }
  if (operationName !== undefined && operationName !== null && typeof operationName !== 'string') {
    requestError(res, options, 400, 'MalformedHttpRequestException', '"operationName" must be a string or null');
    return null;
  }

  return { query, variables, operationName, extensions };
}

/** Handles one POST /graphql request: admitted first (503 + Retry-After when the server is full), then answered. */
export async function handleGraphqlRequest(req: IncomingMessage, res: ServerResponse, options: GraphqlEndpointOptions): Promise<void> {
  if (options.admission === undefined) return answerGraphqlRequest(req, res, options);
  const turn = await options.admission.enter();
  if (!('release' in turn)) {
    // The body is left unread: Node discards it, and the client sends it again after Retry-After.
    sendOverloaded(res, options.admission.limits.retryAfterSeconds, turn.message, announcementOf(options));
    return;
  }
  try {
    await answerGraphqlRequest(req, res, options);
  } finally {
    turn.release();
  }
}

async function answerGraphqlRequest(req: IncomingMessage, res: ServerResponse, options: GraphqlEndpointOptions): Promise<void> {
  const request = await readGraphqlBody(req, res, options);
  if (request === null) return;
  const { query, variables, operationName, extensions } = request;
  const mutationIds = parseMutationIds(extensions);
  if ('problem' in mutationIds) {
    requestError(res, options, 400, 'BadRequestException', mutationIds.problem);
    return;
  }

  let identity: Identity;
  try {
    identity = await options.authenticate(req.headers);
  } catch (error) {
    if (error instanceof OutpostError) {
      // A revoked device learns it from errorInfo.reason (common/wire-extensions.ts) and wipes that profile.
      const reason = error.details?.reason === DEVICE_REVOKED_REASON ? DEVICE_REVOKED_REASON : undefined;
      requestError(res, options, 401, 'UnauthorizedException', error.message, reason);
      return;
    }
    throw error;
  }

  const checked = checkedDocument(query, options);
  if (!('document' in checked)) {
    sendJson(res, checked.status, { ...(checked.body as Record<string, unknown>), extensions: announcementOf(options) });
    return;
  }
  const { document } = checked;
  const operations = document.definitions.filter((d) => d.kind === 'OperationDefinition');
  const chosen = operations.length === 1 ? operations[0] : operations.find((o) => o.name?.value === operationName);
  if (chosen?.operation === 'subscription') {
    requestError(res, options, 400, 'BadRequestException', 'Subscriptions are served over the real-time WebSocket endpoint /graphql/realtime');
    return;
  }
  const syncTotals = new Map<string, number>();
  const baseSyncs = new Set<string>();
  const context: RequestContext = { identity, syncTotals, baseSyncs, ...(mutationIds.ids !== undefined ? { mutationIds: mutationIds.ids } : {}) };
  const result = await execute({
    schema: options.schema,
    document,
    variableValues: (variables ?? undefined) as Record<string, unknown> | undefined,
    operationName: (operationName ?? undefined) as string | undefined,
    contextValue: context,
  });
  const errors = result.errors?.map((e) => formatGraphqlError(e, options.reportError));
  noteGraphql(req, graphqlFactsOf(chosen, identity, result.data, errors));
  // A failure of the server itself (database unreachable, a bug) must be retried by clients, never
  // taken as a final answer: DataStore drops a mutation on a 200 error but retries a 5xx.
  const failed = errors?.some((e) => e.errorType === 'InternalFailure') === true;
  if (failed) res.setHeader('retry-after', '1');
  const ext = announcementOf(options, syncTotals);
  // Delta requests answered with a base sync (past retention, or from before a restore): the client reconciles as after a full sync.
  if (baseSyncs.size > 0) ext.outpost.baseSyncs = [...baseSyncs];
  // No database connection in time: overload, told as the admission gate tells it.
  const busy = errors?.find((e) => e.errorType === SERVER_BUSY_ERROR_TYPE);
  if (busy !== undefined) {
    sendOverloaded(res, (options.admission?.limits ?? DEFAULT_ADMISSION_LIMITS).retryAfterSeconds, busy.message, ext);
    return;
  }
  sendJson(
    res,
    failed ? 503 : 200,
    errors && errors.length > 0 ? { data: result.data ?? null, errors, extensions: ext } : { data: result.data ?? null, extensions: ext },
  );
}
