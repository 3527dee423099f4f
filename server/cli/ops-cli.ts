// `outpost-server backup` and `outpost-server restore` (server/OPERATING.md "Backup and restore"),
// registered on the core CLI's program. The database and blob directory come from the same flags
// and config file as `start`, so a backup names what the server serves.
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { RunningServer } from '../index.js';
import { backupSqlite } from '../ops/backup.js';
import { DEFAULT_SHUTDOWN_GRACE_MS } from '../ops/shutdown.js';
import { restoreSqlite } from '../ops/restore.js';
import { resolveCommon, type CommonFlags } from './cli-options.js';

/** Where the commands write. */
export interface OpsCliIo {
  out(text: string): void;
}

interface OpsFlags extends CommonFlags {
  readonly attachmentsDir?: string;
}

/** The blob directory: the flag, else the config file's (relative to it), else the default beside the database. */
function attachmentsDirOf(flags: OpsFlags): { database: string; attachmentsDir?: string } {
  const common = resolveCommon(flags);
  const fromConfig = common.config.attachments?.directory;
  const dir = flags.attachmentsDir ?? (fromConfig !== undefined ? resolve(common.configDir, fromConfig) : undefined);
  return { database: common.database, ...(dir !== undefined ? { attachmentsDir: dir } : {}) };
}

function withLocation(cmd: Command): Command {
  return cmd
    .option('--database <url>', 'sqlite:PATH of the server (default sqlite:.outpost/server.db)')
    .option('--config <file>', "the server's JSON config file (its database and attachments.directory)")
    .option('--attachments-dir <dir>', 'blob directory (default <SQLite file directory>/attachments)');
}

/** Adds `backup` and `restore` to `program`. */
export function registerOpsCommands(program: Command, io: OpsCliIo): void {
  withLocation(program.command('backup').description('copy a live SQLite server (database and attachment blobs) into one file, while it runs'))
    .requiredOption('--out <file>', 'the backup file to write (must not exist); a tar archive')
    .action(async (flags: OpsFlags & { out: string }) => {
      const result = await backupSqlite({ ...attachmentsDirOf(flags), out: flags.out });
      io.out(
        `Backup written: ${result.file}\n  ${result.bytes} bytes, ${result.pages} database pages, ${result.manifest.blobs} blobs\n` +
          `  taken at ${new Date(result.manifest.takenAt).toISOString()} by Outpost ${result.manifest.outpostVersion} (storage version ${result.manifest.storageVersion})`,
      );
    });
  withLocation(program.command('restore').description("replace a stopped SQLite server's database and blobs with a backup"))
    .requiredOption('--from <file>', 'the backup file (from `backup`)')
    .option('--force', 'replace a database that holds data')
    .action(async (flags: OpsFlags & { from: string; force?: boolean }) => {
      const result = await restoreSqlite({ ...attachmentsDirOf(flags), from: flags.from, force: flags.force === true });
      io.out(
        `Restored ${result.database} from ${flags.from} (taken ${new Date(result.manifest.takenAt).toISOString()}), ${result.blobs} blobs into ${result.blobDirectory ?? '(none)'}\n` +
          `  new database epoch ${result.epoch}: clients that synced before now get a full sync on their next sync`,
      );
    });
}

/** Drains and exits on SIGTERM/SIGINT: within `graceMs` (default 10 000) plus 5 s to close, or exits 1 regardless. */
export function stopOnSignals(server: Pick<RunningServer, 'drain'>, graceMs: number | undefined, io: OpsCliIo): void {
  const stop = (signal: string): void => {
    io.out(`${signal}: stopping (requests in flight get up to ${graceMs ?? DEFAULT_SHUTDOWN_GRACE_MS} ms)…`);
    // The bound on the whole stop: a close that hangs must not keep the process from exiting.
    setTimeout(() => process.exit(1), (graceMs ?? DEFAULT_SHUTDOWN_GRACE_MS) + 5000).unref();
    void server.drain(graceMs).then(
      (result) => {
        io.out(result.drained ? `stopped after ${result.waitedMs} ms` : `stopped; ${result.inFlightLeft} request(s) cut after ${result.waitedMs} ms`);
        process.exit(0);
      },
      () => process.exit(1),
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}
