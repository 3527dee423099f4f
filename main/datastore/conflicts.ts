// The conflict log (`_outpost_conflicts`): every conflict the sync worker met, however it was
// resolved, so the renderer can list them and a user can see what happened to their edit.
import type { ModelRecord } from '../../common/schema/types.js';
import { ValidationError } from '../../common/errors.js';
import type { StoreCore } from './store-core.js';
import { CONFLICTS_TABLE } from './internal-tables.js';

export interface ConflictRecord {
  readonly id: number;
  readonly model: string;
  readonly modelId: string;
  /** The local mutation's operation (`Create`/`Update`/`Delete`), when known. */
  readonly operation: string | null;
  /** What the device sent (or held). */
  readonly local: ModelRecord | null;
  /** The server's record at the time. */
  readonly remote: ModelRecord | null;
  /** How it ended, e.g. `retried`, `discarded`, `rejected` — free text chosen by the sync worker. */
  readonly resolution: string;
  /** Epoch milliseconds. */
  readonly at: number;
}

export type NewConflict = Omit<ConflictRecord, 'id' | 'at' | 'operation'> & { readonly operation?: string | null; readonly at?: number };

export class ConflictLog {
  constructor(private readonly core: StoreCore) {}

  /** Records a conflict; returns it with its id. `at` defaults to now. */
  async insertConflict(conflict: NewConflict): Promise<ConflictRecord> {
    this.core.table(conflict.model);
    if (typeof conflict.resolution !== 'string' || conflict.resolution === '') {
      throw new ValidationError('conflict.resolution must be a non-empty string', 'resolution');
    }
    const at = conflict.at ?? Date.now();
    const k = this.core.conn.kysely;
    const { lastId } = this.core.conn.run(
      k
        .insertInto(CONFLICTS_TABLE)
        .values({
          model: conflict.model,
          modelId: conflict.modelId,
          operation: conflict.operation ?? null,
          local: conflict.local === null ? null : JSON.stringify(conflict.local),
          remote: conflict.remote === null ? null : JSON.stringify(conflict.remote),
          resolution: conflict.resolution,
          at,
        })
        .compile(),
    );
    return {
      id: lastId,
      model: conflict.model,
      modelId: conflict.modelId,
      operation: conflict.operation ?? null,
      local: conflict.local,
      remote: conflict.remote,
      resolution: conflict.resolution,
      at,
    };
  }

  /** Conflicts, newest first; optionally of one model; at most `limit` (default 100). */
  async listConflicts(options: { readonly model?: string; readonly limit?: number } = {}): Promise<ConflictRecord[]> {
    this.core.assertOpen();
    const k = this.core.conn.kysely;
    let query = k
      .selectFrom(CONFLICTS_TABLE)
      .selectAll()
      .orderBy('id', 'desc')
      .limit(options.limit ?? 100);
    if (options.model !== undefined) query = query.where('model', '=', options.model);
    return this.core.conn.all(query.compile()).map((row) => ({
      id: Number(row.id),
      model: String(row.model),
      modelId: String(row.modelId),
      operation: row.operation === null ? null : String(row.operation),
      local: row.local === null ? null : (JSON.parse(String(row.local)) as ModelRecord),
      remote: row.remote === null ? null : (JSON.parse(String(row.remote)) as ModelRecord),
      resolution: String(row.resolution),
      at: Number(row.at),
    }));
  }
}
