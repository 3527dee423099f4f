// Several outbox mutations in one request: the document, and the answer split back into one
// answer per mutation (or "send them separately" when the failure may be one mutation's alone).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Kind, parse, type OperationDefinitionNode } from 'graphql';
import { parseSchema } from '../../../common/schema/parse-schema.js';
import { mutationParts, mutationVariables, singleMutationQuery, mutationDocument } from '../../../main/sync/graphql-documents.js';
import { batchRequest, splitBatchAnswer, type BatchedMutation } from '../../../main/sync/mutation-batch.js';
import { MutationBatcher, mutationIdExtensions, type MutationSender } from '../../../main/sync/mutation-batcher.js';
import { mutationRoute } from '../../../main/sync/core/mutation-route.js';
import type { GraphqlAnswer } from '../../../main/sync/mutation-outcome.js';
import { ServerCapabilities } from '../../../main/sync/server-capabilities.js';

const schema = parseSchema(`
type Note @model @auth(rules: [{ allow: public }]) { id: ID! text: String! count: Int }
type Reading @model @auth(rules: [{ allow: public }]) {
  deviceId: ID! @primaryKey(sortKeyFields: ["takenAt"])
  takenAt: AWSDateTime!
  value: Float
}
`);
const Note = schema.models.Note;
const Reading = schema.models.Reading;

const create: BatchedMutation = {
  parts: mutationParts(schema, Note, 'Create'),
  variables: mutationVariables(Note, 'Create', { id: 'n1', text: 'a', count: 1 }, null),
};
const update: BatchedMutation = {
  parts: mutationParts(schema, Note, 'Update'),
  variables: mutationVariables(Note, 'Update', { id: 'n2', text: 'b', _version: 3 }, { count: { gt: 1 } }),
};
const remove: BatchedMutation = {
  parts: mutationParts(schema, Reading, 'Delete'),
  variables: mutationVariables(Reading, 'Delete', { deviceId: 'd', takenAt: '2026-01-01T00:00:00.000Z', _version: 1 }, null),
};
const ok = (data: Record<string, unknown> | null, errors: GraphqlAnswer['errors'] = []): GraphqlAnswer => ({
  data,
  errors,
  networkError: null,
  httpStatus: 200,
});

test('the single-mutation document is unchanged: what DataStore sends', () => {
  assert.equal(singleMutationQuery(update.parts), mutationDocument(schema, Note, 'Update').query);
  assert.match(singleMutationQuery(create.parts), /^mutation operation\(\$input: CreateNoteInput!\)\{/);
});

test('a batch is one valid document: aliased root fields in order, own variables, no condition on a create', () => {
  const request = batchRequest([create, update, remove]);
  assert.deepEqual(request.aliases, ['m0', 'm1', 'm2']);
  const doc = parse(request.query);
  const op = doc.definitions[0] as OperationDefinitionNode;
  assert.equal(op.operation, 'mutation');
  assert.deepEqual(
    op.variableDefinitions?.map((v) => `${v.variable.name.value}: ${v.type.kind === Kind.NON_NULL_TYPE ? '!' : ''}`),
    ['input0: !', 'input1: !', 'condition1: ', 'input2: !', 'condition2: '],
  );
  const fields = op.selectionSet.selections.map((s) =>
    s.kind === Kind.FIELD ? `${s.alias?.value}:${s.name.value}(${s.arguments?.map((a) => a.name.value).join(',')})` : '',
  );
  assert.deepEqual(fields, ['m0:createNote(input)', 'm1:updateNote(input,condition)', 'm2:deleteReading(input,condition)']);
  assert.deepEqual(request.variables, {
    input0: create.variables.input,
    input1: update.variables.input,
    condition1: { count: { gt: 1 } },
    input2: remove.variables.input,
    condition2: null,
  });
});

test('the answer splits per alias: data under the real field, errors with their path rewritten', () => {
  const request = batchRequest([create, update, remove]);
  const conflict = { message: 'Conflict resolver rejects mutation.', errorType: 'ConflictUnhandled', data: { id: 'n2', _version: 4 }, path: ['m1'] };
  const answers = splitBatchAnswer(ok({ m0: { id: 'n1', _version: 1 }, m1: null, m2: { deviceId: 'd', _deleted: true } }, [conflict]), request, [
    create,
    update,
    remove,
  ]);
  assert.ok(Array.isArray(answers));
  assert.deepEqual(answers[0], ok({ createNote: { id: 'n1', _version: 1 } }));
  assert.deepEqual(answers[1], ok({ updateNote: null }, [{ ...conflict, path: ['updateNote'] }]));
  assert.deepEqual(answers[2], ok({ deleteReading: { deviceId: 'd', _deleted: true } }));
});

test('failures that say nothing about the records go to every mutation alike', () => {
  const request = batchRequest([create, update]);
  const network: GraphqlAnswer = { data: null, errors: [], networkError: 'fetch failed (ECONNRESET)', httpStatus: null };
  assert.deepEqual(splitBatchAnswer(network, request, [create, update]), [network, network]);
  const unauthorized: GraphqlAnswer = {
    data: null,
    errors: [{ message: 'Unauthorized', errorType: 'UnauthorizedException' }],
    networkError: null,
    httpStatus: 401,
  };
  assert.deepEqual(splitBatchAnswer(unauthorized, request, [create, update]), [unauthorized, unauthorized]);
  const overloaded: GraphqlAnswer = { data: null, errors: [], networkError: 'HTTP 503', httpStatus: 503 };
  assert.deepEqual(splitBatchAnswer(overloaded, request, [create, update]), [overloaded, overloaded]);
  const throttled: GraphqlAnswer = { data: null, errors: [{ message: 'slow down' }], networkError: null, httpStatus: 429 };
  assert.deepEqual(splitBatchAnswer(throttled, request, [create, update]), [throttled, throttled]);
});

test('a failure that may be one mutation’s alone asks for them to be sent separately', () => {
  const request = batchRequest([create, update]);
  // Variable coercion: the whole document is refused, the error names no root field.
  const coercion = ok(null, [{ message: "Variable '$input1' has an invalid value.", errorType: 'BadRequest' }]);
  assert.equal(splitBatchAnswer(coercion, request, [create, update]), 'sendSeparately');
  assert.equal(splitBatchAnswer({ ...coercion, httpStatus: 400 }, request, [create, update]), 'sendSeparately');
  // A body too large for the server, with no GraphQL answer.
  assert.equal(splitBatchAnswer({ data: null, errors: [], networkError: 'HTTP 413', httpStatus: 413 }, request, [create, update]), 'sendSeparately');
  // An error under a path the request never had.
  assert.equal(splitBatchAnswer(ok({ m0: null, m1: null }, [{ message: 'x', path: ['m7'] }]), request, [create, update]), 'sendSeparately');
});

/** Capabilities as an Outpost server announces them (`capabilities` names what it offers). */
function announced(capabilities: readonly string[] = ['mutationBatching', 'mutationIds', 'syncTotals']): ServerCapabilities {
  const caps = new ServerCapabilities();
  caps.observe({ version: 1, capabilities: new Set(capabilities as never[]), maxItemBytes: 409_600, syncTotals: {} });
  return caps;
}

/** A sender that records each request (and its body extensions) and answers through `answer`; by default the server announced batching. */
function recordingSender(answer: (query: string, variables: Record<string, unknown>) => GraphqlAnswer, capabilities: ServerCapabilities = announced()) {
  const requests: Array<{ query: string; variables: Record<string, unknown>; extensions?: Readonly<Record<string, unknown>> }> = [];
  const send: MutationSender = async (query, variables, _signal, _route, extensions) => {
    requests.push({ query, variables, ...(extensions !== undefined ? { extensions } : {}) });
    return answer(query, variables);
  };
  return { requests, send, capabilities };
}

function notes(n: number): BatchedMutation[] {
  return Array.from({ length: n }, (_, i) => ({
    parts: mutationParts(schema, Note, 'Create'),
    variables: mutationVariables(Note, 'Create', { id: `n${i}`, text: `t${i}`, count: i }, null),
  }));
}

/** Answers every aliased create with its input echoed and `_version: 1`. */
function echo(query: string, variables: Record<string, unknown>): GraphqlAnswer {
  if (!query.includes('m0:')) return ok({ createNote: { ...(variables.input as object), _version: 1 } });
  const data: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(variables)) if (name.startsWith('input')) data[`m${name.slice(5)}`] = { ...(value as object), _version: 1 };
  return ok(data);
}

test('the batcher sends what is handed over in one turn as requests of at most maxPerRequest', async () => {
  const { requests, send, capabilities } = recordingSender(echo);
  const batcher = new MutationBatcher(send, 4, capabilities);
  const signal = new AbortController().signal;
  const answers = await Promise.all(notes(10).map((m) => batcher.mutate(m, signal)));
  assert.deepEqual(
    requests.map((r) => (r.query.match(/: createNote\(/g) ?? []).length),
    [4, 4, 2],
  );
  answers.forEach((a, i) => assert.deepEqual(a.data, { createNote: { id: `n${i}`, text: `t${i}`, count: i, _version: 1 } }));
});

test('mutations of different routes (MULTI_AUTH mode lists) never share a request; each request names its route', async () => {
  const routes: string[] = [];
  const batcher = new MutationBatcher(
    async (query, variables, _signal, route) => {
      routes.push(`${route.key}:${(query.match(/: createNote\(/g) ?? ['alone']).length}`);
      return echo(query, variables);
    },
    8,
    announced(),
  );
  const signal = new AbortController().signal;
  const answers = await Promise.all(notes(5).map((m, i) => batcher.mutate(m, signal, mutationRoute([i % 2 === 0 ? 'apiKey' : 'jwt'], i))));
  assert.deepEqual(routes, ['apiKey:3', 'jwt:2']);
  answers.forEach((a, i) => assert.deepEqual(a.data, { createNote: { id: `n${i}`, text: `t${i}`, count: i, _version: 1 } }));
});

test('a lone mutation leaves as the plain DataStore document', async () => {
  const { requests, send, capabilities } = recordingSender(echo);
  const batcher = new MutationBatcher(send, 8, capabilities);
  const [only] = notes(1);
  const answer = await batcher.mutate(only, new AbortController().signal);
  assert.equal(requests.length, 1);
  assert.equal(requests[0].query, singleMutationQuery(only.parts));
  assert.deepEqual(requests[0].variables, only.variables);
  assert.deepEqual(answer.data, { createNote: { ...(only.variables.input as object), _version: 1 } });
});

test('a refused batch is resent one mutation per request, so only the bad one fails', async () => {
  const { requests, send, capabilities } = recordingSender((query, variables) => {
    if (query.includes('m0:')) return ok(null, [{ message: "Variable '$input1' has an invalid value.", errorType: 'BadRequest' }]);
    const input = variables.input as { id: string };
    return input.id === 'n1' ? ok(null, [{ message: "Variable '$input' has an invalid value.", errorType: 'BadRequest' }]) : echo(query, variables);
  });
  const batcher = new MutationBatcher(send, 8, capabilities);
  const answers = await Promise.all(notes(3).map((m) => batcher.mutate(m, new AbortController().signal)));
  assert.equal(requests.length, 4, 'one batch, then three single requests');
  assert.equal(answers[0].errors.length, 0);
  assert.equal(answers[1].errors[0]?.errorType, 'BadRequest');
  assert.equal(answers[2].errors.length, 0);
});

test('a sender that throws gives every mutation of the request a network error (treated as uncertain)', async () => {
  const batcher = new MutationBatcher(async () => {
    throw new Error('socket hang up');
  }, 8);
  const answers = await Promise.all(notes(2).map((m) => batcher.mutate(m, new AbortController().signal)));
  for (const a of answers) assert.deepEqual(a, { data: null, errors: [], networkError: 'socket hang up', httpStatus: null });
});

test('a batch stays under the server’s document size: wide models travel in fewer per request', async () => {
  const wide = parseSchema(`type Wide @model @auth(rules: [{ allow: public }]) { id: ID! ${Array.from({ length: 190 }, (_, i) => `f${i}: Int`).join(' ')} }`);
  const Wide = wide.models.Wide;
  const { requests, send, capabilities } = recordingSender(() => ok(null));
  const batcher = new MutationBatcher(send, 16, capabilities);
  const mutations: BatchedMutation[] = Array.from({ length: 12 }, (_, i) => ({
    parts: mutationParts(wide, Wide, 'Create'),
    variables: mutationVariables(Wide, 'Create', { id: `w${i}` }, null),
  }));
  await Promise.all(mutations.map((m) => batcher.mutate(m, new AbortController().signal)));
  // ~200 selected fields each: at most 5 under the 1,000-field budget.
  assert.deepEqual(
    requests.map((r) => (r.query.match(/: createWide\(/g) ?? []).length),
    [5, 5, 2],
  );
});

test('until the server announced batching, and for a backend without it, each mutation travels alone, unaliased', async () => {
  const withoutAnnouncement = new ServerCapabilities();
  const answeredWithout = new ServerCapabilities();
  answeredWithout.observe(null);
  const onlyIds = announced(['mutationIds']);
  const cases: Array<{ name: string; capabilities: ServerCapabilities | null; state: string }> = [
    { name: 'no answer yet', capabilities: withoutAnnouncement, state: 'unknown' },
    { name: 'answers without extensions.outpost (AppSync)', capabilities: answeredWithout, state: 'none' },
    { name: 'announced, but not mutationBatching', capabilities: onlyIds, state: 'announced' },
    { name: 'a batcher given no capabilities', capabilities: null, state: '-' },
  ];
  for (const c of cases) {
    if (c.capabilities !== null) assert.equal(c.capabilities.state, c.state, c.name);
    const requests: Array<{ query: string; variables: Record<string, unknown> }> = [];
    const plain = async (query: string, variables: Record<string, unknown>): Promise<GraphqlAnswer> => {
      requests.push({ query, variables });
      return echo(query, variables);
    };
    const batcher = new MutationBatcher(plain, 16, c.capabilities ?? undefined);
    const mutations = notes(5);
    const answers = await Promise.all(mutations.map((m) => batcher.mutate(m, new AbortController().signal)));
    assert.equal(requests.length, 5, `${c.name}: one request per mutation`);
    requests.forEach((r, i) => {
      assert.equal(r.query, singleMutationQuery(mutations[i].parts), `${c.name}: DataStore's document, byte for byte`);
      assert.doesNotMatch(r.query, /m\d+:/, `${c.name}: no alias`);
      assert.deepEqual(r.variables, mutations[i].variables);
    });
    answers.forEach((a, i) => assert.deepEqual(a.data, { createNote: { id: `n${i}`, text: `t${i}`, count: i, _version: 1 } }));
  }
});

test('the announcement is read at each flush: batching starts once announced and stops when an answer lacks it', async () => {
  const capabilities = new ServerCapabilities();
  const { requests, send } = recordingSender(echo, capabilities);
  const batcher = new MutationBatcher(send, 4, capabilities);
  const signal = new AbortController().signal;
  const perRequest = () => requests.splice(0).map((r) => (r.query.match(/: createNote\(/g) ?? ['alone']).length);
  await Promise.all(notes(3).map((m) => batcher.mutate(m, signal)));
  assert.deepEqual(perRequest(), [1, 1, 1]);
  capabilities.observe({ version: 1, capabilities: new Set(['mutationBatching']), maxItemBytes: null, syncTotals: {} });
  await Promise.all(notes(6).map((m) => batcher.mutate(m, signal)));
  assert.deepEqual(perRequest(), [4, 2], 'maxPerRequest stays the upper bound');
  capabilities.observe(null);
  await Promise.all(notes(2).map((m) => batcher.mutate(m, signal)));
  assert.deepEqual(perRequest(), [1, 1]);
});

test('mutation ids travel in extensions.outpostMutationIds under each response key, only where announced', async () => {
  const withIds = (ms: BatchedMutation[]) => ms.map((m, i) => ({ ...m, mutationId: `id-${i}` }));
  // Batched: keyed by alias.
  const batched = recordingSender(echo, announced(['mutationBatching', 'mutationIds']));
  const batcher = new MutationBatcher(batched.send, 8, batched.capabilities);
  await Promise.all(withIds(notes(3)).map((m) => batcher.mutate(m, new AbortController().signal)));
  assert.deepEqual(
    batched.requests.map((r) => r.extensions),
    [{ outpostMutationIds: { m0: 'id-0', m1: 'id-1', m2: 'id-2' } }],
  );
  // Alone (ids but no batching): keyed by the root field.
  const alone = recordingSender(echo, announced(['mutationIds']));
  const single = new MutationBatcher(alone.send, 8, alone.capabilities);
  await Promise.all(withIds(notes(2)).map((m) => single.mutate(m, new AbortController().signal)));
  assert.deepEqual(
    alone.requests.map((r) => r.extensions),
    [{ outpostMutationIds: { createNote: 'id-0' } }, { outpostMutationIds: { createNote: 'id-1' } }],
  );
  // Never to a backend without the capability, batched or not.
  for (const caps of [announced(['mutationBatching']), new ServerCapabilities()]) {
    const none = recordingSender(echo, caps);
    const b = new MutationBatcher(none.send, 8, none.capabilities);
    await Promise.all(withIds(notes(2)).map((m) => b.mutate(m, new AbortController().signal)));
    for (const r of none.requests) assert.equal(r.extensions, undefined);
  }
});

test('mutationIdExtensions: ids by key, entries without an id left out, nothing without the capability', () => {
  const rows: Array<{ keyed: Array<{ key: string; mutationId?: string }>; announced: boolean; expected: unknown }> = [
    {
      keyed: [
        { key: 'm0', mutationId: 'a' },
        { key: 'm1', mutationId: 'b' },
      ],
      announced: true,
      expected: { outpostMutationIds: { m0: 'a', m1: 'b' } },
    },
    { keyed: [{ key: 'm0', mutationId: 'a' }, { key: 'm1' }], announced: true, expected: { outpostMutationIds: { m0: 'a' } } },
    { keyed: [{ key: 'updateNote' }], announced: true, expected: undefined },
    { keyed: [{ key: 'm0', mutationId: 'a' }], announced: false, expected: undefined },
  ];
  for (const row of rows) assert.deepEqual(mutationIdExtensions(row.keyed, row.announced), row.expected);
});

test('a mutation id longer than the wire contract allows is refused with a clear error', async () => {
  const { send, capabilities } = recordingSender(echo);
  const batcher = new MutationBatcher(send, 8, capabilities);
  const [m] = notes(1);
  await assert.rejects(
    batcher.mutate({ ...m, mutationId: 'x'.repeat(201) }, new AbortController().signal),
    /mutationId must be a non-empty string of at most 200 characters/,
  );
  await assert.rejects(batcher.mutate({ ...m, mutationId: '' }, new AbortController().signal), /mutationId/);
});
