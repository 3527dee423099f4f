// The Sync activity screen's words, by table: each row one sync event and the line it makes (or
// none), with models named by their schema labels and counts pluralised.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseSchema } from '../../../common/schema/parse-schema.js';
import type { SyncEvent } from '../../../common/sync/sync-events.js';
import { describeSyncEvent, hostOf, joinWords, receivedText } from '../../../main/app/sync-activity-words.js';

const schema = parseSchema(
  /* GraphQL */ `
type Site @model @auth(rules: [{ allow: public }]) {
  id: ID!
  name: String!
}
type FieldVisit @model @auth(rules: [{ allow: public }]) {
  id: ID!
  notes: String
}
type Person @model @auth(rules: [{ allow: public }]) {
  id: ID!
  name: String!
}`,
  'words.graphql',
);

const counts = (n: number, u = 0, d = 0) => ({ new: n, updated: u, deleted: d });
const synced = (model: string, c: ReturnType<typeof counts>, complete = true): SyncEvent => ({
  type: 'modelSynced',
  data: { model, isFullSync: true, isDeltaSync: false, counts: c, complete },
});

const rows: ReadonlyArray<readonly [string, SyncEvent, { text: string; level: 'info' | 'problem' } | null]> = [
  ['online', { type: 'networkStatus', data: { active: true } }, { text: 'Connected to the server', level: 'info' }],
  [
    'offline',
    { type: 'networkStatus', data: { active: false } },
    { text: 'Went offline: changes wait on this computer and are sent when the server can be reached', level: 'problem' },
  ],
  [
    'a round starts over three models, by their plural labels',
    { type: 'syncQueriesStarted', data: { models: ['Site', 'FieldVisit', 'Person'] } },
    { text: 'Checking the server for changes to sites, field visits and people', level: 'info' },
  ],
  [
    'a round over many models is counted',
    { type: 'syncQueriesStarted', data: { models: ['A', 'B', 'C', 'D'] } },
    { text: 'Checking the server for changes to 4 kinds of record', level: 'info' },
  ],
  ['one new site', synced('Site', counts(1)), { text: 'Received 1 new site from the server', level: 'info' }],
  ['new, changed and deleted', synced('Site', counts(3, 1, 2)), { text: 'Received 3 new sites, 1 changed and 2 deleted from the server', level: 'info' }],
  ['only changed', synced('FieldVisit', counts(0, 2)), { text: 'Received 2 field visits changed from the server', level: 'info' }],
  ['a model with nothing new says nothing', synced('Site', counts(0)), null],
  [
    'stopped at the limit',
    synced('Site', counts(5), false),
    { text: 'Received 5 new sites; more sites wait on the server (the sync limit stopped this round)', level: 'problem' },
  ],
  [
    'the limit reached',
    { type: 'syncLimitReached', data: { model: 'Site', maxRecordsToSync: 5, received: 5, leftOut: 3, total: 8 } },
    { text: 'Only 5 of 8 sites are on this computer: raise "Max records to sync per model" in Settings to get the rest', level: 'problem' },
  ],
  ['up to date', { type: 'syncQueriesReady', data: undefined }, { text: 'Up to date with the server', level: 'info' }],
  [
    'one change accepted, the record by its title',
    { type: 'outboxMutationProcessed', data: { model: 'Site', element: { id: 's1', name: 'North 1' } } },
    { text: 'Sent a change to site “North 1”', level: 'info' },
  ],
  ['progress ticks say nothing', { type: 'syncProgress', data: { model: 'Site', received: 10, isFullSync: true } }, null],
  ['outbox counts say nothing', { type: 'outboxStatus', data: { isEmpty: true, unsynced: 0 } }, null],
  ['a local enqueue says nothing', { type: 'outboxMutationEnqueued', data: { model: 'Site', element: { id: 's1' } } }, null],
  [
    'a conflict kept the server’s version',
    {
      type: 'conflict',
      data: {
        model: 'Site',
        localModel: { id: 's1', name: 'Mine' },
        operation: 'UPDATE',
        attempts: 1,
        recordId: 's1',
        remoteModel: { id: 's1', name: 'Theirs' },
        resolution: { kind: 'discard', why: 'handler' },
      },
    },
    { text: 'Site “Theirs” was changed on another device too: the server’s version was kept; see Review for your values', level: 'problem' },
  ],
  [
    'a refused change',
    { type: 'error', data: { process: 'mutate', message: 'name is too long', errorType: 'Validation', model: 'Site', localModel: { id: 's1', name: 'N' } } },
    { text: 'The server refused a change to site “N”: name is too long', level: 'problem' },
  ],
  [
    'a sync query failed',
    { type: 'error', data: { process: 'sync', message: 'timed out', errorType: 'Network', model: 'FieldVisit' } },
    { text: 'Could not get field visits from the server: timed out', level: 'problem' },
  ],
];

for (const [name, event, expected] of rows) {
  test(`describeSyncEvent: ${name}`, () => {
    const words = describeSyncEvent(event, schema);
    assert.deepEqual(words === null ? null : { text: words.text, level: words.level }, expected);
  });
}

test('accepted changes carry a tally that says many as one line', () => {
  const words = describeSyncEvent({ type: 'outboxMutationProcessed', data: { model: 'Person', element: { id: 'p1', name: 'Ana' } } }, schema);
  assert.equal(words?.tally?.key, 'sent:Person');
  assert.equal(words?.tally?.text(1), 'Sent a change to person “Ana”');
  assert.equal(words?.tally?.text(1200), 'Sent 1,200 changes to people');
});

test('without a schema, models are named from their type names', () => {
  assert.equal(describeSyncEvent(synced('FieldVisit', counts(2)))?.text, 'Received 2 new field visits from the server');
});

test('helpers: joinWords, receivedText, hostOf', () => {
  assert.deepEqual([joinWords([]), joinWords(['a']), joinWords(['a', 'b']), joinWords(['a', 'b', 'c'])], ['', 'a', 'a and b', 'a, b and c']);
  assert.equal(receivedText(schema, 'Site', counts(0, 0, 0)), null);
  assert.equal(receivedText(schema, 'Site', counts(Number.NaN, -1, 1)), '1 site deleted');
  assert.deepEqual([hostOf('http://127.0.0.1:4000/'), hostOf('not a url'), hostOf(null)], ['127.0.0.1:4000', 'not a url', 'no server']);
});
