// A full sync's cleanup must not delete a record that reached the store by another path while its
// pages were fetched: here an outbox entry completes (the server created the record after the
// sync's snapshot) between the last page and removeMissing — real server, real datastore.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { getModel } from '../../../common/schema/model-fields.js';
import { syncModel } from '../../../main/sync/model-sync.js';
import { SyncEvents } from '../../../main/sync/sync-events.js';
import { NOTE_FIELDS, startHarness, type Harness } from '../server/server-harness.js';
import { openClient, authOf, testSchema, type TestClient } from './sync-clients.js';

let h: Harness;
const clients: TestClient[] = [];
before(async () => {
  h = await startHarness('sqlite');
});
after(async () => {
  for (const c of clients) await c.dispose();
  await h.close();
});

test('a record merged by an outbox completion during a full sync survives its cleanup', async () => {
  for (const id of ['n1', 'n2', 'n3']) {
    const created = await h.gql(h.key, `mutation ($input: CreateNoteInput!) { createNote(input: $input) { id } }`, { input: { id, text: id } });
    assert.deepEqual(created.body.errors ?? [], []);
  }
  const c = openClient(h.server.url, authOf(h.key), { models: ['Note'] });
  clients.push(c);
  const store = c.datastore;
  await store.save('Note', { id: 'mine', text: 'created offline' });
  const [entry] = await store.outbox.listEntries();
  assert.equal(entry.modelId, 'mine');

  let pages = 0;
  const controller = new AbortController();
  const result = await syncModel(
    {
      datastore: store,
      schema: testSchema,
      events: new SyncEvents(),
      syncPageSize: 2,
      maxRecordsToSync: 100,
      signal: controller.signal,
      query: async (query, variables) => {
        const answer = await h.gql(h.key, query, variables);
        const field = Object.values(answer.body.data ?? {})[0] as { nextToken?: string | null } | undefined;
        pages++;
        if (field?.nextToken == null) {
          // What the outbox processor does meanwhile: send the entry, then complete it with the
          // server's record — created after the sync's startedAt, so on no page.
          const sent = await h.gql(h.key, `mutation ($input: CreateNoteInput!) { createNote(input: $input) { ${NOTE_FIELDS} } }`, {
            input: { id: 'mine', text: 'created offline' },
          });
          assert.deepEqual(sent.body.errors ?? [], []);
          await store.outbox.completeEntry(entry.id, sent.body.data!.createNote as Record<string, unknown>);
        }
        return {
          data: answer.body.data ?? null,
          errors: (answer.body.errors ?? []).map((e) => ({ message: e.message, errorType: e.errorType ?? null })),
          networkError: null,
          httpStatus: answer.status,
        };
      },
    },
    getModel(testSchema, 'Note'),
    null,
  );
  assert.equal(result.isFullSync, true);
  assert.ok(pages >= 2, `paged (${pages} pages)`);
  assert.equal(await store.outbox.outboxCount(), 0);
  assert.equal(result.counts.deleted, 0);
  assert.deepEqual((await store.query('Note')).map((r) => r.id).sort(), ['mine', 'n1', 'n2', 'n3']);
});
