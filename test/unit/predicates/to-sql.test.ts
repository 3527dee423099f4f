import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DummyDriver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
} from 'kysely';
import { ValidationError } from '../../../common/errors.js';
import { where } from '../../../common/predicates/builder.js';
import { predicateToSql } from '../../../common/predicates/to-sql.js';
import type { Predicate } from '../../../common/predicates/types.js';
import { validatePredicate } from '../../../common/predicates/validate-predicate.js';
import { caseRecords, operatorCases, recordKey } from './operator-cases.js';
import { exampleSchema, readingSchema } from './schema-fixture.js';
import { createTable, openPostgres, openSqlite, replaceRows, selectKeys, type SqlTarget } from './sql-tables.js';

type Db = Record<string, Record<string, unknown>>;
const compilers = {
  sqlite: new Kysely<Db>({
    dialect: {
      createAdapter: () => new SqliteAdapter(),
      createDriver: () => new DummyDriver(),
      createIntrospector: (db) => new SqliteIntrospector(db),
      createQueryCompiler: () => new SqliteQueryCompiler(),
    },
  }),
  postgres: new Kysely<Db>({
    dialect: {
      createAdapter: () => new PostgresAdapter(),
      createDriver: () => new DummyDriver(),
      createIntrospector: (db) => new PostgresIntrospector(db),
      createQueryCompiler: () => new PostgresQueryCompiler(),
    },
  }),
};

function compiled(dialect: 'sqlite' | 'postgres', predicate: Predicate, table?: string): { sql: string; parameters: readonly unknown[] } {
  const model = exampleSchema.models[predicate && 'field' in predicate && predicate.field === 'tags' ? 'Site' : 'Inspection'];
  const q = compilers[dialect]
    .selectFrom('t')
    .select('id')
    .where(predicateToSql(predicate, { model, dialect, ...(table ? { table } : {}) }))
    .compile();
  return { sql: q.sql.replace(/^select "id" from "t" where /, ''), parameters: q.parameters };
}

test('exact SQL: comparisons are null-safe and parameterised', () => {
  assert.deepEqual(compiled('sqlite', where.score.lt(3)), { sql: '("score" IS NOT NULL AND "score" < ?)', parameters: [3] });
  assert.deepEqual(compiled('postgres', where.title.lt('b')), { sql: '("title" IS NOT NULL AND "title" COLLATE "C" < $1)', parameters: ['b'] });
  assert.deepEqual(compiled('sqlite', where.title.ne('x'), 'Inspection'), {
    sql: '("Inspection"."title" IS NULL OR "Inspection"."title" <> ?)',
    parameters: ['x'],
  });
  assert.deepEqual(compiled('sqlite', where._deleted.eq(true)), { sql: '("_deleted" IS NOT NULL AND "_deleted" = ?)', parameters: [1] });
  assert.deepEqual(compiled('postgres', where._deleted.eq(true)), { sql: '("_deleted" IS NOT NULL AND "_deleted" = $1)', parameters: [true] });
  assert.deepEqual(compiled('sqlite', where.notes.eq(null)), { sql: '"notes" IS NULL', parameters: [] });
});

test('exact SQL: beginsWith and contains avoid LIKE', () => {
  assert.deepEqual(compiled('sqlite', where.title.beginsWith('a%')), {
    sql: '("title" IS NOT NULL AND "title" >= ? AND "title" < ? AND instr("title", ?) = 1)',
    parameters: ['a%', 'a&', 'a%'],
  });
  // Upper bounds step over the surrogate range and past U+10FFFF; an empty prefix has no range.
  assert.deepEqual(compiled('sqlite', where.title.beginsWith('a\ud7ff')).parameters, ['a\ud7ff', 'a\ue000', 'a\ud7ff']);
  assert.deepEqual(compiled('sqlite', where.title.beginsWith('b\u{10ffff}')).parameters, ['b\u{10ffff}', 'c', 'b\u{10ffff}']);
  assert.deepEqual(compiled('sqlite', where.title.beginsWith('\u{10ffff}')), {
    sql: '("title" IS NOT NULL AND "title" >= ? AND instr("title", ?) = 1)',
    parameters: ['\u{10ffff}', '\u{10ffff}'],
  });
  assert.deepEqual(compiled('sqlite', where.title.beginsWith('')).parameters, ['', '']);
  assert.deepEqual(compiled('postgres', where.title.beginsWith('a%')), { sql: '("title" IS NOT NULL AND starts_with("title", $1))', parameters: ['a%'] });
  assert.deepEqual(compiled('postgres', where.title.notContains('_')), { sql: 'NOT ("title" IS NOT NULL AND strpos("title", $1) > 0)', parameters: ['_'] });
  assert.deepEqual(compiled('sqlite', where.tags.contains('a')), {
    sql: '("tags" IS NOT NULL AND EXISTS (SELECT 1 FROM json_each("tags") AS "_outpost_element" WHERE "_outpost_element".value = ?))',
    parameters: ['a'],
  });
  assert.deepEqual(compiled('postgres', where.tags.contains('a')), {
    sql: '("tags" IS NOT NULL AND CAST("tags" AS jsonb) @> CAST($1 AS jsonb))',
    parameters: ['["a"]'],
  });
});

test('exact SQL: groups, in and constants', () => {
  assert.deepEqual(compiled('sqlite', where.and(where.score.gt(1), where.not(where.or()))), {
    sql: '(("score" IS NOT NULL AND "score" > ?) AND NOT ((1 = 0)))',
    parameters: [1],
  });
  assert.deepEqual(compiled('sqlite', where.score.in([1, null, 2])), {
    sql: '("score" IS NULL OR ("score" IS NOT NULL AND "score" IN (?, ?)))',
    parameters: [1, 2],
  });
  assert.deepEqual(compiled('postgres', where.and()), { sql: '(1 = 1)', parameters: [] });
});

test('identifiers never come from outside the schema', () => {
  const hostile = { field: 'title" = 1 OR "1', op: 'eq', value: 'x' } as Predicate;
  assert.throws(() => compiled('sqlite', hostile), ValidationError);
  assert.throws(() => compiled('sqlite', where.site.eq('x')), /relation/);
});

async function runCases(target: SqlTarget): Promise<void> {
  for (const [name, schema] of [
    ['Site', exampleSchema],
    ['Inspection', exampleSchema],
    ['Observation', exampleSchema],
    ['Reading', readingSchema],
  ] as const) {
    const model = schema.models[name];
    await createTable(target, model);
    await replaceRows(target, model, caseRecords[name]);
  }
}

for (const dialect of ['sqlite', 'postgres'] as const) {
  describe(`operator cases in ${dialect}`, () => {
    let target: SqlTarget | undefined;
    let skip: string | undefined;
    before(async () => {
      const opened = dialect === 'sqlite' ? openSqlite() : await openPostgres();
      if ('skip' in opened) skip = opened.skip;
      else {
        target = opened;
        await runCases(target);
      }
    });
    after(async () => {
      await target?.close();
    });
    for (const c of operatorCases) {
      test(`${c.model} ${c.name}`, async (t) => {
        if (!target) {
          t.skip(skip);
          return;
        }
        const schema = c.model === 'Reading' ? readingSchema : exampleSchema;
        const model = schema.models[c.model];
        const predicate = validatePredicate(schema, c.model, c.predicate);
        const key = c.model === 'Reading' ? 'deviceId' : 'id';
        assert.deepEqual(await selectKeys(target, model, predicate, key), [...c.expected].sort());
        // Sanity: the table really holds every record (so an empty result means "no match").
        assert.equal((await target.db.selectFrom(c.model).select(key).execute()).length, caseRecords[c.model].length);
        assert.ok(caseRecords[c.model].every((r) => typeof recordKey(r) === 'string'));
      });
    }
  });
}
