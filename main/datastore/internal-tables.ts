// The datastore's own tables, all prefixed `_outpost_` so they can never collide with a model.
//
// - outbox: queued local mutations; `id` AUTOINCREMENT never reuses a value, so it is FIFO order
//   even across deletes of the newest entry. Indexed by record for coalescing and peeking.
// - sync_metadata: PROTOCOL.md §2.4 ModelMetadata, one row per model.
// - schema_state: the parsed schema last opened (JSON) and its version hash, for migration.
// - conflicts: every conflict the sync worker met, however it was resolved (DESIGN.md §Sync 3).
export const OUTBOX_TABLE = '_outpost_outbox';
export const SYNC_METADATA_TABLE = '_outpost_sync_metadata';
export const SCHEMA_STATE_TABLE = '_outpost_schema_state';
export const CONFLICTS_TABLE = '_outpost_conflicts';

/** DDL creating the internal tables (idempotent). */
export const INTERNAL_TABLES_DDL = `
CREATE TABLE IF NOT EXISTS "${OUTBOX_TABLE}" (
  "id" INTEGER PRIMARY KEY AUTOINCREMENT,
  "model" TEXT NOT NULL,
  "modelId" TEXT NOT NULL,
  "operation" TEXT NOT NULL CHECK ("operation" IN ('Create', 'Update', 'Delete')),
  "data" TEXT NOT NULL,
  "condition" TEXT,
  "inFlight" INTEGER NOT NULL DEFAULT 0 CHECK ("inFlight" IN (0, 1)),
  "createdAt" INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS "${OUTBOX_TABLE}__record" ON "${OUTBOX_TABLE}" ("model", "modelId", "id");
CREATE TABLE IF NOT EXISTS "${SYNC_METADATA_TABLE}" (
  "model" TEXT PRIMARY KEY,
  "lastSync" INTEGER,
  "lastFullSync" INTEGER,
  "fullSyncInterval" INTEGER,
  "lastSyncPredicate" TEXT
);
CREATE TABLE IF NOT EXISTS "${SCHEMA_STATE_TABLE}" (
  "id" INTEGER PRIMARY KEY CHECK ("id" = 1),
  "version" TEXT NOT NULL,
  "schema" TEXT NOT NULL,
  "openedAt" INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS "${CONFLICTS_TABLE}" (
  "id" INTEGER PRIMARY KEY AUTOINCREMENT,
  "model" TEXT NOT NULL,
  "modelId" TEXT NOT NULL,
  "operation" TEXT,
  "local" TEXT,
  "remote" TEXT,
  "resolution" TEXT NOT NULL,
  "at" INTEGER NOT NULL
);
`;
