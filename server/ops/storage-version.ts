// Which Outpost last migrated a database, and the storage migrations between versions. The meta
// table records `{ outpostVersion, storageVersion, migratedAt }`; a newer server applies its own
// steps in one transaction on start and says what it did; an older server refuses a newer database
// (its tables may mean something it does not know) before it touches anything.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Storage } from '../storage/storage.js';
import type { AnyDb } from '../storage/storage-dialect.js';
import { META_TABLE } from '../storage/storage-ddl.js';
import { OutpostError } from '../../common/errors.js';
import type { Logger } from '../observability/server-log.js';
import type { Schema } from '../../common/schema/types.js';
import { deploySchema } from '../storage/deploy-schema.js';

/** The storage schema this code reads and writes. Databases made before versioning count as 1. */
export const STORAGE_VERSION = 2;

/** This Outpost's version (package.json). */
export const OUTPOST_VERSION: string = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** Meta keys this module owns. */
export const STORAGE_VERSION_KEY = 'outpost-storage';
/** A random id of this database's incarnation: a restore gives the database a new one. */
export const DATABASE_EPOCH_KEY = 'database-epoch';
/** Set by a restore: `{ restoredAt, backupTakenAt }` (epoch ms); lastSync values before `restoredAt` get a base sync. */
export const RESTORED_KEY = 'restored-from-backup';
/** The deployed-schema key (deploy-schema.ts): present in every database a server has started on. */
const DEPLOYED_SCHEMA_KEY = 'deployed-schema';

/** What the meta table records about the software that last migrated the database. */
export interface RecordedVersion {
  readonly outpostVersion: string;
  readonly storageVersion: number;
  /** Epoch ms. */
  readonly migratedAt: number;
}

/** One step from `to - 1` to `to`; runs inside the upgrade's transaction. */
interface StorageMigration {
  readonly to: number;
  readonly description: string;
  apply(db: AnyDb): Promise<void>;
}

const MIGRATIONS: readonly StorageMigration[] = [
  {
    to: 2,
    description: 'record the storage version and a database epoch (the id a restore replaces, so clients synced before it full-sync)',
    async apply(db) {
      await db
        .insertInto(META_TABLE)
        .values({ key: DATABASE_EPOCH_KEY, value: randomUUID() })
        .onConflict((oc) => oc.column('key').doNothing())
        .execute();
    },
  },
];

/** What starting on a database at `recorded` does: nothing, these steps, or a refusal. */
export type UpgradeDecision =
  | { readonly kind: 'current' }
  | { readonly kind: 'upgrade'; readonly from: number; readonly steps: readonly StorageMigration[] }
  | { readonly kind: 'refuse'; readonly message: string };

/** The decision for a database whose recorded version is `recorded` (null: a fresh database), by code at `current`. */
export function decideUpgrade(recorded: { storageVersion: number; outpostVersion: string } | null, current = STORAGE_VERSION): UpgradeDecision {
  const from = recorded?.storageVersion ?? 1;
  if (from > current) {
    return {
      kind: 'refuse',
      message:
        `This database was last migrated by Outpost ${recorded?.outpostVersion ?? '?'} (storage version ${from}); ` +
        `this is Outpost ${OUTPOST_VERSION} (storage version ${current}), which does not know that storage. ` +
        `Start Outpost ${recorded?.outpostVersion ?? 'of that version'} or newer, or restore a backup made by this version.`,
    };
  }
  if (from === current) return { kind: 'current' };
  return { kind: 'upgrade', from, steps: MIGRATIONS.filter((m) => m.to > from && m.to <= current) };
}

/** What `upgradeStorage` did, for the start log line. */
export interface UpgradeResult {
  /** Null on a fresh database. */
  readonly from: number | null;
  readonly to: number;
  readonly previousOutpost: string | null;
  readonly applied: readonly string[];
}

function parseRecorded(text: string | undefined): RecordedVersion | null {
  if (text === undefined) return null;
  const value = JSON.parse(text) as Partial<RecordedVersion>;
  if (typeof value.storageVersion !== 'number' || typeof value.outpostVersion !== 'string') {
    throw new OutpostError('StorageVersionUnreadable', `The database's ${STORAGE_VERSION_KEY} entry is not readable: ${text}`);
  }
  return { outpostVersion: value.outpostVersion, storageVersion: value.storageVersion, migratedAt: value.migratedAt ?? 0 };
}

async function readMeta(db: AnyDb, key: string): Promise<string | undefined> {
  const row = (await db.selectFrom(META_TABLE).select('value').where('key', '=', key).executeTakeFirst()) as { value: string } | undefined;
  return row?.value;
}

/** The recorded version of the database behind `storage` (null when none is recorded yet). */
export async function recordedVersion(storage: Storage): Promise<RecordedVersion | null> {
  return parseRecorded(await storage.getMeta(STORAGE_VERSION_KEY));
}

/** A summary of an upgrade, e.g. "storage 1 → 2 (…)"; for logs and the CLI. */
export function describeUpgrade(result: UpgradeResult): string {
  if (result.from === null) return `new database: storage version ${result.to} (Outpost ${OUTPOST_VERSION})`;
  if (result.applied.length === 0) return `storage version ${result.to} (last migrated by Outpost ${result.previousOutpost ?? '?'}): nothing to do`;
  return `upgraded storage ${result.from} → ${result.to} (last migrated by Outpost ${result.previousOutpost ?? 'before versioning'}, now ${OUTPOST_VERSION}): ${result.applied.join('; ')}`;
}

/**
 * Brings the database to STORAGE_VERSION in one transaction (under the DDL lock, so server processes
 * starting together migrate once), or throws OutpostError StorageTooNew naming both versions.
 */
export async function upgradeStorage(storage: Storage, now = Date.now()): Promise<UpgradeResult> {
  const { db, dialect } = storage.ownTables<unknown>();
  // Creates the meta table on a fresh database (outside the transaction: DDL on SQLite is fine either way).
  await storage.getMeta(STORAGE_VERSION_KEY);
  return dialect.withDdlLock(db as AnyDb, 'outpost-storage-version', async (locked) => {
    const work = async (tx: AnyDb): Promise<UpgradeResult> => {
      const recorded = parseRecorded(await readMeta(tx, STORAGE_VERSION_KEY));
      const fresh = recorded === null && (await readMeta(tx, DEPLOYED_SCHEMA_KEY)) === undefined;
      const decision = decideUpgrade(recorded);
      if (decision.kind === 'refuse') throw new OutpostError('StorageTooNew', decision.message);
      if (decision.kind === 'current') {
        return { from: recorded?.storageVersion ?? null, to: STORAGE_VERSION, previousOutpost: recorded?.outpostVersion ?? null, applied: [] };
      }
      for (const step of decision.steps) await step.apply(tx);
      const value = JSON.stringify({ outpostVersion: OUTPOST_VERSION, storageVersion: STORAGE_VERSION, migratedAt: now } satisfies RecordedVersion);
      await tx
        .insertInto(META_TABLE)
        .values({ key: STORAGE_VERSION_KEY, value })
        .onConflict((oc) => oc.column('key').doUpdateSet({ value }))
        .execute();
      return {
        from: fresh ? null : decision.from,
        to: STORAGE_VERSION,
        previousOutpost: recorded?.outpostVersion ?? null,
        applied: decision.steps.map((s) => `${s.to}: ${s.description}`),
      };
    };
    return locked.isTransaction ? work(locked) : locked.transaction().execute(work);
  });
}

/** `upgradeStorage`, then one log line saying what it did (event `storage-upgrade`). */
export async function upgradeOnStart(storage: Storage, logger: Logger): Promise<UpgradeResult> {
  const result = await upgradeStorage(storage);
  logger.info({ event: 'storage-upgrade', ...result }, describeUpgrade(result));
  return result;
}

/**
 * Readies a database for this server on start: the storage upgrade (logged; an older server
 * refuses a newer database here, before anything changes), then the app schema's migration.
 */
export async function prepareDatabase(storage: Storage, schema: Schema, allowDestructive: boolean, logger: Logger): Promise<UpgradeResult> {
  const result = await upgradeOnStart(storage, logger);
  await deploySchema(storage, schema, allowDestructive);
  return result;
}
