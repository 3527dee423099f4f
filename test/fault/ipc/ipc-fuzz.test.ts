// IPC fuzz: seeded random and malformed requests through the real handlers and the real core
// (real SQLite in a temp dir). Every answer must be a well-formed result, every refusal a typed
// error, nothing may escape as an unhandled rejection, and every stored record must still pass the
// schema's validation afterwards. Run over the example schema and over one with composite primary
// keys (near-valid key objects for get/delete). Replay a failure with OUTPOST_FUZZ_SEED=<seed printed>.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { parseSchema } from '../../../common/schema/parse-schema.js';
import type { Schema } from '../../../common/schema/types.js';
import { validateRecord } from '../../../common/schema/validate-record.js';
import { requestChannels, wireChannel } from '../../../common/ipc/contract.js';
import { OPERATORS } from '../../../common/predicates/types.js';
import { createAppCore } from '../../../main/app-core.js';
import { memoryCredentialStore } from '../../../main/auth/credential-store.js';
import { openDatastore } from '../../../main/datastore/datastore.js';
import { profileDatabaseFile } from '../../../main/auth/profiles.js';
import { keychainProfileKey } from '../../../main/crypto/profile-key.js';
import { createInProcessBridge } from '../../../main/ipc/in-process-bridge.js';
import { visitSchema } from '../../unit/ipc/visit-schema.js';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const schema = parseSchema(readFileSync(join(root, 'schema/schema.graphql'), 'utf8'), 'schema/schema.graphql');
const models = Object.keys(schema.models);
const fieldNames = [...new Set([...Object.values(schema.models), ...Object.values(visitSchema.models)].flatMap((m) => m.fields.map((f) => f.name)))];

const seed = Number(process.env.OUTPOST_FUZZ_SEED ?? 20261125);
const runs = Number(process.env.OUTPOST_FUZZ_RUNS ?? 400);

const value = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom('DRAFT', 'HIGH', '2026-01-02T03:04:05.000Z', 'https://x.example/p.jpg', 'not a date'),
  fc.array(fc.oneof(fc.string({ maxLength: 5 }), fc.double(), fc.constant(null)), { maxLength: 4 }),
  fc.record({ latitude: fc.double(), longitude: fc.oneof(fc.double(), fc.string()) }, { requiredKeys: [] }),
  fc.date(),
  fc.anything({ maxDepth: 2 }),
);
const field = fc.oneof(fc.constantFrom(...fieldNames, '_version', '_deleted', 'id'), fc.string({ maxLength: 8 }));
const model = fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...models) }, { weight: 1, arbitrary: fc.string({ maxLength: 10 }) });
const predicate = fc.letrec<{ node: unknown }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.record({ field, op: fc.oneof(fc.constantFrom(...OPERATORS), fc.string()), value }, { requiredKeys: ['field', 'op'] }),
    fc.record({ and: fc.array(tie('node'), { maxLength: 3 }) }),
    fc.record({ or: fc.array(tie('node'), { maxLength: 3 }) }),
    fc.record({ not: tie('node') }),
    fc.anything({ maxDepth: 2 }),
  ),
})).node;
const structured = fc.record(
  {
    model,
    record: fc.dictionary(field, value, { maxKeys: 6 }),
    id: fc.oneof(fc.uuid(), fc.string({ maxLength: 6 }), value, fc.dictionary(field, value, { maxKeys: 4 }), fc.record({ id: fc.oneof(fc.uuid(), value) })),
    where: predicate,
    condition: predicate,
    sort: fc.array(fc.record({ field, direction: fc.constantFrom('asc', 'desc', 'up') }), { maxLength: 3 }),
    limit: fc.oneof(fc.integer({ min: -5, max: 2000 }), value),
    page: fc.oneof(fc.integer({ min: -2, max: 5 }), value),
    subscriptionId: fc.oneof(fc.constantFrom('s1', 's2', 's3'), fc.string()),
    unsynced: fc.constantFrom('ask', 'discard', 'syncFirst', 'maybe'),
    mode: fc.constantFrom('offline', 'password', 'apiKey', 'other'),
    username: fc.constantFrom('ana', 'bob', ''),
    choice: fc.constantFrom('keepMine', 'keepTheirs', 'x'),
  },
  { requiredKeys: [] },
);
// Near-valid saves: mostly right, sometimes one value off, so the store is exercised at the edge.
const siteSave = fc.record({
  channel: fc.constant('save'),
  payload: fc.record({
    model: fc.constant('Site'),
    record: fc.record(
      {
        name: fc.oneof({ weight: 4, arbitrary: fc.string({ minLength: 1, maxLength: 10 }) }, { weight: 1, arbitrary: value }),
        code: fc.oneof(fc.string({ maxLength: 4 }), fc.constant(null), value),
        tags: fc.oneof(fc.array(fc.string({ maxLength: 4 }), { maxLength: 3 }), value),
        location: fc.oneof(
          fc.record({ latitude: fc.double({ noNaN: true, noDefaultInfinity: true }), longitude: fc.double({ noNaN: true, noDefaultInfinity: true }) }),
          value,
        ),
      },
      { requiredKeys: ['name'] },
    ),
  }),
});
const observationSave = fc.record({
  channel: fc.constant('save'),
  payload: fc.record({
    model: fc.constant('Observation'),
    record: fc.record(
      {
        inspectionID: fc.oneof(fc.uuid(), value),
        category: fc.oneof(fc.string({ minLength: 1, maxLength: 6 }), value),
        severity: fc.oneof(fc.constantFrom('LOW', 'MEDIUM', 'HIGH', 'CRITICAL', 'low'), value),
        measurements: fc.oneof(fc.array(fc.double(), { maxLength: 3 }), value),
        resolved: fc.oneof(fc.boolean(), value),
        photoUrl: fc.oneof(fc.webUrl(), fc.string({ maxLength: 6 })),
      },
      { requiredKeys: ['inspectionID', 'category', 'severity'] },
    ),
  }),
});
const randomRequest = fc.record({
  channel: fc.oneof({ weight: 12, arbitrary: fc.constantFrom(...requestChannels) }, { weight: 1, arbitrary: fc.string({ maxLength: 12 }) }),
  payload: fc.oneof({ weight: 6, arbitrary: structured }, { weight: 1, arbitrary: fc.anything({ maxDepth: 3 }) }),
});
const request = fc.oneof({ weight: 4, arbitrary: randomRequest }, { weight: 1, arbitrary: siteSave }, { weight: 1, arbitrary: observationSave });

// Composite keys (visit-schema.ts): Visits keyed by (siteID, visitedOn, shift), mostly valid, and
// get/delete with key objects that are right, or one field missing, extra or of the wrong type.
const SITE_IDS = ['site-a', 'site-b'];
const visitKey = fc.record({
  siteID: fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...SITE_IDS) }, { weight: 1, arbitrary: value }),
  visitedOn: fc.oneof({ weight: 6, arbitrary: fc.constantFrom('2026-01-02', '2026-01-03') }, { weight: 1, arbitrary: value }),
  shift: fc.oneof({ weight: 6, arbitrary: fc.integer({ min: 0, max: 2 }) }, { weight: 1, arbitrary: value }),
});
const keyVariant = fc.oneof(
  { weight: 4, arbitrary: visitKey },
  {
    weight: 1,
    arbitrary: fc
      .tuple(visitKey, fc.constantFrom('siteID', 'visitedOn', 'shift'))
      .map(([k, drop]) => Object.fromEntries(Object.entries(k).filter(([name]) => name !== drop))),
  },
  { weight: 1, arbitrary: fc.tuple(visitKey, field, value).map(([k, name, v]) => ({ ...k, [name]: v })) },
  { weight: 1, arbitrary: fc.oneof(fc.constantFrom(...SITE_IDS), fc.constantFrom('site-a-2026-01-02-1'), value) },
);
const visitSave = fc.record({
  channel: fc.constant('save'),
  payload: fc.record({
    model: fc.constant('Visit'),
    record: fc
      .tuple(
        visitKey,
        fc.record({ notes: fc.oneof(fc.string({ maxLength: 6 }), value), weather: fc.constantFrom('SUNNY', 'RAIN', 'HAIL') }, { requiredKeys: [] }),
      )
      .map(([k, rest]) => ({ ...k, ...rest })),
  }),
});
const readingSave = fc.record({
  channel: fc.constant('save'),
  payload: fc.record({
    model: fc.constant('Reading'),
    record: fc
      .tuple(visitKey, fc.oneof(fc.string({ minLength: 1, maxLength: 4 }), value))
      .map(([k, label]) => ({ label, visitSiteID: k.siteID, visitVisitedOn: k.visitedOn, visitShift: k.shift })),
  }),
});
const visitByKey = fc.record({
  channel: fc.constantFrom('get', 'delete'),
  payload: fc.record({ model: fc.constantFrom('Visit', 'Visit', 'Site', 'Reading'), id: keyVariant }),
});
const visitRequest = fc.oneof(
  { weight: 2, arbitrary: randomRequest },
  { weight: 2, arbitrary: visitSave },
  { weight: 1, arbitrary: readingSave },
  { weight: 3, arbitrary: visitByKey },
);

test(`random and malformed IPC requests never crash main, always answer typed, never store bad data (seed ${seed})`, async () => {
  await fuzzCore(schema, request, runs, [{ model: 'Site', record: { name: 'seed site' } }]);
});

test(`the same over composite primary keys: key objects right, short, long or mistyped (seed ${seed})`, async () => {
  const { reached } = await fuzzCore(
    visitSchema,
    visitRequest,
    Math.ceil(runs / 2),
    SITE_IDS.map((id) => ({ model: 'Site', record: { id, name: id } })),
  );
  assert.ok(reached > 0, 'some gets/deletes by composite key should find their record');
});

async function fuzzCore(
  schema: Schema,
  request: fc.Arbitrary<{ channel: string; payload: unknown }>,
  runs: number,
  seedRecords: ReadonlyArray<{ model: string; record: Record<string, unknown> }>,
): Promise<{ reached: number }> {
  const models = Object.keys(schema.models);
  const userData = mkdtempSync(join(tmpdir(), 'outpost-ipc-fuzz-'));
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  process.on('unhandledRejection', onUnhandled);
  // It stands for the keychain: the profiles' data keys are read from it again below.
  const credentials = memoryCredentialStore();
  const core = createAppCore({ userData, schema, credentials, durability: 'NORMAL' });
  const bridge = createInProcessBridge();
  core.attach(bridge.host);
  const transport = bridge.connect().transport;
  const profileIds = new Set<string>();
  const signIn = async (username: string) => {
    const answer = (await transport.invoke(wireChannel('signIn'), { mode: 'offline', username })) as { value: { profileId: string } };
    profileIds.add(answer.value.profileId);
  };
  let saved = 0;
  let refused = 0;
  /** get/delete requests that found their record. */
  let reached = 0;
  try {
    await signIn('ana');
    for (const payload of seedRecords) await transport.invoke(wireChannel('save'), payload);
    await fc.assert(
      fc.asyncProperty(fc.array(request, { minLength: 1, maxLength: 8 }), async (batch) => {
        for (const { channel, payload } of batch) {
          const wire = (requestChannels as string[]).includes(channel) ? wireChannel(channel as (typeof requestChannels)[number]) : channel;
          const answer = (await transport.invoke(wire, payload)) as Record<string, unknown>;
          assert.equal(typeof answer.ok, 'boolean', `${channel}: answer without ok`);
          if (answer.ok === false) {
            refused++;
            const error = answer.error as Record<string, unknown>;
            assert.equal(typeof error.code, 'string');
            assert.equal(typeof error.message, 'string');
            assert.notEqual(error.code, 'InternalError', `${channel} crashed inside: ${String(error.message)}`);
          } else if (channel === 'save') saved++;
          else if (channel === 'get' && answer.value !== null) reached++;
          else if (channel === 'delete' && ((answer.value as { deleted?: unknown[] }).deleted?.length ?? 0) > 0) reached++;
          if (channel === 'signIn' && answer.ok) profileIds.add((answer.value as { profileId: string }).profileId);
        }
        // Keep a profile open so most requests reach the datastore.
        if (((await transport.invoke(wireChannel('currentUser'), {})) as { value: unknown }).value === null) await signIn('ana');
      }),
      { seed, numRuns: runs, verbose: 1 },
    );
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.deepEqual(unhandled, []);
    assert.ok(refused > runs, `the fuzzer should mostly produce refusals (got ${refused})`);
  } finally {
    await core.close();
    process.off('unhandledRejection', onUnhandled);
  }
  // Every record that got in is valid for its model.
  let stored = 0;
  for (const id of profileIds) {
    const file = profileDatabaseFile(userData, id);
    if (!existsSync(file)) continue; // signed out: the profile folder was removed
    const key = await keychainProfileKey(credentials, id, { create: false });
    const store = openDatastore({ file, schema, durability: 'NORMAL', key });
    for (const name of models) {
      for (const record of await store.query(name)) {
        stored++;
        // A never-synced record has no server metadata yet (null), which is not a user value.
        const user = Object.fromEntries(Object.entries(record).filter(([k, v]) => !(k.startsWith('_') && v === null)));
        validateRecord(schema, name, user, 'create');
      }
    }
    await store.close();
  }
  console.log(
    `fuzz seed ${seed}: ${runs} batches, ${saved} saves accepted, ${reached} gets/deletes found their record, ${refused} refusals, ${stored} stored records valid`,
  );
  rmSync(userData, { recursive: true, force: true });
  return { reached };
}
