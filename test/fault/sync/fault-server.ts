// A real server for fault tests that can be stopped and started again on the same SQLite file,
// reached through a fault proxy so clients keep one address across restarts.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type RunningServer } from '../../../server/index.js';
import type { ConfiguredStrategy } from '../../../server/config/server-config.js';
import { TEST_SDL } from '../../integration/server/server-harness.js';
import { startFaultProxy, type FaultProxy } from '../proxy/fault-proxy.js';

export interface FaultServer {
  /** The running server, or null while stopped. */
  server: RunningServer | null;
  readonly proxy: FaultProxy;
  /** The endpoint clients use: through the proxy. */
  readonly endpoint: string;
  /** A valid API key (stored in the database, so it survives restarts). */
  readonly apiKey: string;
  readonly dir: string;
  stop(): Promise<void>;
  /** Starts the server again on the same database and points the proxy at it. */
  restart(): Promise<void>;
  /** GraphQL over HTTP straight to the server (not through the proxy). */
  gql(query: string, variables?: Record<string, unknown>): Promise<{ data?: Record<string, unknown> | null; errors?: unknown[] }>;
  close(): Promise<void>;
}

/** Starts the server (the default FIELD_MERGE, Note under `noteStrategy`, default OPTIMISTIC_CONCURRENCY) and a proxy in front of it. */
export async function startFaultServer(noteStrategy: ConfiguredStrategy = 'OPTIMISTIC_CONCURRENCY'): Promise<FaultServer> {
  const dir = mkdtempSync(join(tmpdir(), 'outpost-fault-'));
  const database = `sqlite:${join(dir, 'server.db')}`;
  const boot = () =>
    startServer({ schema: TEST_SDL, database, port: 0, host: '127.0.0.1', models: { Note: { conflictHandler: noteStrategy } }, reportError: () => undefined });
  let server: RunningServer | null = await boot();
  const { key } = await server.authStore.createApiKey();
  const proxy = await startFaultProxy(server.port);
  const self: FaultServer = {
    get server() {
      return server;
    },
    set server(value) {
      server = value;
    },
    proxy,
    endpoint: proxy.url('/graphql'),
    apiKey: key,
    dir,
    async stop() {
      const s = server;
      server = null;
      proxy.cutAll();
      await s?.close();
    },
    async restart() {
      if (server !== null) await self.stop();
      server = await boot();
      proxy.setTarget(server.port);
    },
    async gql(query, variables) {
      if (server === null) throw new Error('the server is stopped');
      const res = await fetch(server.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': key },
        body: JSON.stringify({ query, variables: variables ?? null }),
      });
      return (await res.json()) as { data?: Record<string, unknown> | null; errors?: unknown[] };
    },
    async close() {
      await self.stop();
      await proxy.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return self;
}

/** Creates `count` notes directly on the server, `parallel` at a time; returns their ids. */
export async function seedNotes(fs: FaultServer, count: number, parallel = 16): Promise<string[]> {
  const ids: string[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const i = next++;
      const answer = await fs.gql('mutation ($input: CreateNoteInput!) { createNote(input: $input) { id } }', { input: { text: `seed ${i}`, count: i } });
      const id = (answer.data?.createNote as { id?: string } | undefined)?.id;
      if (id === undefined) throw new Error(`seeding note ${i} failed: ${JSON.stringify(answer.errors)}`);
      ids[i] = id;
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  return ids;
}

/** All notes on the server (tombstones included): id → { text, count, _version, _deleted }. */
export async function serverNotes(fs: FaultServer): Promise<Map<string, Record<string, unknown>>> {
  const out = new Map<string, Record<string, unknown>>();
  let nextToken: string | null = null;
  do {
    const answer = await fs.gql('query ($t: String) { syncNotes(limit: 1000, nextToken: $t) { items { id text count _version _deleted } nextToken } }', {
      t: nextToken,
    });
    const page = answer.data?.syncNotes as { items: Array<Record<string, unknown>>; nextToken: string | null };
    for (const item of page.items) out.set(String(item.id), item);
    nextToken = page.nextToken;
  } while (nextToken !== null);
  return out;
}
