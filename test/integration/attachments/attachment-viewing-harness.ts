// What the viewing and prefetch tests share: a real Outpost server on 127.0.0.1 with the
// attachment endpoint over SQLite and a blob directory, users signed up through its accounts,
// records made over GraphQL and photos uploaded with tus-js-client (as the first device would);
// a forwarding proxy in front that counts the GETs the server receives and can corrupt a body;
// and "devices": profile folders with a real outpost.db, file store and thumbnail store.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import Database from 'better-sqlite3';
import * as tus from 'tus-js-client';
import { attachmentKey, type AttachmentRef } from '../../../common/schema/attachment-ref.js';
import { AttachmentFiles } from '../../../main/attachments/attachment-files.js';
import { createAttachmentTables } from '../../../main/attachments/attachment-tables.js';
import type { ViewingDeps } from '../../../main/attachments/attachment-viewing.js';
import { ThumbnailStore } from '../../../main/attachments/thumbnail-store.js';
import { startServer, type RunningServer } from '../../../server/index.js';
import { sha256 } from './attachment-harness.js';

const SDL = `
type Attachment { key: String! contentType: String! size: Int! sha256: String! name: String }
type Observation @model @auth(rules: [{ allow: owner }]) {
  id: ID!
  title: String
  photos: [Attachment!]
}
`;

export interface User {
  readonly name: string;
  readonly headers: Readonly<Record<string, string>>;
}

export interface OutpostServer {
  readonly server: RunningServer;
  /** `http://127.0.0.1:port` */
  readonly base: string;
  signUp(name: string): Promise<User>;
  /** Creates an Observation owned by `user`, uploads `bytes` as its photo and saves the reference on it; answers the reference. */
  photoRecord(user: User, bytes: Buffer, name?: string): Promise<AttachmentRef>;
  close(): Promise<void>;
}

/** Starts the server (SQLite in a temp folder, blobs beside it). */
export async function startOutpostServer(): Promise<OutpostServer> {
  const dir = await mkdtemp(join(tmpdir(), 'outpost-viewing-server-'));
  const server = await startServer({
    schema: SDL,
    database: `sqlite:${join(dir, 'server.db')}`,
    port: 0,
    host: '127.0.0.1',
    attachments: { maxFileBytes: 16_000_000, maxUserBytes: 64_000_000 },
    reportError: (error) => console.error('server:', error),
  });
  const base = server.url.replace(/\/graphql$/, '');
  const graphql = async (user: User, query: string, variables: Record<string, unknown>): Promise<Record<string, { id: string }>> => {
    const response = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...user.headers },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as { data?: Record<string, { id: string }>; errors?: unknown };
    assert.equal(body.errors, undefined, JSON.stringify(body));
    return body.data ?? {};
  };
  return {
    server,
    base,
    async signUp(name) {
      const password = `${name} password 123`;
      await server.authStore.addUser({ username: name, password });
      const response = await fetch(`${base}/auth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: name, password }),
      });
      const body = (await response.json()) as { accessToken?: string };
      assert.equal(typeof body.accessToken, 'string', JSON.stringify(body));
      return { name, headers: { authorization: `Bearer ${body.accessToken ?? ''}` } };
    },
    async photoRecord(user, bytes, name = 'photo.png') {
      const created = await graphql(user, 'mutation ($input: CreateObservationInput!) { createObservation(input: $input) { id } }', { input: { title: name } });
      const id = created.createObservation.id;
      await tusUpload(base, user, bytes, id, name);
      const ref: AttachmentRef = {
        key: attachmentKey('Observation', id, sha256(bytes)),
        contentType: 'image/png',
        size: bytes.length,
        sha256: sha256(bytes),
        name,
      };
      await graphql(user, 'mutation ($input: UpdateObservationInput!) { updateObservation(input: $input) { id } }', { input: { id, photos: [ref] } });
      return ref;
    },
    async close() {
      await server.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

function tusUpload(base: string, user: User, bytes: Buffer, recordId: string, filename: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const upload = new tus.Upload(bytes, {
      endpoint: `${base}/attachments`,
      metadata: { model: 'Observation', recordId, field: 'photos', sha256: sha256(bytes), contentType: 'image/png', filename },
      headers: { ...user.headers },
      chunkSize: 512 * 1024,
      retryDelays: [],
      storeFingerprintForResuming: false,
      onSuccess: () => resolve(),
      onError: reject,
    });
    upload.start();
  });
}

export interface CountingProxy {
  /** The attachment endpoint through the proxy, as a profile knows it: `http://127.0.0.1:port/attachments/`. */
  readonly endpoint: string;
  /** Paths of the GETs forwarded so far, in order. */
  readonly gets: string[];
  /** GETs of `key` so far. */
  getsOf(key: string): number;
  /** While true, the first byte of each GET body is flipped (a server or a link that lies). */
  corrupt: boolean;
  /** While a number, each GET body is cut (the socket destroyed) after that many bytes. */
  cutAfter: number | null;
  close(): Promise<void>;
}

/** A forwarding proxy in front of `base`. */
export async function startCountingProxy(base: string): Promise<CountingProxy> {
  const target = new URL(base);
  const server: Server = createServer((req, res) => {
    if (req.method === 'GET') proxy.gets.push(req.url ?? '');
    const forward = httpRequest({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      if (req.method === 'GET' && proxy.corrupt && answer.statusCode === 200) answer.pipe(flipFirstByte()).pipe(res);
      else if (req.method === 'GET' && proxy.cutAfter !== null && answer.statusCode === 200)
        answer.pipe(cutAfter(proxy.cutAfter, () => res.destroy())).pipe(res);
      else answer.pipe(res);
    });
    forward.on('error', () => res.destroy());
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const proxy: CountingProxy = {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}/attachments/`,
    gets: [],
    getsOf: (key) => proxy.gets.filter((path) => path === `/attachments/${key}`).length,
    corrupt: false,
    cutAfter: null,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
  return proxy;
}

function flipFirstByte(): Transform {
  let first = true;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      if (first && chunk.length > 0) {
        chunk = Buffer.from(chunk);
        chunk[0] ^= 0xff;
        first = false;
      }
      done(null, chunk);
    },
  });
}

/** Passes `limit` bytes, then calls `cut` and passes nothing more. */
function cutAfter(limit: number, cut: () => void): Transform {
  let passed = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      const room = limit - passed;
      if (room <= 0) return done();
      passed += Math.min(room, chunk.length);
      done(null, chunk.subarray(0, room));
      if (passed >= limit) setImmediate(cut);
    },
  });
}

/** An endpoint nothing listens on (a port bound and released): every request is refused, as offline. */
export async function unreachableEndpoint(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}/attachments/`;
}

/** A profile on a device: its folder, outpost.db, files and thumbnails. */
export interface Device {
  readonly dir: string;
  readonly db: Database.Database;
  readonly files: AttachmentFiles;
  readonly thumbnails: ThumbnailStore;
  /** Viewing deps as `user` through `endpoint`; the clock is `clock.now` when given. */
  deps(user: User, endpoint: string | null, clock?: { now: number }): ViewingDeps;
  close(): Promise<void>;
}

/** A new profile folder; with `key` its files and thumbnails are encrypted at rest. */
export async function openDevice(options: { readonly key?: Buffer } = {}): Promise<Device> {
  const dir = await mkdtemp(join(tmpdir(), 'outpost-viewing-device-'));
  const db = new Database(join(dir, 'outpost.db'));
  db.pragma('journal_mode = WAL');
  createAttachmentTables(db);
  const files = await AttachmentFiles.open(dir, options);
  const thumbnails = await ThumbnailStore.open(dir, options);
  return {
    dir,
    db,
    files,
    thumbnails,
    deps: (user, endpoint, clock) => ({
      db,
      files,
      thumbnails,
      endpoint,
      headers: () => user.headers,
      ...(clock === undefined ? {} : { now: () => clock.now }),
    }),
    async close() {
      db.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
