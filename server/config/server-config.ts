// The server's JSON config file (`--config`), validated with zod: unknown keys and bad values are
// refused with their path named. Units are in the key names (minutes, bytes, seconds).
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ValidationError } from '../../common/errors.js';
import { OPS_CONFIG_FIELDS } from './ops-config.js';

const strategy = z.union([
  z.enum(['FIELD_MERGE', 'AUTOMERGE', 'OPTIMISTIC_CONCURRENCY']),
  z.strictObject({ resolver: z.string().min(1, 'resolver needs the path of a JavaScript module') }),
]);

const positiveInt = z.number().int().positive();

const configSchema = z.strictObject({
  ...OPS_CONFIG_FIELDS,
  schema: z.string().min(1).optional(),
  database: z.string().min(1).optional(),
  port: z.number().int().min(0).max(65535).optional(),
  host: z.string().min(1).optional(),
  tls: z.strictObject({ cert: z.string().min(1), key: z.string().min(1) }).optional(),
  /** Default strategy and per-model overrides. */
  conflictHandler: strategy.optional(),
  models: z.record(z.string(), z.strictObject({ conflictHandler: strategy })).optional(),
  retention: z
    .strictObject({
      /** Change-log (delta) retention, minutes; default 10 080 (7 days). */
      changeLogMinutes: positiveInt.optional(),
      /** Tombstone retention, minutes; default 43 200 (30 days). */
      tombstoneMinutes: positiveInt.optional(),
      /** How often the purge runs, minutes; default 60. */
      purgeIntervalMinutes: positiveInt.optional(),
    })
    .optional(),
  limits: z
    .strictObject({
      maxBodyBytes: positiveInt.max(64 * 1024 * 1024).optional(),
      maxDepth: positiveInt.max(100).optional(),
      maxCost: positiveInt.max(1_000_000).optional(),
      maxTokens: positiveInt.max(10_000_000).optional(),
      defaultPageSize: positiveInt.max(1000).optional(),
      maxPageSize: positiveInt.max(1000).optional(),
      /** Largest item a create/update may produce, UTF-8 bytes of its JSON; default 409 600 (DynamoDB's 400 KB). */
      maxItemBytes: positiveInt.max(64 * 1024 * 1024).optional(),
      /** GraphQL requests executing at once per process; default 64 (more wait for a turn). */
      maxActiveRequests: positiveInt.max(100_000).optional(),
      /** GraphQL requests waiting for a turn; default 32 (more are answered 503 with Retry-After); 0: none wait. */
      maxQueuedRequests: z.number().int().min(0).max(1_000_000).optional(),
      /** Longest wait for a turn, ms; default 500. */
      queueWaitMs: positiveInt.max(600_000).optional(),
      /** Retry-After of an overload answer (HTTP 503), seconds; default 1. */
      retryAfterSeconds: positiveInt.max(3600).optional(),
      /** PostgreSQL connections per server process; default 10. */
      poolSize: positiveInt.max(1000).optional(),
      /** Longest wait for a PostgreSQL connection, ms; default 2000 (then 503 with Retry-After). */
      poolWaitMs: positiveInt.max(600_000).optional(),
    })
    .optional(),
  /** The attachment endpoint (`/attachments/`); see attachment-settings.ts for the defaults. */
  attachments: z
    .strictObject({
      /** Mount the endpoint when the schema declares attachment fields; default true. */
      enabled: z.boolean().optional(),
      /** Blob directory (SQLite only), relative to the config file; default `<SQLite file's directory>/attachments`. */
      directory: z.string().min(1).optional(),
      /** Largest file, bytes; default 104 857 600 (100 MiB). */
      maxFileBytes: positiveInt.optional(),
      /** All of one user's files, bytes; default 5 368 709 120 (5 GiB). */
      maxUserBytes: positiveInt.optional(),
      /** Age after which unreferenced blobs and unfinished uploads are removed, minutes; default 1440 (24 h). */
      retentionMinutes: positiveInt.optional(),
    })
    .optional(),
  /** The real-time endpoint (`/graphql/realtime`). */
  realtime: z
    .strictObject({
      /** Simultaneous WebSocket connections per server process; further upgrades get HTTP 503; default 10 000. */
      maxConnections: positiveInt.max(1_000_000).optional(),
      /** Unsent bytes one connection may queue before it is closed as too slow (1013; it reconnects and resyncs); default 16 777 216 (16 MiB). */
      maxBufferedBytes: positiveInt
        .min(1024)
        .max(1024 * 1024 * 1024)
        .optional(),
    })
    .optional(),
  auth: z
    .strictObject({
      apiKeys: z.boolean().optional(),
      tokens: z
        .strictObject({
          issuer: z.string().min(1).optional(),
          audience: z.string().min(1).optional(),
          accessTokenTtlSec: positiveInt.optional(),
          refreshTokenTtlSec: positiveInt.optional(),
          clockToleranceSec: z.number().int().min(0).optional(),
        })
        .optional(),
      issuers: z
        .array(
          z.strictObject({
            issuer: z.string().min(1),
            jwksUrl: z.string().min(1),
            audience: z.union([z.string(), z.array(z.string())]).optional(),
            usernameClaims: z.array(z.string()).optional(),
            groupsClaim: z.string().optional(),
            algorithms: z.array(z.string()).optional(),
            clockToleranceSec: z.number().int().min(0).optional(),
          }),
        )
        .optional(),
    })
    .optional(),
});

/** The validated config file. */
export type ServerConfig = z.infer<typeof configSchema>;

/** A conflict strategy as written in the config. */
export type ConfiguredStrategy = z.infer<typeof strategy>;

/** The strategy of models the config names none for. */
export const DEFAULT_CONFLICT_STRATEGY = 'FIELD_MERGE' satisfies ConfiguredStrategy;

/** How `status` and the docs name a configured strategy: its name, or `custom (<module path>)`. */
export function strategyLabel(configured: ConfiguredStrategy): string {
  return typeof configured === 'string' ? configured : `custom (${configured.resolver})`;
}

/** Each model's strategy under `config`: its own entry, else the config's default, else FIELD_MERGE. */
export function modelStrategies(modelNames: readonly string[], config: Pick<ServerConfig, 'conflictHandler' | 'models'>): Array<[string, ConfiguredStrategy]> {
  const fallback = config.conflictHandler ?? DEFAULT_CONFLICT_STRATEGY;
  return modelNames.map((name) => [name, config.models?.[name]?.conflictHandler ?? fallback]);
}

function issuePath(path: ReadonlyArray<PropertyKey>): string {
  return path.map((p) => (typeof p === 'number' ? `[${p}]` : String(p))).join('.') || '(top level)';
}

/** Validates a parsed config value; throws ValidationError listing every problem with its path. */
export function parseServerConfig(value: unknown, source = 'config'): ServerConfig {
  const result = configSchema.safeParse(value);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => {
      const keys = issue.code === 'unrecognized_keys' ? ` (${issue.keys.join(', ')})` : '';
      return `${source}: ${issuePath(issue.path)}: ${issue.message}${keys}`;
    });
    throw new ValidationError(lines.join('\n'), source);
  }
  const c = result.data;
  const log = c.retention?.changeLogMinutes;
  const tomb = c.retention?.tombstoneMinutes;
  if (log !== undefined && tomb !== undefined && tomb < log) {
    throw new ValidationError(`${source}: retention.tombstoneMinutes (${tomb}) must be at least retention.changeLogMinutes (${log})`, source);
  }
  const lim = c.limits;
  if (lim?.defaultPageSize !== undefined && lim.maxPageSize !== undefined && lim.defaultPageSize > lim.maxPageSize) {
    throw new ValidationError(`${source}: limits.defaultPageSize must not exceed limits.maxPageSize`, source);
  }
  return c;
}

/** Reads and validates a JSON config file. */
export function loadServerConfig(path: string): ServerConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ValidationError(`cannot read config file ${path}: ${error instanceof Error ? error.message : String(error)}`, path);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ValidationError(`config file ${path} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`, path);
  }
  return parseServerConfig(value, path);
}
