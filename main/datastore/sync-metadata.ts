// Per-model sync metadata (PROTOCOL.md §2.4 ModelMetadata), persisted in `_outpost_sync_metadata`.
// The sync worker reads it to choose full vs delta sync and writes it after each model's last page.
import type { StoreCore } from './store-core.js';
import { SYNC_METADATA_TABLE } from './internal-tables.js';

export interface ModelSyncMetadata {
  readonly model: string;
  /** `startedAt` (epoch ms) of the last completed sync of the model, or null if never synced. */
  readonly lastSync: number | null;
  /** `startedAt` (epoch ms) of the last completed full sync, or null. */
  readonly lastFullSync: number | null;
  /** Milliseconds between full syncs (Amplify default 24 h = 86 400 000), or null if unset. */
  readonly fullSyncInterval: number | null;
  /** JSON of the selective-sync predicate used last time, or null. */
  readonly lastSyncPredicate: string | null;
}

export type SyncMetadataUpdate = Partial<Omit<ModelSyncMetadata, 'model'>>;

export class SyncMetadataStore {
  constructor(private readonly core: StoreCore) {}

  /** The model's metadata, or null when it has none yet (never synced, or cleared/reset). */
  async getSyncMetadata(model: string): Promise<ModelSyncMetadata | null> {
    return this.read(model);
  }

  /** Metadata of every model that has some. */
  async listSyncMetadata(): Promise<ModelSyncMetadata[]> {
    this.core.assertOpen();
    const k = this.core.conn.kysely;
    return this.core.conn.all(k.selectFrom(SYNC_METADATA_TABLE).selectAll().orderBy('model').compile()).map(decode);
  }

  /** Creates or updates the model's metadata with the given fields (others unchanged); returns the result. */
  async setSyncMetadata(model: string, update: SyncMetadataUpdate): Promise<ModelSyncMetadata> {
    this.core.table(model);
    const k = this.core.conn.kysely;
    const before = this.read(model);
    const next: ModelSyncMetadata = {
      model,
      lastSync: pick(update, 'lastSync', before?.lastSync ?? null),
      lastFullSync: pick(update, 'lastFullSync', before?.lastFullSync ?? null),
      fullSyncInterval: pick(update, 'fullSyncInterval', before?.fullSyncInterval ?? null),
      lastSyncPredicate: pick(update, 'lastSyncPredicate', before?.lastSyncPredicate ?? null),
    };
    this.core.conn.run(
      k
        .replaceInto(SYNC_METADATA_TABLE)
        .values({ ...next })
        .compile(),
    );
    this.core.syncStateChanges.emit(model);
    return next;
  }

  /** Deletes the model's metadata: its next sync is a full sync. */
  async resetSyncMetadata(model: string): Promise<void> {
    this.core.table(model);
    const k = this.core.conn.kysely;
    this.core.conn.run(k.deleteFrom(SYNC_METADATA_TABLE).where('model', '=', model).compile());
    this.core.syncStateChanges.emit(model);
  }

  /** True once the model has completed at least one sync (observeQuery's `isSynced`). */
  isSynced(model: string): boolean {
    return this.read(model)?.lastSync != null;
  }

  private read(model: string): ModelSyncMetadata | null {
    this.core.assertOpen();
    const k = this.core.conn.kysely;
    const row = this.core.conn.first(k.selectFrom(SYNC_METADATA_TABLE).selectAll().where('model', '=', model).compile());
    return row === undefined ? null : decode(row);
  }
}

function pick<K extends keyof SyncMetadataUpdate>(update: SyncMetadataUpdate, key: K, fallback: ModelSyncMetadata[K]): ModelSyncMetadata[K] {
  return key in update && update[key] !== undefined ? (update[key] as ModelSyncMetadata[K]) : fallback;
}

function decode(row: Record<string, unknown>): ModelSyncMetadata {
  const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
  return {
    model: String(row.model),
    lastSync: num(row.lastSync),
    lastFullSync: num(row.lastFullSync),
    fullSyncInterval: num(row.fullSyncInterval),
    lastSyncPredicate: row.lastSyncPredicate === null || row.lastSyncPredicate === undefined ? null : String(row.lastSyncPredicate),
  };
}
