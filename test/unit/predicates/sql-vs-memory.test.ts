// Property: for random records and predicates over the example schema (and a model with every
// scalar type), SQLite and PostgreSQL return exactly the records the in-memory evaluator matches,
// and a GraphQL round trip keeps the meaning. Replay a failure with FC_SEED=<seed printed>;
// search harder with FC_RUNS=<n>.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { matches } from '../../../common/predicates/evaluate.js';
import { fromGraphqlFilter } from '../../../common/predicates/from-graphql.js';
import { toGraphqlFilter } from '../../../common/predicates/to-graphql.js';
import type { Predicate } from '../../../common/predicates/types.js';
import { validatePredicate } from '../../../common/predicates/validate-predicate.js';
import type { ModelDef, ModelRecord, Schema } from '../../../common/schema/types.js';
import { predicateArb, propertySeed, recordsArb } from './predicate-arbitraries.js';
import { exampleSchema, readingSchema } from './schema-fixture.js';
import { createTable, openPostgres, openSqlite, replaceRows, selectKeys, type SqlTarget } from './sql-tables.js';

// 300 keeps `npm test` quick; FC_RUNS=5000 for a deeper search before changing an evaluator.
const RUNS = Number(process.env.FC_RUNS) > 0 ? Number(process.env.FC_RUNS) : 300;

interface Subject {
  readonly schema: Schema;
  readonly model: ModelDef;
  readonly key: string;
}
const subjects: Readonly<Record<string, Subject>> = {
  Site: { schema: exampleSchema, model: exampleSchema.models.Site, key: 'id' },
  Inspection: { schema: exampleSchema, model: exampleSchema.models.Inspection, key: 'id' },
  Observation: { schema: exampleSchema, model: exampleSchema.models.Observation, key: 'id' },
  Reading: { schema: readingSchema, model: readingSchema.models.Reading, key: 'deviceId' },
};

// Holds the model by name so a counterexample prints records and predicates, not the schema.
interface Scenario {
  readonly model: string;
  readonly records: ModelRecord[];
  readonly predicates: Predicate[];
}

const scenario: fc.Arbitrary<Scenario> = fc.constantFrom(...Object.keys(subjects)).chain((model) => {
  const subject = subjects[model];
  return recordsArb(subject.schema, subject.model, subject.key).chain((records) =>
    fc.array(predicateArb(subject.schema, subject.model, records), { minLength: 1, maxLength: 4 }).map((predicates) => ({ model, records, predicates })),
  );
});

function keysMatching(s: Scenario, p: Predicate): string[] {
  const key = subjects[s.model].key;
  return s.records
    .filter((r) => matches(p, r))
    .map((r) => String(r[key]))
    .sort();
}

async function runProperty(name: string, property: fc.IAsyncPropertyWithHooks<[Scenario]> | fc.IAsyncProperty<[Scenario]>): Promise<void> {
  const seed = propertySeed();
  try {
    await fc.assert(property, { seed, numRuns: RUNS });
  } catch (err) {
    console.error(`${name} failed; replay with FC_SEED=${seed}`);
    throw err;
  }
}

async function openTables(target: SqlTarget): Promise<SqlTarget> {
  for (const s of Object.values(subjects)) await createTable(target, s.model);
  return target;
}

function sqlProperty(getTarget: () => SqlTarget) {
  return fc.asyncProperty(scenario, async (s) => {
    const target = getTarget();
    const { schema, model, key } = subjects[s.model];
    await replaceRows(target, model, s.records);
    for (const raw of s.predicates) {
      const p = validatePredicate(schema, model.name, raw);
      const got = await selectKeys(target, model, p, key);
      assert.deepEqual(got, keysMatching(s, p), `${target.dialect} differs for ${JSON.stringify(p)}`);
    }
  });
}

let sqlite: SqlTarget | undefined;
let postgres: SqlTarget | undefined;
let postgresSkip: string | undefined;

before(async () => {
  sqlite = await openTables(openSqlite());
  const opened = await openPostgres();
  if ('skip' in opened) postgresSkip = opened.skip;
  else postgres = await openTables(opened);
});

after(async () => {
  await sqlite?.close();
  await postgres?.close();
});

test('SQLite result set equals the in-memory result set', async () => {
  await runProperty(
    'sql-vs-memory (sqlite)',
    sqlProperty(() => sqlite!),
  );
});

test('PostgreSQL result set equals the in-memory result set', async (t) => {
  if (!postgres) {
    t.skip(postgresSkip);
    return;
  }
  await runProperty(
    'sql-vs-memory (postgres)',
    sqlProperty(() => postgres!),
  );
});

test('GraphQL round trip keeps the meaning', async () => {
  await runProperty(
    'graphql round trip',
    fc.asyncProperty(scenario, async (s) => {
      const { schema, model } = subjects[s.model];
      for (const raw of s.predicates) {
        const p = validatePredicate(schema, model.name, raw);
        const wire = JSON.parse(JSON.stringify(toGraphqlFilter(p))) as unknown;
        const back = fromGraphqlFilter(schema, model.name, wire);
        assert.ok(back);
        assert.deepEqual(keysMatching(s, back), keysMatching(s, p), `round trip differs for ${JSON.stringify(p)}`);
      }
    }),
  );
});
