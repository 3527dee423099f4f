// PostgreSQL storage: a pg Pool shared by several server processes. What PostgreSQL does
// differently (advisory locks, the database clock, "C" collation) is in postgres/postgres-dialect.ts.
//
// Writes are optimistic (issue 16): a mutation reads its record and the clock in one statement,
// decides in Node, then writes row and change-log entry in one statement that compares-and-sets
// on the `_version` it read (postgres/postgres-write-sql.ts). No lock is held across round trips,
// so writers of one model never wait for each other, and a second process adds throughput. When
// the record changed in between (or a sync's fence passed the change time) the mutation runs
// again; after OPTIMISTIC_ATTEMPTS it runs once more under the row lock, which always succeeds.
import { createHash } from 'node:crypto';
import pg from 'pg';
import { Kysely, PostgresDialect, sql, type PostgresPool } from 'kysely';
import type { ModelDef } from '../../common/schema/types.js';
import { KyselyStorage, type AnyDb, type AnyTx } from './kysely-storage.js';
import { postgresDialect } from './postgres/postgres-dialect.js';
import { fenceSequence, quoteIdent, writeStatements, type WriteStatements } from './postgres/postgres-write-sql.js';
import { StorageBusy } from './storage-busy.js';
import { storageKeyOf } from './storage-key.js';
import type { StoredItem, WriteTransaction } from './storage.js';

/** Optimistic tries before the locked one; a retry happens only when another write won the record (or a sync's fence) in between. */
const OPTIMISTIC_ATTEMPTS = 3;

/** Default longest wait for a pooled connection, ms. */
export const DEFAULT_POOL_WAIT_MS = 2000;

/** Default pool size per server process. */
export const DEFAULT_POOL_SIZE = 10;

type Row = Record<string, unknown>;

/** Raised inside a locked attempt to roll it back and run the mutation again. */
class WriteLost extends Error {}

/** Named statements of one model, keyed by its SQL text so a schema change gets new ones. */
interface PreparedStatements {
  readonly sql: WriteStatements;
  readonly names: { readonly read: string; readonly insert: string; readonly update: string };
}

function statementName(text: string): string {
  return `outpost_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`;
}

/** One optimistic attempt: reads go to the database at once, writes wait for `commit`. */
class OptimisticAttempt implements WriteTransaction {
  /** Record → the `_version` read (null: no such row). */
  readonly reads = new Map<string, { readonly model: string; readonly id: string; readonly version: number | null }>();
  readonly puts: Array<{ readonly model: string; readonly item: StoredItem; readonly ttlSeconds: number | null }> = [];
  readonly changes: Array<{ readonly model: string; readonly item: StoredItem; readonly mutationId: string | null }> = [];
  /** The clock read with the first record (or by `now`), epoch ms. */
  clockMs: number | undefined;

  constructor(private readonly storage: PostgresStorage) {}

  async now(): Promise<number> {
    this.clockMs ??= await this.storage.clockNow();
    return this.clockMs;
  }

  async getForUpdate(model: string, id: string): Promise<StoredItem | undefined> {
    const { item, clockMs } = await this.storage.readWithClock(model, id);
    this.clockMs ??= clockMs;
    this.reads.set(`${model}\u0000${id}`, { model, id, version: item?._version ?? null });
    return item;
  }

  async put(model: string, item: StoredItem, ttlSeconds: number | null): Promise<void> {
    this.puts.push({ model, item, ttlSeconds });
  }

  async appendChange(model: string, item: StoredItem, mutationId?: string | null): Promise<void> {
    this.changes.push({ model, item, mutationId: mutationId ?? null });
  }

  versionImage(model: string, id: string, version: number): Promise<StoredItem | undefined> {
    return this.storage.versionImageNow(model, id, version);
  }

  mutationApplied(model: string, id: string, mutationId: string): Promise<boolean> {
    return this.storage.mutationAppliedNow(model, id, mutationId);
  }
}

/** Storage in the PostgreSQL database at `url` (`postgres://…`). */
export class PostgresStorage extends KyselyStorage {
  private prepared = new WeakMap<ModelDef, PreparedStatements>();

  private constructor(
    db: AnyDb,
    private readonly pool: pg.Pool,
    private readonly poolWaitMs: number,
  ) {
    super(db, postgresDialect);
  }

  /**
   * Connects (pool of up to `maxConnections`, default 10; a request waits at most `poolWaitMs`,
   * default 2000, for a connection, then fails with StorageBusy) and creates the internal tables.
   * An idle connection the database drops (restart, failover, an administrator) goes to `reportError`.
   */
  static async open(
    url: string,
    options: { readonly maxConnections?: number; readonly poolWaitMs?: number; readonly reportError?: (error: unknown) => void } = {},
  ): Promise<PostgresStorage> {
    const poolWaitMs = options.poolWaitMs ?? DEFAULT_POOL_WAIT_MS;
    // BIGINT columns hold epoch milliseconds, which fit a JS number exactly.
    const pool = new pg.Pool({ connectionString: url, max: options.maxConnections ?? DEFAULT_POOL_SIZE, connectionTimeoutMillis: poolWaitMs });
    // pg emits an idle client's error on the pool, and an unhandled 'error' event ends the process:
    // the pool has already discarded that client, so the server only needs to say so.
    const report = options.reportError ?? ((error: unknown) => console.error('outpost storage: idle PostgreSQL connection lost:', error));
    pool.on('error', (error) => report(error));
    const storage = new PostgresStorage(new Kysely({ dialect: new PostgresDialect({ pool: busyAware(pool, poolWaitMs) }) }), pool, poolWaitMs);
    await storage.ensureInternalTables();
    return storage;
  }

  private statementsOf(model: ModelDef): PreparedStatements {
    let prepared = this.prepared.get(model);
    if (prepared === undefined) {
      const sql = writeStatements(model);
      prepared = { sql, names: { read: statementName(sql.read), insert: statementName(sql.insert), update: statementName(sql.update) } };
      this.prepared.set(model, prepared);
    }
    return prepared;
  }

  /** Runs a named (prepared once per connection) statement on the pool. */
  private async run(name: string, text: string, values: unknown[]): Promise<Row[]> {
    try {
      return (await this.pool.query<Row>({ name, text, values })).rows;
    } catch (error) {
      throw asBusy(error, this.poolWaitMs);
    }
  }

  /** The record (tombstones included, no lock) and the database clock, in one statement. */
  async readWithClock(model: string, id: string): Promise<{ item: StoredItem | undefined; clockMs: number }> {
    const def = this.model(model);
    const { sql, names } = this.statementsOf(def);
    const row = (await this.run(names.read, sql.read, [id]))[0] ?? {};
    const clockMs = Number(row.__now);
    return { item: row._version === null || row._version === undefined ? undefined : this.decodeRow(def, row), clockMs };
  }

  /** The database clock, epoch ms. */
  async clockNow(): Promise<number> {
    return this.engine.clock(this.db);
  }

  versionImageNow(model: string, id: string, version: number): Promise<StoredItem | undefined> {
    return this.versionImageIn(this.db, model, id, version);
  }

  mutationAppliedNow(model: string, id: string, mutationId: string): Promise<boolean> {
    return this.mutationAppliedIn(this.db, model, id, mutationId);
  }

  override async writeTransaction<T>(model: string, work: (tx: WriteTransaction) => Promise<T>): Promise<T> {
    this.model(model);
    for (let attempt = 1; attempt <= OPTIMISTIC_ATTEMPTS; attempt++) {
      const tx = new OptimisticAttempt(this);
      const result = await work(tx);
      if (await this.commit(tx)) return result;
    }
    // Still losing: run under the row lock (and the model's shared writer lock), as one transaction.
    try {
      return await super.writeTransaction(model, work);
    } catch (error) {
      throw asBusy(error, this.poolWaitMs);
    }
  }

  /** Writes what `tx` buffered if nothing it read changed; false when the mutation must run again. */
  private async commit(tx: OptimisticAttempt): Promise<boolean> {
    if (tx.puts.length === 0 && tx.changes.length === 0) return true;
    const single = this.singleWrite(tx);
    if (single !== undefined) return this.commitSingle(single.def, single.read, single.put, single.change);
    try {
      await this.db.transaction().execute((trx) => this.commitBuffered(trx, tx));
      return true;
    } catch (error) {
      if (error instanceof WriteLost) return false;
      throw asBusy(error, this.poolWaitMs);
    }
  }

  /** The mutation shape (one record read, written and logged) that fits one statement, else undefined. */
  private singleWrite(tx: OptimisticAttempt):
    | {
        def: ModelDef;
        read: { readonly version: number | null; readonly id: string };
        put: OptimisticAttempt['puts'][number];
        change: OptimisticAttempt['changes'][number];
      }
    | undefined {
    const [put] = tx.puts;
    const [change] = tx.changes;
    const [read] = tx.reads.values();
    if (put === undefined || change === undefined || read === undefined || tx.puts.length !== 1 || tx.changes.length !== 1 || tx.reads.size !== 1)
      return undefined;
    if (put.model !== read.model || change.model !== read.model || tx.clockMs === undefined) return undefined;
    const def = this.model(put.model);
    if (storageKeyOf(def, put.item) !== read.id || storageKeyOf(def, change.item) !== read.id || change.item._version !== put.item._version) return undefined;
    return { def, read, put, change };
  }

  private async commitSingle(
    def: ModelDef,
    read: { readonly version: number | null; readonly id: string },
    put: OptimisticAttempt['puts'][number],
    change: OptimisticAttempt['changes'][number],
  ): Promise<boolean> {
    const { sql, names } = this.statementsOf(def);
    const row = this.encodeItem(def, put.item, put.ttlSeconds);
    const values = sql.columns.map((c) => row[c] ?? null);
    const logged = [read.id, change.item._version, change.item._lastChangedAt, JSON.stringify(change.item), change.mutationId];
    const changedAt = put.item._lastChangedAt;
    const rows =
      read.version === null
        ? await this.run(names.insert, sql.insert, [changedAt, ...values, ...logged])
        : await this.run(names.update, sql.update, [changedAt, read.version, read.id, ...values, ...logged]);
    return Number(rows[0]?.n) === 1;
  }

  /** Any other shape (several records, a change without a read): one transaction, checked under the locks. */
  private async commitBuffered(trx: AnyTx, tx: OptimisticAttempt): Promise<void> {
    const models = [...new Set([...tx.puts.map((p) => p.model), ...tx.changes.map((c) => c.model), ...[...tx.reads.values()].map((r) => r.model)])].sort();
    for (const m of models) await this.engine.lockWriters(trx, m);
    if (tx.clockMs !== undefined) {
      // Change times the caller took from the clock must not be below a watermark already handed out.
      for (const m of models) {
        const times = tx.changes.filter((c) => c.model === m).map((c) => c.item._lastChangedAt);
        if (times.length === 0) continue;
        const { rows } = await sql<{ fence: string }>`select last_value::text as fence from ${sql.raw(quoteIdent(fenceSequence(m)))}`.execute(trx);
        if (Number(rows[0]?.fence ?? 0) > Math.min(...times)) throw new WriteLost();
      }
    }
    for (const put of tx.puts) {
      const def = this.model(put.model);
      const read = tx.reads.get(`${put.model}\u0000${storageKeyOf(def, put.item) ?? ''}`);
      if (read !== undefined) {
        const current = await this.writeOperations(trx).getForUpdate(put.model, read.id);
        if ((current?._version ?? null) !== read.version) throw new WriteLost();
      }
      await this.putRow(trx, put.model, put.item, put.ttlSeconds);
    }
    for (const change of tx.changes) await this.appendChangeRow(trx, change.model, change.item, change.mutationId);
  }

  override async syncStartTime(model: string): Promise<number> {
    try {
      return await super.syncStartTime(model);
    } catch (error) {
      throw asBusy(error, this.poolWaitMs);
    }
  }
}

/** pg-pool's error for a connection not handed out within `connectionTimeoutMillis`. */
function isPoolTimeout(error: unknown): boolean {
  return error instanceof Error && /timeout exceeded when trying to connect/i.test(error.message);
}

function asBusy(error: unknown, poolWaitMs: number): unknown {
  return isPoolTimeout(error) ? new StorageBusy(`no database connection became free within ${poolWaitMs} ms`) : error;
}

/** The pool as Kysely sees it, with a pool-wait timeout turned into StorageBusy. */
function busyAware(pool: pg.Pool, poolWaitMs: number): PostgresPool {
  return {
    async connect() {
      try {
        return await pool.connect();
      } catch (error) {
        throw asBusy(error, poolWaitMs);
      }
    },
    end: () => pool.end(),
  };
}
