// The per-row marks a list shows: whether a record has changes the server has not accepted yet
// (outbox entries) and whether it has review items waiting for the user. Read for one page only,
// by the records' ids, so the cost follows the page size, not the outbox or the inbox.
import type { ModelRecord } from '../../common/schema/types.js';
import type { ModelTable } from './model-table.js';
import type { StoreCore } from './store-core.js';
import { REVIEW_TABLE } from './internal-tables.js';

/** One record's marks. */
export interface RowMark {
  readonly unsynced: boolean;
  readonly review: boolean;
}

/** The marks of `records` (rows of `table`), in their order. */
export function rowMarks(core: StoreCore, table: ModelTable, records: readonly ModelRecord[]): RowMark[] {
  if (records.length === 0) return [];
  const ids = records.map((record) => table.modelId(record));
  const pending = core.pendingAmong(table.name, ids);
  const k = core.conn.kysely;
  const reviewed = new Set(
    core.conn
      .all(
        k
          .selectFrom(REVIEW_TABLE)
          .select('modelId')
          .distinct()
          .where('state', '=', 'open')
          .where('model', '=', table.name)
          .where('modelId', 'in', [...new Set(ids)])
          .compile(),
      )
      .map((row) => String(row.modelId)),
  );
  return ids.map((id) => ({ unsynced: pending.has(id), review: reviewed.has(id) }));
}
