// The datastore's own tables, all prefixed `_outpost_` so they can never collide with a model.
//
// - outbox: queued local mutations; `id` AUTOINCREMENT never reuses a value, so it is FIFO order
//   even across deletes of the newest entry. Indexed by record for coalescing and peeking.
// - sync_metadata: PROTOCOL.md §2.4 ModelMetadata, one row per model.
// - schema_state: the parsed schema last opened (JSON) and its version hash, for migration.
// - conflicts: every conflict the sync worker met, however it was resolved (DESIGN.md §Sync 3).
// - review_items: edits of this device that did not survive as sent (overridden by a merge or
//   refused by the server), kept until the user decides (DESIGN.md "Nothing lost").
// - list_watches: list changes of accepted writes, watched until a later version undoes them
//   (list-watches.ts).
// - attachments: the attachment upload queue and cache state, one row per file a record references;
//   its DDL lives with its queries (main/attachments/attachment-tables.ts), created by migrate.ts.
export const OUTBOX_TABLE = '_outpost_outbox';
export const SYNC_METADATA_TABLE = '_outpost_sync_metadata';
export const SCHEMA_STATE_TABLE = '_outpost_schema_state';
export const CONFLICTS_TABLE = '_outpost_conflicts';
export const REVIEW_TABLE = '_outpost_review_items';
export const LIST_WATCHES_TABLE = '_outpost_list_watches';

/**
 * Outbox columns added after the first release, with their types: `upgradeInternalTables` adds
 * them to older files. `base`: JSON of the changed fields' values before the edit (the detection's
 * base); `mutationId`: the entry's UUID, sent so a server can answer a resend from its record;
 * `sent`: 1 once the entry has been on the wire (it is never coalesced into after that, so what a
 * mutation id stands for never changes); `pendingOverwrote`: JSON of the review item a conflict
 * retry will make once applied, with the remote `_version` it was based on (outbox-entry.ts
 * `PendingOverwrote`), written before the retry is sent.
 */
export const OUTBOX_ADDED_COLUMNS = [
  { name: 'base', type: 'TEXT' },
  { name: 'mutationId', type: 'TEXT' },
  { name: 'sent', type: 'INTEGER NOT NULL DEFAULT 0' },
  { name: 'pendingOverwrote', type: 'TEXT' },
] as const;

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
  "createdAt" INTEGER NOT NULL,
  "base" TEXT,
  "mutationId" TEXT,
  "sent" INTEGER NOT NULL DEFAULT 0,
  "pendingOverwrote" TEXT
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
CREATE TABLE IF NOT EXISTS "${REVIEW_TABLE}" (
  "id" INTEGER PRIMARY KEY AUTOINCREMENT,
  "kind" TEXT NOT NULL CHECK ("kind" IN ('overridden', 'rejected')),
  "model" TEXT NOT NULL,
  "modelId" TEXT NOT NULL,
  "operation" TEXT NOT NULL CHECK ("operation" IN ('Create', 'Update', 'Delete')),
  "fields" TEXT NOT NULL,
  "mine" TEXT NOT NULL,
  "theirs" TEXT,
  "reason" TEXT NOT NULL,
  "errorType" TEXT,
  "baseVersion" INTEGER,
  "overwrote" INTEGER NOT NULL DEFAULT 0 CHECK ("overwrote" IN (0, 1)),
  "mutationId" TEXT,
  "at" INTEGER NOT NULL,
  "state" TEXT NOT NULL DEFAULT 'open' CHECK ("state" IN ('open', 'keptMine', 'keptTheirs')),
  "decidedAt" INTEGER
);
CREATE INDEX IF NOT EXISTS "${REVIEW_TABLE}__state" ON "${REVIEW_TABLE}" ("state", "id");
CREATE TABLE IF NOT EXISTS "${LIST_WATCHES_TABLE}" (
  "model" TEXT NOT NULL,
  "modelId" TEXT NOT NULL,
  "field" TEXT NOT NULL,
  "added" TEXT NOT NULL,
  "removed" TEXT NOT NULL,
  "version" INTEGER,
  "at" INTEGER NOT NULL,
  PRIMARY KEY ("model", "modelId", "field")
);
`;
