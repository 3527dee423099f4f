// The review inbox (`_outpost_review_items`, DESIGN.md "Nothing lost"): every edit of this device
// that did not survive as sent — overridden by a server merge (or, the other way round, this
// device's conflict retry overwrote another device's values) or refused by the server for good —
// kept in the profile's database until the user decides. Items are written in the same SQLite
// transaction as the completion or failure of the outbox entry they come from (outbox.ts), so a
// crash can never leave the entry gone and the item missing. Decided items stay, as history.
import { ValidationError } from '../../common/errors.js';
import type { ModelRecord } from '../../common/schema/types.js';
import type { SqlRow } from './sqlite-connection.js';
import type { StoreCore } from './store-core.js';
import { REVIEW_TABLE } from './internal-tables.js';
import type { OutboxOperation } from './outbox-entry.js';

export type ReviewKind = 'overridden' | 'rejected';
export type ReviewState = 'open' | 'keptMine' | 'keptTheirs';

/** One stored review item. */
export interface ReviewRecord {
  readonly id: number;
  /** `overridden`: accepted, but the server kept other values for `fields`; `rejected`: refused for good. */
  readonly kind: ReviewKind;
  readonly model: string;
  /** The outbox `modelId` (key values joined by `-`). */
  readonly modelId: string;
  readonly operation: OutboxOperation;
  /** The fields at stake (overridden: those that did not survive; rejected: those the device changed). */
  readonly fields: readonly string[];
  /**
   * This device's values: for `overridden`, of `fields` (a list or embedded object as it should be
   * with this device's changes applied to the server's value); for `rejected`, the whole version.
   */
  readonly mine: ModelRecord;
  /** The server's record when the item was made; null when the server has none. */
  readonly theirs: ModelRecord | null;
  /** Why, in plain words. */
  readonly reason: string;
  /** The server's error type of a rejection, else null. */
  readonly errorType: string | null;
  /** The `_version` the device's edit was based on, when known. */
  readonly baseVersion: number | null;
  /**
   * True when this device's write replaced `theirs` (the conflict handler's retry, a stale delete):
   * then the values at risk are the other device's, and "keep theirs" is what restores them.
   */
  readonly overwrote: boolean;
  /** The mutation id of the outbox entry it came from, when it had one. */
  readonly mutationId: string | null;
  /** Epoch milliseconds. */
  readonly at: number;
  readonly state: ReviewState;
  /** Epoch milliseconds of the decision; null while open. */
  readonly decidedAt: number | null;
}

/** What the sync worker hands over to be stored. */
export type NewReviewItem = Omit<ReviewRecord, 'id' | 'at' | 'state' | 'decidedAt' | 'overwrote' | 'mutationId' | 'errorType' | 'baseVersion'> & {
  readonly at?: number;
  readonly overwrote?: boolean;
  readonly mutationId?: string | null;
  readonly errorType?: string | null;
  readonly baseVersion?: number | null;
};

const KINDS: readonly ReviewKind[] = ['overridden', 'rejected'];
const OPERATIONS: readonly OutboxOperation[] = ['Create', 'Update', 'Delete'];

function decodeReview(row: SqlRow): ReviewRecord {
  return {
    id: Number(row.id),
    kind: row.kind as ReviewKind,
    model: String(row.model),
    modelId: String(row.modelId),
    operation: row.operation as OutboxOperation,
    fields: JSON.parse(String(row.fields)) as string[],
    mine: JSON.parse(String(row.mine)) as ModelRecord,
    theirs: row.theirs === null ? null : (JSON.parse(String(row.theirs)) as ModelRecord),
    reason: String(row.reason),
    errorType: row.errorType === null ? null : String(row.errorType),
    baseVersion: row.baseVersion === null ? null : Number(row.baseVersion),
    overwrote: Number(row.overwrote) === 1,
    mutationId: row.mutationId === null ? null : String(row.mutationId),
    at: Number(row.at),
    state: row.state as ReviewState,
    decidedAt: row.decidedAt === null ? null : Number(row.decidedAt),
  };
}

export class ReviewInbox {
  constructor(private readonly core: StoreCore) {}

  /** Calls `listener` after every commit that made or decided an item; returns the unsubscribe function. */
  onChange(listener: (item: ReviewRecord) => void): () => void {
    this.core.assertOpen();
    return this.core.reviewChanges.add(listener);
  }

  /** Stores an item in its own transaction and announces it. */
  async add(item: NewReviewItem): Promise<ReviewRecord> {
    const stored = this.core.conn.transaction(() => this.insertInTransaction(item));
    this.core.reviewChanges.emit(stored);
    return stored;
  }

  /**
   * Stores an item inside the caller's transaction (the outbox's completion or failure); the caller
   * announces it with `announce` after the commit.
   */
  insertInTransaction(item: NewReviewItem): ReviewRecord {
    this.core.table(item.model);
    if (!KINDS.includes(item.kind)) throw new ValidationError(`review item kind must be one of ${KINDS.join(', ')}, got ${String(item.kind)}`, 'kind');
    if (!OPERATIONS.includes(item.operation)) throw new ValidationError(`review item operation must be one of ${OPERATIONS.join(', ')}`, 'operation');
    if (typeof item.reason !== 'string' || item.reason === '') throw new ValidationError('a review item needs a reason', 'reason');
    const at = item.at ?? Date.now();
    const row = {
      kind: item.kind,
      model: item.model,
      modelId: item.modelId,
      operation: item.operation,
      fields: JSON.stringify(item.fields),
      mine: JSON.stringify(item.mine),
      theirs: item.theirs === null ? null : JSON.stringify(item.theirs),
      reason: item.reason,
      errorType: item.errorType ?? null,
      baseVersion: item.baseVersion ?? null,
      overwrote: item.overwrote === true ? 1 : 0,
      mutationId: item.mutationId ?? null,
      at,
      state: 'open',
      decidedAt: null,
    };
    const { lastId } = this.core.conn.run(this.core.conn.kysely.insertInto(REVIEW_TABLE).values(row).compile());
    return decodeReview({ id: lastId, ...row });
  }

  /** Announces items stored by insertInTransaction, once their transaction committed. */
  announce(items: readonly ReviewRecord[]): void {
    for (const item of items) this.core.reviewChanges.emit(item);
  }

  /** Items, open ones first, newest first within each group; at most `limit` (default 500). */
  async list(options: { readonly state?: ReviewState; readonly limit?: number } = {}): Promise<ReviewRecord[]> {
    this.core.assertOpen();
    const limit = options.limit ?? 500;
    if (!Number.isSafeInteger(limit) || limit < 1) throw new ValidationError(`limit must be a positive integer, got ${limit}`, 'limit');
    const k = this.core.conn.kysely;
    let query = k
      .selectFrom(REVIEW_TABLE)
      .selectAll()
      .orderBy((eb) => eb.case().when('state', '=', 'open').then(0).else(1).end())
      .orderBy('id', 'desc')
      .limit(limit);
    if (options.state !== undefined) query = query.where('state', '=', options.state);
    return this.core.conn.all(query.compile()).map(decodeReview);
  }

  /** One item by id, or undefined. */
  async get(id: number): Promise<ReviewRecord | undefined> {
    this.core.assertOpen();
    const row = this.core.conn.first(this.core.conn.kysely.selectFrom(REVIEW_TABLE).selectAll().where('id', '=', id).compile());
    return row === undefined ? undefined : decodeReview(row);
  }

  /** Open items waiting for a decision. */
  async openCount(): Promise<number> {
    this.core.assertOpen();
    const row = this.core.conn.first(
      this.core.conn.kysely
        .selectFrom(REVIEW_TABLE)
        .select((eb) => eb.fn.countAll().as('n'))
        .where('state', '=', 'open')
        .compile(),
    );
    return Number(row?.n ?? 0);
  }

  /**
   * Records the user's decision on an open item and announces it. (The edit "keep mine" makes is
   * saved before, through the datastore: a crash between the two leaves the item open with the edit
   * made, and deciding it again changes nothing.)
   */
  async decide(id: number, state: Exclude<ReviewState, 'open'>): Promise<ReviewRecord> {
    this.core.assertOpen();
    if (state !== 'keptMine' && state !== 'keptTheirs') throw new ValidationError(`a decision is keptMine or keptTheirs, got ${String(state)}`, 'state');
    const k = this.core.conn.kysely;
    const decided = this.core.conn.transaction(() => {
      const row = this.core.conn.first(k.selectFrom(REVIEW_TABLE).selectAll().where('id', '=', id).compile());
      if (row === undefined) throw new ValidationError(`no review item with id ${id}`, 'id');
      const item = decodeReview(row);
      if (item.state !== 'open') throw new ValidationError(`review item ${id} was already decided (${item.state})`, 'id');
      const decidedAt = Date.now();
      this.core.conn.run(k.updateTable(REVIEW_TABLE).set({ state, decidedAt }).where('id', '=', id).compile());
      return { ...item, state, decidedAt };
    });
    this.core.reviewChanges.emit(decided);
    return decided;
  }
}
