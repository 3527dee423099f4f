// The attachment endpoint as the real server mounts it (issue 13), on SQLite (a blob directory
// beside the database file) and on PostgreSQL (blobs in the same database): a user creates a
// record through GraphQL, uploads a photo with tus-js-client and downloads it byte for byte;
// another user learns nothing (404) and cannot upload to it; nothing can be uploaded to a record
// that does not exist (yet, or any more); the capability is announced only where the endpoint is
// mounted; malformed references are refused by the mutation naming the field; the retention sweep
// removes a blob no record references and keeps a referenced one.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import * as tus from 'tus-js-client';
import { attachmentKey } from '../../../common/schema/attachment-ref.js';
import { startServer, type RunningServer } from '../../../server/index.js';
import { pngBytes, sha256 } from '../attachments/attachment-harness.js';
import { createTestDatabase, postgresUnavailable, TEST_SDL, type Dialect } from './server-harness.js';

const pgSkip = await postgresUnavailable();

const ATTACHMENT_SDL = `
type Attachment { key: String! contentType: String! size: Int! sha256: String! name: String }
type Observation @model @auth(rules: [{ allow: owner }]) {
  id: ID!
  title: String
  photos: [Attachment!]
  cover: Attachment
}
type Memo @model @auth(rules: [{ allow: public }]) {
  id: ID!
  text: String
  file: Attachment
}
`;
const OBSERVATION = 'id title photos { key contentType size sha256 name } cover { key sha256 } _version';

interface Caller {
  readonly headers: Record<string, string>;
}

interface Gql {
  readonly status: number;
  readonly body: {
    data?: Record<string, Record<string, unknown> | null> | null;
    errors?: Array<{ errorType?: string | null; message: string }>;
    extensions?: { outpost?: { capabilities: string[]; attachmentsPath?: string } };
  };
}

interface Running {
  readonly server: RunningServer;
  readonly base: string;
  readonly dir: string;
  close(): Promise<void>;
}

/** A server on port 0 over `dialect` (a temp SQLite file or a database of its own). */
async function start(dialect: Dialect, sdl: string, attachments: Parameters<typeof startServer>[0]['attachments'] = {}): Promise<Running> {
  const dir = mkdtempSync(join(tmpdir(), 'outpost-attachments-mounted-'));
  const pgDatabase = dialect === 'postgres' ? await createTestDatabase() : undefined;
  const server = await startServer({
    schema: sdl,
    database: pgDatabase?.url ?? `sqlite:${join(dir, 'server.db')}`,
    port: 0,
    host: '127.0.0.1',
    attachments,
    reportError: (error) => console.error('server:', error),
  });
  return {
    server,
    base: server.url.replace(/\/graphql$/, ''),
    dir,
    async close() {
      await server.close();
      await pgDatabase?.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function signUp(server: RunningServer, username: string): Promise<Caller> {
  await server.authStore.addUser({ username, password: `${username} password 123` });
  const res = await fetch(server.url.replace(/\/graphql$/, '/auth/token'), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: `${username} password 123` }),
  });
  const body = (await res.json()) as { accessToken?: string };
  assert.equal(typeof body.accessToken, 'string', JSON.stringify(body));
  return { headers: { authorization: `Bearer ${body.accessToken ?? ''}` } };
}

async function gql(server: RunningServer, caller: Caller, query: string, variables: Record<string, unknown> = {}): Promise<Gql> {
  const res = await fetch(server.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...caller.headers },
    body: JSON.stringify({ query, variables }),
  });
  return { status: res.status, body: (await res.json()) as Gql['body'] };
}

async function createObservation(server: RunningServer, caller: Caller, input: Record<string, unknown>): Promise<Gql> {
  return gql(server, caller, `mutation ($input: CreateObservationInput!) { createObservation(input: $input) { ${OBSERVATION} } }`, { input });
}

async function updateObservation(server: RunningServer, caller: Caller, input: Record<string, unknown>): Promise<Gql> {
  return gql(server, caller, `mutation ($input: UpdateObservationInput!) { updateObservation(input: $input) { ${OBSERVATION} } }`, { input });
}

interface Declared {
  readonly model?: string;
  readonly recordId: string;
  readonly field?: string;
  readonly contentType?: string;
}

/** Uploads with tus-js-client in 64 KiB chunks; the upload URL, or the HTTP status it was refused with and the body. */
function upload(base: string, caller: Caller, bytes: Buffer, declared: Declared): Promise<{ url: string } | { status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const tusUpload: tus.Upload = new tus.Upload(bytes, {
      endpoint: `${base}/attachments`,
      metadata: {
        model: declared.model ?? 'Observation',
        recordId: declared.recordId,
        field: declared.field ?? 'photos',
        sha256: sha256(bytes),
        contentType: declared.contentType ?? 'image/png',
        filename: 'photo.png',
      },
      headers: caller.headers,
      chunkSize: 64 * 1024,
      retryDelays: [],
      storeFingerprintForResuming: false,
      onSuccess: () => resolve({ url: tusUpload.url ?? '' }),
      onError: (error) => {
        const response = (error as tus.DetailedError).originalResponse;
        if (response) resolve({ status: response.getStatus(), body: response.getBody() });
        else reject(error);
      },
    });
    tusUpload.start();
  });
}

function refOf(model: string, recordId: string, bytes: Buffer, name = 'photo.png'): Record<string, unknown> {
  return { key: attachmentKey(model, recordId, sha256(bytes)), contentType: 'image/png', size: bytes.length, sha256: sha256(bytes), name };
}

function idOf(answer: Gql, field: string): string {
  const record = answer.body.data?.[field];
  assert.ok(record, JSON.stringify(answer.body));
  return record.id as string;
}

function suite(dialect: Dialect): void {
  describe(`attachments mounted on ${dialect}`, { skip: dialect === 'postgres' ? pgSkip : undefined }, () => {
    let running: Running;
    let alice: Caller;
    let bob: Caller;
    let apiKey: Caller;
    before(async () => {
      running = await start(dialect, ATTACHMENT_SDL, { maxFileBytes: 1_000_000, maxUserBytes: 3_000_000, retentionMs: 60_000 });
      alice = await signUp(running.server, 'alice');
      bob = await signUp(running.server, 'bob');
      apiKey = { headers: { 'x-api-key': (await running.server.authStore.createApiKey()).key } };
    });
    after(() => running.close());

    test('the capability and its path are announced, on answers and on request errors', async () => {
      const answer = await gql(running.server, alice, '{ __typename }');
      assert.deepEqual(answer.body.extensions?.outpost?.capabilities, ['mutationBatching', 'mutationIds', 'syncTotals', 'attachments']);
      assert.equal(answer.body.extensions?.outpost?.attachmentsPath, '/attachments/');
      const refused = await gql(running.server, { headers: {} }, '{ __typename }');
      assert.equal(refused.status, 401);
      assert.equal(refused.body.extensions?.outpost?.attachmentsPath, '/attachments/');
      assert.equal(running.server.attachmentsUrl, `${running.base}/attachments/`);
    });

    test('the owner uploads a photo to her record and downloads it byte for byte', async () => {
      const id = idOf(await createObservation(running.server, alice, { title: 'north wall' }), 'createObservation');
      const photo = pngBytes(300_000, 7);
      const uploaded = await upload(running.base, alice, photo, { recordId: id });
      assert.ok('url' in uploaded, JSON.stringify(uploaded));
      assert.equal(new URL(uploaded.url).pathname, `/attachments/${attachmentKey('Observation', id, sha256(photo))}`);
      const saved = await updateObservation(running.server, alice, { id, photos: [refOf('Observation', id, photo)] });
      assert.equal(saved.body.errors, undefined, JSON.stringify(saved.body));
      const download = await fetch(uploaded.url, { headers: alice.headers });
      assert.equal(download.status, 200);
      assert.equal(download.headers.get('content-type'), 'image/png');
      assert.deepEqual(Buffer.from(await download.arrayBuffer()), photo);
      if (dialect === 'sqlite') assert.ok(readdirSync(join(running.dir, 'attachments')).length > 0, 'blobs beside the SQLite file');
    });

    test('another user gets 404 on HEAD and GET and cannot upload to the record', async () => {
      const id = idOf(await createObservation(running.server, alice, { title: 'private' }), 'createObservation');
      const photo = pngBytes(20_000, 8);
      const uploaded = await upload(running.base, alice, photo, { recordId: id });
      assert.ok('url' in uploaded, JSON.stringify(uploaded));
      const url = uploaded.url;
      for (const method of ['HEAD', 'GET']) {
        const response = await fetch(url, { method, headers: { ...bob.headers, 'Tus-Resumable': '1.0.0' } });
        assert.equal(response.status, 404, `${method} by bob`);
        const owner = await fetch(url, { method, headers: { ...alice.headers, 'Tus-Resumable': '1.0.0' } });
        assert.equal(owner.status, 200, `${method} by alice`);
      }
      const byBob = await upload(running.base, bob, pngBytes(10_000, 9), { recordId: id });
      assert.deepEqual('status' in byBob && byBob.status, 404, JSON.stringify(byBob));
      const byKey = await upload(running.base, apiKey, pngBytes(10_000, 10), { recordId: id });
      assert.deepEqual('status' in byKey && byKey.status, 404, 'an API key may not read an owner-only record');
    });

    test('an API key uploads to a public record: authentication as for GraphQL', async () => {
      const created = await gql(running.server, apiKey, 'mutation { createMemo(input: { text: "hi" }) { id } }');
      const id = idOf(created, 'createMemo');
      const file = pngBytes(5_000, 11);
      const uploaded = await upload(running.base, apiKey, file, { model: 'Memo', recordId: id, field: 'file' });
      assert.ok('url' in uploaded, JSON.stringify(uploaded));
      const download = await fetch(uploaded.url, { headers: apiKey.headers });
      assert.deepEqual(Buffer.from(await download.arrayBuffer()), file);
      // `allow: public` is the API key's rule (as on AppSync): a signed-in user is not granted by it.
      assert.equal((await fetch(uploaded.url, { headers: alice.headers })).status, 404);
      const anonymous = await fetch(uploaded.url);
      assert.equal(anonymous.status, 401);
      const forged = await fetch(uploaded.url, { headers: { authorization: 'Bearer not.a.token' } });
      assert.equal(forged.status, 401);
    });

    test('no upload to a record that does not exist yet or was deleted, nor to a field that holds no attachments', async () => {
      const early = await upload(running.base, alice, pngBytes(5_000, 12), { recordId: 'not-created-yet' });
      assert.deepEqual('status' in early && early.status, 404, JSON.stringify(early));
      const created = await createObservation(running.server, alice, { title: 'to delete' });
      const id = idOf(created, 'createObservation');
      const titled = await upload(running.base, alice, pngBytes(5_000, 13), { recordId: id, field: 'title' });
      assert.ok('status' in titled && titled.status === 400 && /Observation\.title is not an attachment field/.test(titled.body), JSON.stringify(titled));
      const deleted = await gql(running.server, alice, 'mutation ($id: ID!) { deleteObservation(input: { id: $id, _version: 1 }) { id _deleted } }', { id });
      assert.equal(deleted.body.errors, undefined, JSON.stringify(deleted.body));
      const late = await upload(running.base, alice, pngBytes(5_000, 14), { recordId: id });
      assert.deepEqual('status' in late && late.status, 404, JSON.stringify(late));
    });

    test('the per-file limit refuses with 413 naming the limit', async () => {
      const id = idOf(await createObservation(running.server, alice, { title: 'big' }), 'createObservation');
      const refused = await upload(running.base, alice, pngBytes(1_200_000, 15), { recordId: id });
      assert.ok('status' in refused && refused.status === 413 && /1000000 bytes/.test(refused.body), JSON.stringify(refused));
    });

    test('a malformed attachment value is refused by create and update, naming Model.field and the problem', async () => {
      const photo = pngBytes(1_000, 16);
      const good = refOf('Observation', 'x', photo);
      const bad = await createObservation(running.server, alice, { title: 'bad', photos: [good, { ...good, sha256: 'ABC' }] });
      assert.equal(bad.body.data?.createObservation ?? null, null);
      assert.equal(bad.body.errors?.[0]?.errorType, 'ValidationError');
      assert.match(
        bad.body.errors?.[0]?.message ?? '',
        /^Observation\.photos\[1\] is not a valid attachment: attachment sha256 must be 64 lower-case hex digits/,
      );
      const id = idOf(await createObservation(running.server, alice, { title: 'fine', photos: [good] }), 'createObservation');
      const badCover = await updateObservation(running.server, alice, { id, cover: { ...good, contentType: 'not a type' } });
      assert.equal(badCover.body.errors?.[0]?.errorType, 'ValidationError');
      assert.match(
        badCover.body.errors?.[0]?.message ?? '',
        /^Observation\.cover is not a valid attachment: attachment contentType "not a type" is not a MIME type/,
      );
      const negative = await updateObservation(running.server, alice, { id, photos: [{ ...good, size: -1 }] });
      assert.match(negative.body.errors?.[0]?.message ?? '', /^Observation\.photos\[0\] is not a valid attachment: attachment size/);
    });

    test('the retention sweep removes a blob no record references and keeps a referenced one', async () => {
      const id = idOf(await createObservation(running.server, alice, { title: 'retention' }), 'createObservation');
      const kept = pngBytes(4_000, 17);
      const dropped = pngBytes(4_000, 18);
      const keptUpload = await upload(running.base, alice, kept, { recordId: id });
      const droppedUpload = await upload(running.base, alice, dropped, { recordId: id });
      assert.ok('url' in keptUpload && 'url' in droppedUpload);
      const saved = await updateObservation(running.server, alice, { id, photos: [refOf('Observation', id, kept)] });
      assert.equal(saved.body.errors, undefined, JSON.stringify(saved.body));
      // Younger than the window: nothing is touched.
      const young = await running.server.sweepAttachments();
      assert.equal(young?.deletedUnreferenced, 0);
      const later = await running.server.sweepAttachments(new Date(Date.now() + 120_000));
      assert.ok(later !== null && later.deletedUnreferenced >= 1 && later.kept >= 1, JSON.stringify(later));
      assert.equal((await fetch(droppedUpload.url, { headers: alice.headers })).status, 404, 'the unreferenced blob is gone');
      const download = await fetch(keptUpload.url, { headers: alice.headers });
      assert.deepEqual(Buffer.from(await download.arrayBuffer()), kept, 'the referenced blob stays');
    });
  });
}

suite('sqlite');
suite('postgres');

describe('attachments not mounted', () => {
  test('off by option: no capability, no endpoint, the announcement as before', async () => {
    const running = await start('sqlite', ATTACHMENT_SDL, { enabled: false });
    try {
      const alice = await signUp(running.server, 'alice');
      const answer = await gql(running.server, alice, '{ __typename }');
      assert.deepEqual(answer.body.extensions?.outpost, { version: 1, capabilities: ['mutationBatching', 'mutationIds', 'syncTotals'], maxItemBytes: 409_600 });
      assert.equal(running.server.attachmentsUrl, null);
      assert.equal(await running.server.sweepAttachments(), null);
      const response = await fetch(`${running.base}/attachments`, {
        method: 'POST',
        headers: { ...alice.headers, 'Tus-Resumable': '1.0.0', 'Upload-Length': '3' },
      });
      assert.equal(response.status, 404);
      assert.equal(existsSync(join(running.dir, 'attachments')), false, 'no blob directory is made');
    } finally {
      await running.close();
    }
  });

  test('a schema without attachment fields: nothing mounted, the wire as before', async () => {
    const running = await start('sqlite', TEST_SDL);
    try {
      const alice = await signUp(running.server, 'alice');
      const answer = await gql(running.server, alice, '{ __typename }');
      assert.deepEqual(answer.body.extensions?.outpost, { version: 1, capabilities: ['mutationBatching', 'mutationIds', 'syncTotals'], maxItemBytes: 409_600 });
      assert.equal(running.server.attachmentsUrl, null);
    } finally {
      await running.close();
    }
  });
});

describe('attachment retention timer', () => {
  test('runs on the purge period and removes an unreferenced blob on its own', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'outpost-attachments-timer-'));
    const server = await startServer({
      schema: ATTACHMENT_SDL,
      database: `sqlite:${join(dir, 'server.db')}`,
      port: 0,
      attachments: { directory: join(dir, 'blobs'), retentionMs: 200 },
      retention: { purgeIntervalMs: 100 },
      reportError: (error) => console.error('server:', error),
    });
    try {
      const base = server.url.replace(/\/graphql$/, '');
      const alice = await signUp(server, 'alice');
      const id = idOf(await createObservation(server, alice, { title: 'timer' }), 'createObservation');
      const photo = pngBytes(2_000, 19);
      // 2 kB go in the one PATCH right after the creation, well inside the window: never swept unfinished.
      const uploaded = await upload(base, alice, photo, { recordId: id });
      assert.ok('url' in uploaded, JSON.stringify(uploaded));
      assert.ok(readdirSync(join(dir, 'blobs')).length > 0, 'blobs in the configured directory');
      const deadline = Date.now() + 5_000;
      let status = 200;
      while (status !== 404 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        status = (await fetch(uploaded.url, { headers: alice.headers })).status;
      }
      assert.equal(status, 404, 'swept by the timer');
    } finally {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
