// The `outpost-server` program: sub-commands start, status, push, print-schema (the auth commands
// user/apikey are registered by server/auth's CLI module). Output goes through `CliIo` so tests
// run the same program in-process.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { OutpostError } from '../../common/errors.js';
import { registerAuthCommands } from '../auth/auth-cli.js';
import { registerOpsCommands, stopOnSignals } from './ops-cli.js';
import { createServerLog, LOG_LEVELS } from '../observability/server-log.js';
import type { LevelWithSilent } from 'pino';
import { openAuthStore } from '../auth/auth-store.js';
import { generateSdl } from '../graphql/generate-sdl.js';
import { startServer } from '../index.js';
import { deploySchema, migrationPlanFor } from '../storage/deploy-schema.js';
import { openStorage } from '../storage/open-storage.js';
import { readSchemaFile, resolveCommon, type CommonFlags } from './cli-options.js';
import { formatTable } from './format-table.js';
import type { AttachmentOptions } from '../config/attachment-settings.js';
import { modelStrategies, strategyLabel, type ServerConfig } from '../config/server-config.js';

const MINUTE = 60_000;

/** Where the program writes; defaults to the process's stdout/stderr. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
}

const processIo: CliIo = {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
};

function portNumber(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('must be an integer from 0 to 65535');
  return n;
}

function positiveBytes(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 64 * 1024 * 1024) throw new InvalidArgumentError('must be an integer number of bytes from 1 to 67108864');
  return n;
}

/** A parser of a whole number ≥ 1 of `unit`, with an example in the refusal. */
function wholeNumber(unit: string, example: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (/^\d+$/.test(value.trim()) && Number.isSafeInteger(n) && n >= 1) return n;
    throw new InvalidArgumentError(`must be a whole number of ${unit} ≥ 1 (e.g. ${example})`);
  };
}

function logLevel(value: string): LevelWithSilent {
  if ((LOG_LEVELS as readonly string[]).includes(value)) return value as LevelWithSilent;
  throw new InvalidArgumentError(`must be one of ${LOG_LEVELS.join(', ')}`);
}

/** A parser of a whole number ≥ 0 of `unit`. */
function wholeOrZero(unit: string, example: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (/^\d+$/.test(value.trim()) && Number.isSafeInteger(n)) return n;
    throw new InvalidArgumentError(`must be a whole number of ${unit} ≥ 0 (e.g. ${example})`);
  };
}

const wholeBytes = wholeNumber('bytes', '104857600 for 100 MiB');
const wholeMinutes = wholeNumber('minutes', '1440 for 24 hours');

function withCommon(cmd: Command): Command {
  return cmd
    .option('--schema <file>', 'schema file (default schema/schema.graphql)')
    .option('--database <url>', 'sqlite:PATH or postgres://… (default sqlite:.outpost/server.db)')
    .option('--config <file>', 'JSON config file (conflict handlers, retention, limits, auth)');
}

interface StartFlags extends CommonFlags {
  readonly port?: number;
  readonly host?: string;
  readonly tlsCert?: string;
  readonly tlsKey?: string;
  readonly forceMigration?: boolean;
  readonly maxItemBytes?: number;
  readonly maxActiveRequests?: number;
  readonly maxQueuedRequests?: number;
  readonly queueWaitMs?: number;
  readonly poolSize?: number;
  readonly poolWaitMs?: number;
  /** False only with `--no-attachments` (commander's default for a negated flag is true). */
  readonly attachments?: boolean;
  readonly attachmentsDir?: string;
  readonly attachmentMaxFileBytes?: number;
  readonly attachmentMaxUserBytes?: number;
  readonly attachmentRetentionMinutes?: number;
  readonly realtimeMaxConnections?: number;
  readonly logLevel?: LevelWithSilent;
  readonly shutdownGraceMs?: number;
}

/** The overload limits given as flags (they override the config file's `limits`). */
function overloadFlags(flags: StartFlags): Record<string, number> {
  const given: Record<string, number | undefined> = {
    maxActiveRequests: flags.maxActiveRequests,
    maxQueuedRequests: flags.maxQueuedRequests,
    queueWaitMs: flags.queueWaitMs,
    poolSize: flags.poolSize,
    poolWaitMs: flags.poolWaitMs,
  };
  return Object.fromEntries(Object.entries(given).filter((e): e is [string, number] => e[1] !== undefined));
}

/** The attachment options: flags over the config file (its directory relative to the config file's). */
function attachmentOptions(flags: StartFlags, config: ServerConfig, configDir: string): AttachmentOptions {
  const file = config.attachments;
  const directory = flags.attachmentsDir ?? (file?.directory !== undefined ? resolve(configDir, file.directory) : undefined);
  const maxFileBytes = flags.attachmentMaxFileBytes ?? file?.maxFileBytes;
  const maxUserBytes = flags.attachmentMaxUserBytes ?? file?.maxUserBytes;
  const retentionMinutes = flags.attachmentRetentionMinutes ?? file?.retentionMinutes;
  return {
    enabled: flags.attachments === false ? false : (file?.enabled ?? true),
    ...(directory !== undefined ? { directory } : {}),
    ...(maxFileBytes !== undefined ? { maxFileBytes } : {}),
    ...(maxUserBytes !== undefined ? { maxUserBytes } : {}),
    ...(retentionMinutes !== undefined ? { retentionMs: retentionMinutes * MINUTE } : {}),
  };
}

async function start(flags: StartFlags, io: CliIo): Promise<void> {
  const common = resolveCommon(flags);
  const { config } = common;
  const schema = readSchemaFile(common.schemaPath);
  const certPath = flags.tlsCert ?? (config.tls ? resolve(common.configDir, config.tls.cert) : undefined);
  const keyPath = flags.tlsKey ?? (config.tls ? resolve(common.configDir, config.tls.key) : undefined);
  if ((certPath === undefined) !== (keyPath === undefined)) {
    throw new OutpostError('UsageError', '--tls-cert and --tls-key go together: give both to serve HTTPS/WSS');
  }
  const server = await startServer({
    schema,
    database: common.database,
    port: flags.port ?? config.port ?? 4000,
    host: flags.host ?? config.host ?? '127.0.0.1',
    configDir: common.configDir,
    forceMigration: flags.forceMigration === true,
    ...(certPath !== undefined && keyPath !== undefined ? { tls: { cert: readFileSync(certPath), key: readFileSync(keyPath) } } : {}),
    ...(config.conflictHandler !== undefined ? { conflictHandler: config.conflictHandler } : {}),
    ...(config.models !== undefined ? { models: config.models } : {}),
    retention: {
      ...(config.retention?.changeLogMinutes !== undefined ? { changeLogMs: config.retention.changeLogMinutes * MINUTE } : {}),
      ...(config.retention?.tombstoneMinutes !== undefined ? { tombstoneMs: config.retention.tombstoneMinutes * MINUTE } : {}),
      ...(config.retention?.purgeIntervalMinutes !== undefined ? { purgeIntervalMs: config.retention.purgeIntervalMinutes * MINUTE } : {}),
    },
    limits: { ...config.limits, ...overloadFlags(flags), ...(flags.maxItemBytes !== undefined ? { maxItemBytes: flags.maxItemBytes } : {}) },
    ...(config.auth !== undefined ? { auth: config.auth } : {}),
    attachments: attachmentOptions(flags, config, common.configDir),
    logger: createServerLog({ level: flags.logLevel ?? config.log?.level ?? 'info' }),
    ...(config.metrics?.token !== undefined ? { metrics: { token: config.metrics.token } } : {}),
    realtime: { ...config.realtime, ...(flags.realtimeMaxConnections !== undefined ? { maxConnections: flags.realtimeMaxConnections } : {}) },
  });
  const base = server.url.replace(/\/graphql$/, '');
  // The auth commands must open the same database as this server.
  const dbFlag = flags.database !== undefined || flags.config !== undefined ? ` --database '${common.database}'` : '';
  const models = Object.keys(schema.models);
  io.out(`Outpost sync server is running
  GraphQL     ${server.url}
  Real-time   ${server.realtimeUrl}
  Sign-in     POST ${base}/auth/token   (refresh: POST ${base}/auth/refresh)
  Health      ${base}/health
  Attachments ${server.attachmentsUrl ?? 'off (disabled, or no attachment fields in the schema)'}
  Database    ${common.database}
  Schema      ${common.schemaPath} (${models.length} models: ${models.join(', ')})

Create a user:      npm run outpost-server -- user add <username>${dbFlag}
Create an API key:  npm run outpost-server -- apikey create${dbFlag}
Stop with Ctrl+C.`);
  stopOnSignals(server, flags.shutdownGraceMs ?? config.shutdown?.graceMs, io);
}

async function status(flags: CommonFlags, io: CliIo): Promise<void> {
  const common = resolveCommon(flags);
  const schema = readSchemaFile(common.schemaPath);
  const storage = await openStorage(common.database);
  try {
    const plan = await migrationPlanFor(storage, schema);
    io.out(
      formatTable(
        ['Model', 'Operation', 'Details'],
        plan.status.map((s) => [s.model, s.operation, s.details]),
      ),
    );
    const strategies = modelStrategies(Object.keys(schema.models), common.config);
    io.out(
      `\n${formatTable(
        ['Model', 'Conflict strategy'],
        strategies.map(([model, strategy]) => [model, strategyLabel(strategy)]),
      )}`,
    );
    if (plan.destructive.length > 0) {
      io.out(`\nDestructive changes (need push --force):\n  - ${plan.destructive.join('\n  - ')}`);
    } else if (plan.steps.length > 0) {
      io.out('\nRun `push` to apply.');
    } else {
      io.out('\nThe database is up to date with the schema file.');
    }
  } finally {
    await storage.close();
  }
}

async function push(flags: CommonFlags & { readonly force?: boolean }, io: CliIo): Promise<void> {
  const common = resolveCommon(flags);
  const schema = readSchemaFile(common.schemaPath);
  const storage = await openStorage(common.database);
  try {
    const plan = await deploySchema(storage, schema, flags.force === true);
    if (plan.steps.length === 0) io.out('No changes: the database already matches the schema.');
    else
      io.out(
        formatTable(
          ['Model', 'Operation', 'Details'],
          plan.status.map((s) => [s.model, s.operation, s.details]),
        ),
      );
    if (plan.destructive.length > 0) io.out(`\nApplied with --force; lost:\n  - ${plan.destructive.join('\n  - ')}`);
  } finally {
    await storage.close();
  }
}

/** The program with every sub-command, writing to `io`. */
export function buildProgram(io: CliIo = processIo): Command {
  const program = new Command('outpost-server')
    .description('Outpost sync server: an AppSync-compatible GraphQL backend on SQLite or PostgreSQL')
    .showHelpAfterError();
  withCommon(program.command('start').description('start the server (applies non-destructive schema changes)'))
    .option('--port <port>', 'TCP port (default 4000; 0 picks a free one)', portNumber)
    .option('--host <host>', 'interface to listen on (default 127.0.0.1)')
    .option('--tls-cert <file>', 'PEM certificate: serve HTTPS and WSS')
    .option('--tls-key <file>', 'PEM private key for --tls-cert')
    .option('--force-migration', 'apply destructive schema changes on start (drops data)')
    .option('--max-item-bytes <bytes>', 'largest item a create/update may produce, UTF-8 bytes of its JSON (default 409600)', positiveBytes)
    .option('--max-active-requests <count>', 'GraphQL requests executing at once; more wait for a turn (default 64)', wholeNumber('requests', '64'))
    .option(
      '--max-queued-requests <count>',
      'GraphQL requests waiting for a turn; more are answered HTTP 503 with Retry-After (default 32; 0: none wait)',
      wholeOrZero('requests', '64'),
    )
    .option('--queue-wait-ms <ms>', 'longest wait for a turn before HTTP 503 with Retry-After (default 500)', wholeNumber('milliseconds', '500'))
    .option('--pool-size <count>', 'PostgreSQL connections per server process (default 10)', wholeNumber('connections', '10'))
    .option(
      '--pool-wait-ms <ms>',
      'longest wait for a PostgreSQL connection before HTTP 503 with Retry-After (default 2000)',
      wholeNumber('milliseconds', '2000'),
    )
    .option('--no-attachments', 'do not mount the attachment endpoint /attachments/ (on by default when the schema has attachment fields)')
    .option('--attachments-dir <dir>', 'blob directory with SQLite (default <SQLite file directory>/attachments; PostgreSQL keeps blobs in the database)')
    .option('--attachment-max-file-bytes <bytes>', 'largest attachment file, bytes (default 104857600 = 100 MiB)', wholeBytes)
    .option('--attachment-max-user-bytes <bytes>', "all of one user's attachment files, bytes (default 5368709120 = 5 GiB)", wholeBytes)
    .option('--attachment-retention-minutes <minutes>', 'age of unreferenced blobs and unfinished uploads to remove (default 1440 = 24 h)', wholeMinutes)
    .option(
      '--realtime-max-connections <count>',
      'simultaneous real-time WebSocket connections; further upgrades get HTTP 503 (default 10000)',
      wholeNumber('connections', '50000'),
    )
    .option('--log-level <level>', `JSON log level on stdout: ${LOG_LEVELS.join(', ')} (default info)`, logLevel)
    .option('--shutdown-grace-ms <ms>', 'on SIGTERM, how long requests in flight may take to finish (default 10000)', wholeOrZero('milliseconds', '10000'))
    .action((flags: StartFlags) => start(flags, io));
  withCommon(program.command('status').description('compare the deployed schema with the schema file')).action((flags: CommonFlags) => status(flags, io));
  withCommon(program.command('push').description('apply the schema file to the database'))
    .option('--force', 'also apply changes that drop data')
    .action((flags: CommonFlags & { force?: boolean }) => push(flags, io));
  program
    .command('print-schema')
    .description('print the generated AppSync GraphQL schema (SDL)')
    .option('--schema <file>', 'schema file (default schema/schema.graphql)')
    .option('--config <file>', 'JSON config file')
    .action((flags: CommonFlags) => {
      io.out(generateSdl(readSchemaFile(resolveCommon(flags).schemaPath)).trimEnd());
    });
  registerOpsCommands(program, io);
  registerAuthCommands(program, async (location) => {
    const storage = await openStorage(resolveCommon(location).database);
    return { store: await openAuthStore(storage), close: () => storage.close() };
  });
  return program;
}

/** argv without the node/script entries; `start <other command>` (from `npm run server -- <cmd>`) runs the other command. */
function normaliseArgs(args: string[], commands: readonly string[]): string[] {
  if (args[0] === 'start' && args[1] !== undefined && commands.includes(args[1])) return args.slice(1);
  return args;
}

/** Runs the program on `args` (without node and script); resolves to the exit code. */
export async function runCli(args: string[], io: CliIo = processIo): Promise<number> {
  const program = buildProgram(io);
  // Sub-commands copy these settings only when created after them: set them on each, so a usage
  // error of a sub-command (a bad option value) is a return code here, not process.exit.
  for (const command of [program, ...program.commands]) {
    command.exitOverride();
    command.configureOutput({ writeOut: (t) => io.out(t.trimEnd()), writeErr: (t) => io.err(t.trimEnd()) });
  }
  try {
    await program.parseAsync(
      normaliseArgs(
        args,
        program.commands.map((c) => c.name()),
      ),
      { from: 'user' },
    );
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    io.err(error instanceof OutpostError ? `error: ${error.message}` : String(error instanceof Error ? (error.stack ?? error.message) : error));
    return 1;
  }
}
