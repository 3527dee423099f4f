// Starts a real server on 127.0.0.1:0 against SQLite (temp dir) or PostgreSQL (a database of its
// own, dropped at the end), with two users and an API key, and speaks GraphQL to it over HTTP.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { startServer, type RunningServer, type StartServerOptions } from '../../../server/index.js';

export type Dialect = 'sqlite' | 'postgres';

export const PG_ADMIN = process.env.OUTPOST_TEST_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** The schema the server suites run against: owner-only, public (OCC) and public (custom resolver) models. */
export const TEST_SDL = `
enum PostStatus { ACTIVE INACTIVE }
type Meta { a: String b: [String] }
type Post @model @auth(rules: [{ allow: owner }]) {
  id: ID!
  title: String!
  rating: Int
  tags: [String]
  status: PostStatus
  meta: Meta
  comments: [Comment] @hasMany(indexName: "byPost", fields: ["id"])
}
type Comment @model @auth(rules: [{ allow: owner }]) {
  id: ID!
  postID: ID! @index(name: "byPost", sortKeyFields: ["rank"], queryField: "commentsByPost")
  rank: Int
  content: String
  post: Post @belongsTo(fields: ["postID"])
}
type Note @model @auth(rules: [{ allow: public }]) {
  id: ID!
  text: String!
  count: Int
}
type Reading @model @auth(rules: [{ allow: public }]) {
  deviceId: ID! @primaryKey(sortKeyFields: ["takenAt"])
  takenAt: AWSDateTime!
  value: Float
}
type Ticket @model @auth(rules: [{ allow: public }]) {
  id: ID!
  title: String
  priority: Int
}
`;

/** The LAMBDA-contract resolver used for Ticket. */
const RESOLVER_SOURCE = `
export default async function ({ newItem, existingItem, arguments: args, identity }) {
  if (newItem.title === 'reject') return { action: 'REJECT' };
  if (newItem.title === 'remove') return { action: 'REMOVE' };
  if (newItem.title === 'bad') return { action: 'MAYBE' };
  if (newItem.title === 'throw') throw new Error('resolver exploded');
  return {
    action: 'RESOLVE',
    item: {
      ...existingItem,
      title: existingItem.title + '+' + newItem.title,
      priority: Math.max(existingItem.priority ?? 0, newItem.priority ?? 0),
      _version: 999,
      seenInput: args.input.id === existingItem.id && identity === null,
    },
  };
}
`;

export const POST_FIELDS = 'id title rating tags status meta { a b } createdAt updatedAt owner _version _lastChangedAt _deleted';
export const NOTE_FIELDS = 'id text count _version _lastChangedAt _deleted';
export const TICKET_FIELDS = 'id title priority _version _lastChangedAt _deleted';

export interface GqlResponse {
  readonly status: number;
  readonly body: {
    data?: Record<string, unknown> | null;
    errors?: Array<{ errorType?: string | null; message: string; data?: unknown; path?: unknown; locations?: unknown; errorInfo?: unknown }>;
    extensions?: { outpost?: { version: number; capabilities: string[]; maxItemBytes: number; syncTotals?: Record<string, number> } };
  };
}

export interface Caller {
  readonly headers: Record<string, string>;
}

export interface Harness {
  readonly server: RunningServer;
  /** The `--database` value the server runs on. */
  readonly databaseUrl: string;
  readonly alice: Caller;
  readonly bob: Caller;
  readonly key: Caller;
  /** `<sub>::alice` as stored in owner fields. */
  readonly aliceOwner: string;
  gql(caller: Caller, query: string, variables?: Record<string, unknown>): Promise<GqlResponse>;
  /** POSTs `body` (query, variables, extensions, …) as JSON. */
  post(caller: Caller, body: Record<string, unknown>): Promise<GqlResponse>;
  /** POSTs a raw body to /graphql. */
  raw(body: string, headers?: Record<string, string>): Promise<{ status: number; text: string }>;
  close(): Promise<void>;
}

/** Whether PostgreSQL answers at 127.0.0.1:5432; the reason when not. */
export async function postgresUnavailable(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: PG_ADMIN, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('select 1');
    return undefined;
  } catch (error) {
    return `PostgreSQL at 127.0.0.1:5432 does not answer (${error instanceof Error ? error.message : String(error)})`;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function adminQuery(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: PG_ADMIN });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** A PostgreSQL database of its own for a test: its URL and how to drop it. */
export async function createTestDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const dbName = `outpost_test_${randomBytes(6).toString('hex')}`;
  await adminQuery(`create database ${dbName}`);
  const url = new URL(PG_ADMIN);
  url.pathname = `/${dbName}`;
  return { url: url.toString(), drop: () => adminQuery(`drop database if exists ${dbName} with (force)`) };
}

async function signIn(url: string, username: string): Promise<Caller> {
  const res = await fetch(url.replace(/\/graphql$/, '/auth/token'), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: `${username} password 123` }),
  });
  const body = (await res.json()) as { accessToken?: string };
  if (typeof body.accessToken !== 'string') throw new Error(`sign-in of ${username} failed: ${JSON.stringify(body)}`);
  return { headers: { authorization: body.accessToken } };
}

/**
 * Starts a server for `dialect`; extra options override the harness's. Post (and Comment, Reading)
 * run AUTOMERGE unless `extra.conflictHandler` says otherwise: the suites written before FIELD_MERGE
 * became the server default test AppSync's rules on them.
 */
export async function startHarness(dialect: Dialect, extra: Partial<StartServerOptions> = {}): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), 'outpost-server-'));
  writeFileSync(join(dir, 'ticket-resolver.mjs'), RESOLVER_SOURCE);
  let database: string;
  let dbName: string | undefined;
  if (dialect === 'sqlite') {
    database = `sqlite:${join(dir, 'server.db')}`;
  } else {
    dbName = `outpost_test_${randomBytes(6).toString('hex')}`;
    await adminQuery(`create database ${dbName}`);
    const url = new URL(PG_ADMIN);
    url.pathname = `/${dbName}`;
    database = url.toString();
  }
  const server = await startServer({
    schema: TEST_SDL,
    database,
    port: 0,
    host: '127.0.0.1',
    configDir: dir,
    conflictHandler: 'AUTOMERGE',
    models: { Note: { conflictHandler: 'OPTIMISTIC_CONCURRENCY' }, Ticket: { conflictHandler: { resolver: './ticket-resolver.mjs' } } },
    reportError: () => undefined,
    ...extra,
  });
  for (const name of ['alice', 'bob']) await server.authStore.addUser({ username: name, password: `${name} password 123` });
  const alice = await signIn(server.url, 'alice');
  const bob = await signIn(server.url, 'bob');
  const aliceUser = await server.authStore.getUser('alice');
  const { key } = await server.authStore.createApiKey();
  const url = server.url;
  return {
    server,
    databaseUrl: database,
    alice,
    bob,
    key: { headers: { 'x-api-key': key } },
    aliceOwner: `${aliceUser?.id ?? '?'}::alice`,
    async gql(caller, query, variables) {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...caller.headers },
        body: JSON.stringify({ query, variables: variables ?? null }),
      });
      return { status: res.status, body: (await res.json()) as GqlResponse['body'] };
    },
    async post(caller, body) {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...caller.headers },
        body: JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as GqlResponse['body'] };
    },
    async raw(body, headers = {}) {
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...alice.headers, ...headers }, body });
      return { status: res.status, text: await res.text() };
    },
    async close() {
      await server.close();
      if (dbName !== undefined) await adminQuery(`drop database if exists ${dbName} with (force)`);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
