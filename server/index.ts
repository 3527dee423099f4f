// `startServer`: the whole sync server in one call — storage, schema migration, auth, GraphQL over
// HTTP(S), the real-time WebSocket endpoint, the change bus and the periodic purge. Used by the CLI
// (`start`), tests and the sync worker's tests.
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { ValidationError } from '../common/errors.js';
import { parseSchema } from '../common/schema/parse-schema.js';
import type { Schema } from '../common/schema/types.js';
import { createAuthenticator, type Authenticate } from './auth/authenticate.js';
import { createAuthRoutes } from './auth/auth-routes.js';
import { openAuthStore, type AuthStore } from './auth/auth-store.js';
import type { ExternalIssuerConfig } from './auth/external-issuers.js';
import type { TokenSettings } from './auth/access-tokens.js';
import { DEFAULT_CONFLICT_STRATEGY, type ConfiguredStrategy } from './config/server-config.js';
import { buildExecutableSchema } from './graphql/executable-schema.js';
import { DEFAULT_QUERY_LIMITS } from './http/query-limits.js';
import { createOutpostHttpServer } from './http/http-server.js';
import type { ChangeBus } from './realtime/change-event.js';
import { MemoryChangeBus } from './realtime/memory-change-bus.js';
import { PostgresChangeBus } from './realtime/postgres-change-bus.js';
import { createRealtimeHandler } from './realtime/realtime-handler.js';
import { loadConflictResolver } from './resolvers/custom-conflict-resolver.js';
import { DEFAULT_RESOLVER_SETTINGS, type ConflictStrategy, type ResolverSettings, type ServerServices } from './resolvers/resolver-context.js';
import { deploySchema } from './storage/deploy-schema.js';
import { DEFAULT_DATABASE, openKyselyStorage } from './storage/open-storage.js';
import type { KyselyStorage } from './storage/kysely-storage.js';

export interface StartServerOptions {
  /** The app schema: parsed, or SDL text. */
  readonly schema: Schema | string;
  /** `sqlite:PATH` or `postgres://…`; default `sqlite:.outpost/server.db`. */
  readonly database?: string;
  /** TCP port; 0 picks a free one; default 4000. */
  readonly port?: number;
  /** Interface to listen on; default 127.0.0.1. */
  readonly host?: string;
  /** PEM certificate and key: serve HTTPS and WSS. */
  readonly tls?: { readonly cert: string | Buffer; readonly key: string | Buffer };
  /** Default conflict strategy; default FIELD_MERGE. */
  readonly conflictHandler?: ConfiguredStrategy;
  /** Per-model strategies. */
  readonly models?: Readonly<Record<string, { readonly conflictHandler: ConfiguredStrategy }>>;
  /** Directory custom resolver paths are relative to; default the working directory. */
  readonly configDir?: string;
  /** Change-log and tombstone retention (ms) and purge period (ms; default 1 h). */
  readonly retention?: { readonly changeLogMs?: number; readonly tombstoneMs?: number; readonly purgeIntervalMs?: number };
  readonly limits?: {
    readonly maxBodyBytes?: number;
    readonly maxDepth?: number;
    readonly maxCost?: number;
    readonly maxTokens?: number;
    readonly defaultPageSize?: number;
    readonly maxPageSize?: number;
    /** Largest item a create/update may produce, UTF-8 bytes; default 409 600. */
    readonly maxItemBytes?: number;
  };
  readonly auth?: {
    readonly apiKeys?: boolean;
    readonly tokens?: Partial<TokenSettings>;
    readonly issuers?: readonly ExternalIssuerConfig[];
  };
  /** Apply destructive schema changes on start (drops data); default false (start refuses). */
  readonly forceMigration?: boolean;
  /** Where unexpected failures go; default stderr. */
  readonly reportError?: (error: unknown) => void;
}

/** A running server. */
export interface RunningServer {
  /** `http(s)://host:port/graphql`. */
  readonly url: string;
  /** `ws(s)://host:port/graphql/realtime`. */
  readonly realtimeUrl: string;
  readonly port: number;
  readonly schema: Schema;
  /** Accounts and API keys (the CLI and tests create users and keys through it). */
  readonly authStore: AuthStore;
  readonly storage: KyselyStorage;
  /** Runs the retention purge now. */
  purge(): Promise<{ tombstones: number; changes: number }>;
  /** Stops accepting, closes sockets, the bus and the database. */
  close(): Promise<void>;
}

const MINUTE = 60_000;

async function strategyTable(options: StartServerOptions, schema: Schema): Promise<(model: string) => ConflictStrategy> {
  const baseDir = options.configDir ?? process.cwd();
  const build = async (configured: ConfiguredStrategy | undefined): Promise<ConflictStrategy> => {
    const chosen = configured ?? DEFAULT_CONFLICT_STRATEGY;
    if (chosen === 'FIELD_MERGE') return { kind: 'FIELD_MERGE' };
    if (chosen === 'AUTOMERGE') return { kind: 'AUTOMERGE' };
    if (chosen === 'OPTIMISTIC_CONCURRENCY') return { kind: 'OPTIMISTIC_CONCURRENCY' };
    return { kind: 'CUSTOM', resolve: await loadConflictResolver(chosen.resolver, baseDir) };
  };
  const fallback = await build(options.conflictHandler);
  const perModel = new Map<string, ConflictStrategy>();
  for (const [model, entry] of Object.entries(options.models ?? {})) {
    if (schema.models[model] === undefined) {
      throw new ValidationError(`models.${model}: no model named ${model} in the schema (models: ${Object.keys(schema.models).join(', ')})`, `models.${model}`);
    }
    perModel.set(model, await build(entry.conflictHandler));
  }
  return (model) => perModel.get(model) ?? fallback;
}

/** Starts the server and resolves once it listens. */
export async function startServer(options: StartServerOptions): Promise<RunningServer> {
  const schema = typeof options.schema === 'string' ? parseSchema(options.schema) : options.schema;
  const reportError = options.reportError ?? ((error: unknown) => console.error('outpost server:', error));
  const database = options.database ?? DEFAULT_DATABASE;
  const changeLogMs = options.retention?.changeLogMs ?? DEFAULT_RESOLVER_SETTINGS.changeLogRetentionMs;
  const settings: ResolverSettings = {
    changeLogRetentionMs: changeLogMs,
    tombstoneRetentionMs: options.retention?.tombstoneMs ?? Math.max(DEFAULT_RESOLVER_SETTINGS.tombstoneRetentionMs, changeLogMs),
    defaultPageSize: options.limits?.defaultPageSize ?? DEFAULT_RESOLVER_SETTINGS.defaultPageSize,
    maxPageSize: options.limits?.maxPageSize ?? DEFAULT_RESOLVER_SETTINGS.maxPageSize,
    maxItemBytes: options.limits?.maxItemBytes ?? DEFAULT_RESOLVER_SETTINGS.maxItemBytes,
  };
  const strategyOf = await strategyTable(options, schema);

  const storage = await openKyselyStorage(database, reportError);
  const cleanups: Array<() => Promise<void>> = [() => storage.close()];
  const cleanup = async (): Promise<void> => {
    for (const fn of cleanups.reverse()) {
      try {
        await fn();
      } catch (error) {
        reportError(error);
      }
    }
  };
  try {
    await deploySchema(storage, schema, options.forceMigration === true);
    const authStore = await openAuthStore(storage);
    const secret = await authStore.secret('next-token-hmac', () => randomBytes(32).toString('base64url'));
    const bus: ChangeBus =
      storage.engine.changeBus === 'listen-notify'
        ? await PostgresChangeBus.create({ connectionString: database, reportError })
        : new MemoryChangeBus(reportError);
    cleanups.push(() => bus.close());

    const authenticate: Authenticate = createAuthenticator({
      store: authStore,
      ...(options.auth?.issuers ? { issuers: options.auth.issuers } : {}),
      ...(options.auth?.apiKeys !== undefined ? { apiKeysEnabled: options.auth.apiKeys } : {}),
      ...(options.auth?.tokens ? { tokens: options.auth.tokens } : {}),
    });
    const services: ServerServices = { schema, storage, bus, secret, settings, strategyOf, reportError };
    const graphqlSchema = buildExecutableSchema(schema, services);
    const realtime = createRealtimeHandler({ schema, bus, authenticate, graphqlSchema, reportError });
    cleanups.push(() => realtime.close());
    const authRoutes = createAuthRoutes(authStore, { ...(options.auth?.tokens ? { tokens: options.auth.tokens } : {}), reportError });

    const server = createOutpostHttpServer({
      graphql: {
        schema: graphqlSchema,
        authenticate,
        reportError,
        limits: {
          maxBodyBytes: options.limits?.maxBodyBytes ?? 1024 * 1024,
          maxDepth: options.limits?.maxDepth ?? DEFAULT_QUERY_LIMITS.maxDepth,
          maxCost: options.limits?.maxCost ?? DEFAULT_QUERY_LIMITS.maxCost,
          maxTokens: options.limits?.maxTokens ?? 20_000,
        },
        maxItemBytes: settings.maxItemBytes,
      },
      extraRoutes: [authRoutes],
      upgrade: (req, socket, head) => realtime.handleUpgrade(req, socket, head),
      ...(options.tls ? { tls: options.tls } : {}),
      health: () => ({ schemaVersion: schema.version, database: storage.engine.name }),
    });
    const host = options.host ?? '127.0.0.1';
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 4000, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    cleanups.push(async () => {
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      // Upgraded (WebSocket) sockets are not HTTP connections: `server.close` would wait for them
      // forever, so the real-time handler closes them before we wait.
      await realtime.close();
      await stopped;
    });

    const purge = () => storage.purge(Date.now(), Date.now() - settings.changeLogRetentionMs);
    const purgeTimer = setInterval(() => {
      purge().catch(reportError);
      // Expired refresh tokens (one row per refresh) and their ended sessions.
      authStore.purgeExpired().catch(reportError);
    }, options.retention?.purgeIntervalMs ?? 60 * MINUTE);
    purgeTimer.unref();
    // Run one purge soon after start so a server restarted often still enforces retention.
    const firstPurge = setTimeout(() => void purge().catch(reportError), 1000);
    firstPurge.unref();
    cleanups.push(async () => {
      clearInterval(purgeTimer);
      clearTimeout(firstPurge);
    });

    const port = (server.address() as AddressInfo).port;
    const shownHost = host.includes(':') ? `[${host}]` : host;
    const scheme = options.tls ? 'https' : 'http';
    let closed: Promise<void> | undefined;
    return {
      url: `${scheme}://${shownHost}:${port}/graphql`,
      realtimeUrl: `${options.tls ? 'wss' : 'ws'}://${shownHost}:${port}/graphql/realtime`,
      port,
      schema,
      authStore,
      storage,
      purge,
      close: () => (closed ??= cleanup()),
    };
  } catch (error) {
    await cleanup();
    throw error;
  }
}
