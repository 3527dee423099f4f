// Seeded random requests against a real server: arbitrary JSON as variables, filters, conditions
// and bodies never crash it (no 5xx, no InternalFailure), always get a message, and never touch the
// stored records they are not allowed to change. Prints the seed; a failure replays from it.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { POST_FIELDS, startHarness, type Harness } from './server-harness.js';

const seed = Number(process.env.OUTPOST_FUZZ_SEED ?? Date.now() % 1_000_000);
let h: Harness;
before(async () => {
  h = await startHarness('sqlite');
});
after(async () => {
  await h?.close();
});

const OPERATIONS = [
  `mutation($input: CreatePostInput!, $condition: ModelPostConditionInput){ createPost(input: $input, condition: $condition){ ${POST_FIELDS} } }`,
  `mutation($input: UpdatePostInput!, $condition: ModelPostConditionInput){ updatePost(input: $input, condition: $condition){ ${POST_FIELDS} } }`,
  `mutation($input: DeletePostInput!, $condition: ModelPostConditionInput){ deletePost(input: $input, condition: $condition){ ${POST_FIELDS} } }`,
  `query($filter: ModelPostFilterInput, $limit: Int, $nextToken: String, $lastSync: AWSTimestamp){ syncPosts(filter: $filter, limit: $limit, nextToken: $nextToken, lastSync: $lastSync){ items { id } nextToken startedAt } }`,
  `query($filter: ModelPostFilterInput, $limit: Int){ listPosts(filter: $filter, limit: $limit){ items { id } nextToken } }`,
];

const scalar = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom('ACTIVE', 'x', 'p-0', '2024-01-01T00:00:00Z'),
);
const fieldName = fc.constantFrom(
  'id',
  'title',
  'rating',
  'tags',
  'status',
  'meta',
  'owner',
  '_version',
  '_deleted',
  'and',
  'or',
  'not',
  'eq',
  'ne',
  'lt',
  'between',
  'beginsWith',
  'contains',
  'attributeExists',
  'size',
  'a',
  'b',
);
const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  v: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, fc.array(tie('v'), { maxLength: 3 }), fc.dictionary(fieldName, tie('v'), { maxKeys: 4 })),
})).v;

test(`random variables never crash the server or change others' records (seed ${seed})`, async () => {
  const victim = await h.gql(h.bob, OPERATIONS[0] as string, { input: { id: 'p-0', title: 'bob owns this', tags: ['t'] } });
  assert.equal(victim.body.errors, undefined);
  const snapshot = JSON.stringify((await h.gql(h.bob, `query { getPost(id: "p-0") { ${POST_FIELDS} } }`)).body);
  await fc.assert(
    fc.asyncProperty(
      fc.nat(OPERATIONS.length - 1),
      fc.dictionary(fc.constantFrom('input', 'condition', 'filter', 'limit', 'nextToken', 'lastSync'), value, { maxKeys: 4 }),
      async (op, variables) => {
        const res = await h.gql(h.alice, OPERATIONS[op] as string, variables);
        assert.ok(res.status === 200 || res.status === 400, `status ${res.status}: ${JSON.stringify(res.body)}`);
        for (const error of res.body.errors ?? []) {
          assert.notEqual(error.errorType, 'InternalFailure', JSON.stringify({ variables, error }));
          assert.equal(typeof error.message, 'string');
          assert.ok(error.message.length > 0);
        }
      },
    ),
    { seed, numRuns: 150, verbose: 1 },
  );
  const raw = fc.oneof(fc.json(), fc.string({ maxLength: 40 }), fc.constant('{"query": 1}'), fc.constant('{"query":"{","variables":[]}'));
  await fc.assert(
    fc.asyncProperty(raw, async (body) => {
      const res = await h.raw(body);
      assert.ok(res.status < 500, `status ${res.status} for ${body}: ${res.text}`);
      const parsed = JSON.parse(res.text) as { errors?: Array<{ message?: string }> };
      assert.ok(parsed.errors === undefined || typeof parsed.errors[0]?.message === 'string');
    }),
    { seed, numRuns: 60 },
  );
  assert.equal(JSON.stringify((await h.gql(h.bob, `query { getPost(id: "p-0") { ${POST_FIELDS} } }`)).body), snapshot);
});
