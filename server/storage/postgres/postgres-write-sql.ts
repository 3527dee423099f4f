// The SQL text of PostgreSQL's one-statement write (issue 16), built once per model from its
// definition: pure functions over the model, so the exact SQL is testable without a database.
//
// A mutation is two statements, each its own implicit transaction, and no lock is held between them:
//   read:  the row (tombstones included) and the database clock, which becomes the change time;
//   write: one statement that takes the model's writer lock in SHARED mode (writers never wait for
//          each other, only a sync's start waits for writes in flight), checks the model's fence
//          (the latest sync watermark handed out: a change time below it would be invisible to
//          that sync and to the next delta, so such a write is refused and retried with a fresh
//          clock), compares-and-sets the row on the `_version` that was read (the row lock of the
//          UPDATE itself orders writers of one record; INSERT … ON CONFLICT DO NOTHING for a new
//          one) and appends the change-log entry, all or nothing. It answers how many rows it wrote:
//          0 means something changed since the read, and the mutation is run again.
// The order lock → fence → row inside the statement is forced by data flow (each CTE reads the one
// before), not left to the planner: a writer that held a record's row lock before asking for the
// model lock could deadlock with a sync waiting for that lock.
import { columnTypeFor, POSTGRES_FLAVOUR } from '../../../common/predicates/column-codec.js';
import { storedFields } from '../../../common/schema/model-fields.js';
import type { ModelDef } from '../../../common/schema/types.js';
import { COMPOSITE_KEY_COLUMN, keyColumnOf } from '../storage-key.js';

/** The change log (storage-ddl.ts owns its DDL). */
const CHANGES = '"_outpost_changes"';

/** A double-quoted identifier. */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** A single-quoted literal. */
function quoteLiteral(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/** The advisory lock key of `model`'s writers (the same key the locked design used). */
export function writerLockKey(model: string): string {
  return `hashtext(${quoteLiteral(`outpost-model:${model}`)})`;
}

/** The sequence holding `model`'s fence: the latest sync watermark (epoch ms) handed out. Sequences are read outside MVCC snapshots. */
export function fenceSequence(model: string): string {
  return `${model}__fence`;
}

/** The database clock in epoch ms. clock_timestamp(), not now(): now() is the transaction's start. */
export const CLOCK_MS = 'floor(extract(epoch from clock_timestamp()) * 1000)::bigint';

/** The statements of one model and the order their parameters bind in. */
export interface WriteStatements {
  /** `$1` key → one row: `__now` (the clock) and the model's columns (all null when there is no such row). */
  readonly read: string;
  /** Insert when the key is free: `$1` change time, then `columns`, then the change-log values; answers `{ n }`. */
  readonly insert: string;
  /** Update when `_version` still is `$2` for key `$3`: `$1` change time, then `columns`, then the change-log values; answers `{ n }`. */
  readonly update: string;
  /** The row's columns, in the order they bind after the leading parameters. */
  readonly columns: readonly string[];
}

/** Every column a stored row has, with its SQL type, in a fixed order. */
export function rowColumns(model: ModelDef): ReadonlyArray<{ readonly name: string; readonly type: string }> {
  const columns: Array<{ name: string; type: string }> = storedFields(model).map((f) => ({ name: f.name, type: columnTypeFor(f, POSTGRES_FLAVOUR) }));
  columns.push(
    { name: '_version', type: 'integer' },
    { name: '_lastChangedAt', type: 'bigint' },
    { name: '_deleted', type: 'boolean' },
    { name: '_ttl', type: 'bigint' },
  );
  if (model.primaryKey.length > 1) columns.push({ name: COMPOSITE_KEY_COLUMN, type: 'text' });
  return columns;
}

/** The statements of `model`. */
export function writeStatements(model: ModelDef): WriteStatements {
  const table = quoteIdent(model.name);
  const key = quoteIdent(keyColumnOf(model));
  const columns = rowColumns(model);
  const fence = quoteIdent(fenceSequence(model.name));
  // The correlated reference to `held` makes the fence a per-row subplan read after the lock, not a
  // one-time filter the planner could evaluate first.
  const guard = (nowParam: string) =>
    `held as materialized (select pg_advisory_xact_lock_shared(${writerLockKey(model.name)})::text as held),
  fenced as materialized (select 1 as ok from held where (select last_value from ${fence} where held.held is not null) <= ${nowParam}::bigint)`;
  const changeValues = (first: number) =>
    `${quoteLiteral(model.name)}, $${first}::text, $${first + 1}::integer, $${first + 2}::bigint, $${first + 3}::text, $${first + 4}::text`;
  const changeColumns = 'model, item_id, version, changed_at, item, mutation_id';

  const insertValues = columns.map((c, i) => `$${i + 2}::${c.type}`).join(', ');
  const insert = `with ${guard('$1')},
  written as (insert into ${table} (${columns.map((c) => quoteIdent(c.name)).join(', ')}) select ${insertValues} from fenced on conflict (${key}) do nothing returning 1),
  logged as (insert into ${CHANGES} (${changeColumns}) select ${changeValues(columns.length + 2)} from written returning 1)
select (select count(*) from written)::int as n, (select count(*) from logged)::int as logged`;

  const first = 4;
  const sets = columns.map((c, i) => `${quoteIdent(c.name)} = $${i + first}::${c.type}`).join(', ');
  const update = `with ${guard('$1')},
  written as (update ${table} set ${sets} from fenced where ${table}.${key} = $3 and ${table}."_version" = $2::integer returning 1),
  logged as (insert into ${CHANGES} (${changeColumns}) select ${changeValues(columns.length + first)} from written returning 1)
select (select count(*) from written)::int as n, (select count(*) from logged)::int as logged`;

  const read = `select ${CLOCK_MS}::text as "__now", t.* from (select 1) as one left join ${table} as t on t.${key} = $1`;

  return { read, insert, update, columns: columns.map((c) => c.name) };
}

/**
 * `{ ms }`: the sync watermark of `model`. The exclusive lock waits for the writes in flight (they
 * hold it shared) and lets no new one start until the clock is read and the fence raised to it;
 * writers whose clock reading is older then fail the fence and run again. The lock ends with this
 * statement's implicit transaction. `greatest` keeps the fence monotonic if the clock steps back.
 */
export function syncStartSql(model: string): string {
  const fence = fenceSequence(model);
  return `with held as materialized (select pg_advisory_xact_lock(${writerLockKey(model)})::text as held)
select setval(${quoteLiteral(quoteIdent(fence))}::regclass, greatest(${CLOCK_MS}, s.last_value))::text as ms from held, ${quoteIdent(fence)} as s where held.held is not null`;
}
