import { test } from 'node:test';
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
  type Compilable,
} from 'kysely';
import { QueryTemplate } from '../../../server/storage/query-template.js';

// Compiles only: both dialects' SQL, no database needed.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>;
const dialects: Array<[string, AnyDb]> = [
  [
    'sqlite',
    new Kysely({
      dialect: {
        createAdapter: () => new SqliteAdapter(),
        createDriver: () => new DummyDriver(),
        createIntrospector: (db) => new SqliteIntrospector(db),
        createQueryCompiler: () => new SqliteQueryCompiler(),
      },
    }),
  ],
  [
    'postgres',
    new Kysely({
      dialect: {
        createAdapter: () => new PostgresAdapter(),
        createDriver: () => new DummyDriver(),
        createIntrospector: (db) => new PostgresIntrospector(db),
        createQueryCompiler: () => new PostgresQueryCompiler(),
      },
    }),
  ],
];

function same(template: QueryTemplate, values: Record<string, unknown>, direct: Compilable): void {
  const bound = template.bind(values);
  const expected = direct.compile();
  assert.equal(bound.sql, expected.sql);
  assert.deepEqual(bound.parameters, expected.parameters);
}

for (const [dialect, db] of dialects) {
  test(`${dialect}: a bound template is the query Kysely compiles for the same values`, () => {
    const upsert = (row: Record<string, unknown>) => {
      const { id: _id, ...rest } = row;
      return db
        .insertInto('Note')
        .values(row)
        .onConflict((oc) => oc.column('id').doUpdateSet(rest));
    };
    const columns = ['id', 'text', 'count', '_version', '_deleted'];
    const template = QueryTemplate.compile((slot) => upsert(Object.fromEntries(columns.map((c) => [c, slot(c)]))));
    for (const row of [
      { id: 'a', text: 'one', count: 1, _version: 1, _deleted: null },
      { id: 'b', text: null, count: 0, _version: 7, _deleted: 1 },
    ]) {
      same(template, row, upsert(row));
    }
    const select = QueryTemplate.compile((slot) => db.selectFrom('Note').selectAll().where('id', '=', slot('id')).forUpdate());
    same(select, { id: 'x' }, db.selectFrom('Note').selectAll().where('id', '=', 'x').forUpdate());
  });

  test(`${dialect}: values Kysely adds itself stay; a slot may be used twice`, () => {
    const template = QueryTemplate.compile((slot) =>
      db.selectFrom('Note').selectAll().where('a', '=', slot('v')).where('b', '=', slot('v')).where('c', '>', 5).limit(10),
    );
    same(template, { v: 'q' }, db.selectFrom('Note').selectAll().where('a', '=', 'q').where('b', '=', 'q').where('c', '>', 5).limit(10));
  });

  test(`${dialect}: binding without a slot's value throws, naming the slot`, () => {
    const template = QueryTemplate.compile((slot) => db.selectFrom('Note').selectAll().where('id', '=', slot('id')));
    assert.throws(() => template.bind({ ID: 'x' }), /no value for slot "id"/);
  });
}
