// A real Outpost server with the attachment endpoint for the attachment fault tests and the
// benchmark: startServer on 127.0.0.1:0 over a temp SQLite file (blobs in a directory beside it)
// or a PostgreSQL database of its own (blobs in it), one signed-in user, and the calls the tests
// make around an upload — create the owning record, download a blob and hash it, list the blob
// directory.
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { startServer, type RunningServer } from '../../../server/index.js';
import type { AttachmentOptions } from '../../../server/config/attachment-settings.js';
import { createTestDatabase, type Dialect } from '../../integration/server/server-harness.js';

/** Observation (owner rules) with a list of attachments, the shape of the example schema's. */
export const ATTACHMENT_SDL = `
type Attachment { key: String! contentType: String! size: Int! sha256: String! name: String }
type Observation @model @auth(rules: [{ allow: owner }]) {
  id: ID!
  title: String
  photos: [Attachment!]
}
`;

export const ATTACHMENT_USER = 'field-worker';
const PASSWORD = 'field worker password 123';

export interface AttachmentServer {
  readonly server: RunningServer;
  readonly dialect: Dialect;
  /** The tus creation endpoint, `http://127.0.0.1:<port>/attachments`. */
  readonly endpoint: string;
  /** `Bearer <access token>` of the signed-in user. */
  readonly authorization: string;
  /** The temp folder holding the SQLite file and its `attachments` blob directory. */
  readonly dir: string;
  /** Creates an Observation owned by the user; resolves with its id. */
  createObservation(title: string): Promise<string>;
  /** GETs blob `key` as the user and hashes it as it streams: status, sha-256 (hex) and byte count. */
  download(key: string): Promise<{ readonly status: number; readonly sha256: string; readonly bytes: number }>;
  /** Names of the files in the SQLite set-up's blob directory (empty on PostgreSQL). */
  blobFiles(): Promise<string[]>;
  close(): Promise<void>;
}

/** Starts the server over `dialect` with `attachments` options (limits default to the server's). */
export async function startAttachmentServer(dialect: Dialect, attachments: AttachmentOptions = {}): Promise<AttachmentServer> {
  const dir = await mkdtemp(join(tmpdir(), 'outpost-attachment-fault-'));
  const pgDatabase = dialect === 'postgres' ? await createTestDatabase() : undefined;
  const server = await startServer({
    schema: ATTACHMENT_SDL,
    database: pgDatabase?.url ?? `sqlite:${join(dir, 'server.db')}`,
    port: 0,
    host: '127.0.0.1',
    attachments,
    reportError: (error) => console.error('server:', error),
  });
  const base = server.url.replace(/\/graphql$/, '');
  const authorization = `Bearer ${await signIn(server, base)}`;
  return {
    server,
    dialect,
    endpoint: `${base}/attachments`,
    authorization,
    dir,
    async createObservation(title) {
      const response = await fetch(server.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization },
        body: JSON.stringify({
          query: 'mutation ($input: CreateObservationInput!) { createObservation(input: $input) { id } }',
          variables: { input: { title } },
        }),
      });
      const body = (await response.json()) as { data?: { createObservation?: { id: string } | null }; errors?: unknown };
      const id = body.data?.createObservation?.id;
      if (id === undefined) throw new Error(`createObservation failed (HTTP ${response.status}): ${JSON.stringify(body.errors)}`);
      return id;
    },
    async download(key) {
      const response = await fetch(`${base}/attachments/${key}`, { headers: { authorization } });
      const hash = createHash('sha256');
      let bytes = 0;
      if (response.body !== null) {
        for await (const chunk of Readable.fromWeb(response.body as WebReadableStream<Uint8Array>)) {
          hash.update(chunk as Buffer);
          bytes += (chunk as Buffer).byteLength;
        }
      }
      return { status: response.status, sha256: hash.digest('hex'), bytes };
    },
    async blobFiles() {
      if (dialect === 'postgres') return [];
      return (await readdir(join(dir, 'attachments'))).sort();
    },
    async close() {
      await server.close();
      await pgDatabase?.drop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function signIn(server: RunningServer, base: string): Promise<string> {
  await server.authStore.addUser({ username: ATTACHMENT_USER, password: PASSWORD });
  const response = await fetch(`${base}/auth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: ATTACHMENT_USER, password: PASSWORD }),
  });
  const body = (await response.json()) as { accessToken?: string };
  if (typeof body.accessToken !== 'string') throw new Error(`sign-in failed (HTTP ${response.status}): ${JSON.stringify(body)}`);
  return body.accessToken;
}
