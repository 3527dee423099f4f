// Structured logs and metrics over a full session (issue 17): password sign-in and refresh, an API
// key, mutations with distinctive content (one refused by its condition), a desktop worker's
// subscriptions and sync, an attachment upload, a bad API key. The captured log (default level)
// holds one JSON line per request with its id, and none of the session's passwords, tokens, API key
// or record strings; a client's well-formed x-request-id is kept and returned, in the header and in
// an error answer. GET /metrics refuses without its token and shows the counters the session moved.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { parseSchema } from '../../../common/schema/parse-schema.js';
import { startServer } from '../../../server/index.js';
import { createServerLog } from '../../../server/observability/server-log.js';
import { authOf, openClient, waitFor } from '../sync/sync-clients.js';
import { APP_SDL, gql } from './ops-harness.js';

const dir = mkdtempSync(join(tmpdir(), 'outpost-logs-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function metricValue(text: string, name: string, labels: Record<string, string> = {}): number {
  let total = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (!Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) continue;
    total += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return total;
}

test('a full session: request lines with ids and nothing secret; metrics counted and protected', async () => {
  const lines: string[] = [];
  const logger = createServerLog({ destination: { write: (line: string) => void lines.push(line) } });
  const metricsToken = randomBytes(24).toString('hex');
  const server = await startServer({
    schema: APP_SDL,
    database: `sqlite:${join(dir, 'server.db')}`,
    port: 0,
    logger,
    metrics: { token: metricsToken },
  });
  const base = server.url.replace(/\/graphql$/, '');
  const password = `pw-${randomBytes(8).toString('hex')}`;
  const secrets: string[] = [password, metricsToken];
  const recordStrings: string[] = [];
  let client: ReturnType<typeof openClient> | undefined;
  try {
    await server.authStore.addUser({ username: 'ana', password });
    const { key: apiKey } = await server.authStore.createApiKey({ description: 'ops test' });
    secrets.push(apiKey);
    const signedIn = (await (
      await fetch(`${base}/auth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'ana', password }),
      })
    ).json()) as { accessToken: string; refreshToken: string };
    const refreshed = (await (
      await fetch(`${base}/auth/refresh`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ refreshToken: signedIn.refreshToken }),
      })
    ).json()) as { accessToken: string; refreshToken: string };
    secrets.push(signedIn.accessToken, signedIn.refreshToken, refreshed.accessToken, refreshed.refreshToken);
    const ana = { authorization: refreshed.accessToken };

    // A desktop worker: subscriptions, sync, live events.
    client = openClient(server.url, authOf({ headers: ana }), { schema: parseSchema(APP_SDL), models: ['Site'] });
    await client.worker.start();
    await waitFor('subscribed', () => client!.events.some((e) => e.type === 'subscriptionsEstablished'), 15_000);

    const requestId = 'test-request-0001';
    for (let i = 0; i < 3; i++) {
      const name = `record-content-${randomBytes(6).toString('hex')}`;
      recordStrings.push(name);
      const answer = await gql(
        base,
        { ...ana, 'x-request-id': `${requestId}-${i}` },
        'mutation Make($i: CreateSiteInput!) { createSite(input: $i) { id _version } }',
        {
          i: { id: `site-${i}`, name },
        },
      );
      assert.equal(answer.body.errors, undefined);
      assert.equal(answer.headers.get('x-request-id'), `${requestId}-${i}`);
    }
    await waitFor('the worker to get the sites live', async () => (await client!.datastore.get('Site', 'site-2')) !== undefined, 15_000);
    const refused = await gql(base, ana, 'mutation Rename($i: UpdateSiteInput!, $c: ModelSiteConditionInput) { updateSite(input: $i, condition: $c) { id } }', {
      i: { id: 'site-0', name: 'x', _version: 1 },
      c: { name: { eq: 'not the name' } },
    });
    assert.equal(refused.body.errors?.[0]?.errorType, 'ConditionalCheckFailedException');
    assert.equal(refused.body.errors?.[0]?.extensions?.requestId, refused.headers.get('x-request-id'));

    // A malformed request id is replaced; a bad API key is refused with the id in the error.
    const bad = await gql(base, { 'x-api-key': 'da2-wrong-key', 'x-request-id': 'has spaces "and quotes"' }, '{ __typename }');
    assert.equal(bad.status, 401);
    const badId = bad.headers.get('x-request-id') ?? '';
    assert.match(badId, /^[0-9a-f-]{36}$/);
    assert.equal(bad.body.errors?.[0]?.extensions?.requestId, badId);
    assert.equal((await gql(base, { 'x-api-key': apiKey }, '{ __typename }')).status, 200);

    // An attachment upload (tus creation with upload), content distinctive too.
    const bytes = Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      Buffer.from(`attachment-bytes-${randomBytes(8).toString('hex')}`),
    ]);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const inspection = '0f1c2d3e-4a5b-4c6d-8e7f-901a2b3c4d5e';
    const created = await gql(base, ana, 'mutation($i: CreateInspectionInput!) { createInspection(input: $i) { id } }', {
      i: {
        id: inspection,
        siteID: 'site-0',
        title: 'inspection title secret',
        status: 'DRAFT',
        attachments: [{ key: `Inspection/${inspection}/${sha256}`, contentType: 'image/png', size: bytes.length, sha256, name: 'p.png' }],
      },
    });
    assert.equal(created.body.errors, undefined, JSON.stringify(created.body.errors));
    recordStrings.push('inspection title secret', bytes.subarray(8).toString('utf8'));
    const meta = (o: Record<string, string>) =>
      Object.entries(o)
        .map(([k, v]) => `${k} ${Buffer.from(v).toString('base64')}`)
        .join(',');
    const upload = await fetch(`${base}/attachments`, {
      method: 'POST',
      headers: {
        ...ana,
        'tus-resumable': '1.0.0',
        'upload-length': String(bytes.length),
        'content-type': 'application/offset+octet-stream',
        'upload-metadata': meta({ model: 'Inspection', recordId: inspection, field: 'attachments', sha256, contentType: 'image/png', filename: 'p.png' }),
      },
      body: bytes,
    });
    assert.equal(upload.status, 201, await upload.text());

    // Metrics: refused without the token, counted with it.
    assert.equal((await fetch(`${base}/metrics`)).status, 401);
    assert.equal((await fetch(`${base}/metrics`, { headers: { authorization: 'Bearer wrong' } })).status, 401);
    const scraped = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${metricsToken}` } });
    assert.equal(scraped.status, 200);
    const text = await scraped.text();
    assert.equal(metricValue(text, 'outpost_mutations_total', { model: 'Site', strategy: 'FIELD_MERGE', result: 'accepted' }), 3);
    assert.equal(metricValue(text, 'outpost_mutations_total', { model: 'Site', result: 'condition_failed' }), 1);
    assert.equal(metricValue(text, 'outpost_mutations_total', { model: 'Inspection', result: 'accepted' }), 1);
    assert.ok(metricValue(text, 'outpost_sync_pages_total', { model: 'Site' }) >= 1);
    assert.ok(metricValue(text, 'outpost_auth_failures_total', { route: 'graphql' }) >= 1);
    assert.ok(metricValue(text, 'outpost_auth_failures_total', { route: 'metrics' }) >= 2);
    assert.equal(metricValue(text, 'outpost_realtime_connections'), 1);
    assert.ok(metricValue(text, 'outpost_realtime_subscriptions') >= 3);
    assert.ok(metricValue(text, 'outpost_change_log_entries') >= 4);
    assert.ok(metricValue(text, 'outpost_http_request_duration_seconds_count', { route: 'graphql', operation: 'mutation' }) >= 5);
    assert.ok(metricValue(text, 'outpost_http_requests_total', { route: 'attachments' }) >= 1);
  } finally {
    await client?.dispose();
    await server.close();
  }

  const log = lines.join('');
  for (const secret of secrets) assert.ok(!log.includes(secret), `a secret (${secret.slice(0, 6)}…) is in the log`);
  for (const text of recordStrings) assert.ok(!log.includes(text), `record content ${text} is in the log`);
  const requests = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === 'request');
  const made = requests.find((l) => l.reqId === 'test-request-0001-0');
  assert.equal(made?.operation, 'Make');
  assert.equal(made?.operationType, 'mutation');
  assert.equal(made?.status, 200);
  assert.equal(typeof made?.durationMs, 'number');
  assert.match(String(made?.user), /^[0-9a-f-]{36}$/);
  assert.ok(requests.some((l) => l.path === '/auth/token' && l.status === 200));
  assert.ok(requests.some((l) => l.status === 401 && l.path === '/graphql'));
});
