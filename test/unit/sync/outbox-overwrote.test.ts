// The pending `overwrote` item of a conflict retry, as plain decisions: what a retry replaces of
// another device's values (outbox-conflict.ts retryOverwrote), and whether the item is stored when
// the entry completes with a server record (core/uncertain-verdict.ts overwroteToStore) — stored
// whenever the record may hold the retry, as losing it is worse than reporting it once too often.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getModel } from '../../../common/schema/model-fields.js';
import type { ModelRecord } from '../../../common/schema/types.js';
import type { OutboxEntry, PendingOverwrote } from '../../../main/datastore/outbox-entry.js';
import { overwroteToStore } from '../../../main/sync/core/uncertain-verdict.js';
import { retryOverwrote } from '../../../main/sync/outbox-conflict.js';
import { exampleSchema } from '../datastore/temp-datastore.js';

const site = getModel(exampleSchema(), 'Site');
const pending = (remoteVersion: number | null): PendingOverwrote => ({
  item: {
    kind: 'overridden',
    model: 'Site',
    modelId: 's1',
    operation: 'Update',
    fields: ['code'],
    mine: { id: 's1', code: 'B' },
    theirs: null,
    reason: 'r',
    overwrote: true,
  },
  remoteVersion,
});

test('overwroteToStore: stored when the completed record may hold the retry, never otherwise', () => {
  const cases: Array<[string, PendingOverwrote | null, ModelRecord, boolean]> = [
    ['no pending item', null, { id: 's1', _version: 9 }, false],
    ['the retry applied (version past the one it was based on)', pending(5), { id: 's1', _version: 6 }, true],
    ['the retry or a later write there', pending(5), { id: 's1', _version: 12 }, true],
    ['still the version the retry was based on: it never arrived', pending(5), { id: 's1', _version: 5 }, false],
    ['the original write applied on an older version', pending(5), { id: 's1', _version: 2 }, false],
    ['no version on the record: stored (over-reporting is acceptable)', pending(5), { id: 's1' }, true],
    ['no version known of the remote: stored', pending(null), { id: 's1', _version: 1 }, true],
  ];
  for (const [what, kept, record, stored] of cases) {
    assert.equal(overwroteToStore(kept, record), stored ? kept?.item : null, what);
  }
});

test('retryOverwrote: the other device’s changes to fields the retry writes, with the remote version; null when none', () => {
  const entry: OutboxEntry = {
    id: 1,
    model: 'Site',
    modelId: 's1',
    operation: 'Update',
    data: { id: 's1', code: 'A', _version: 1 },
    condition: null,
    inFlight: true,
    createdAt: 0,
    base: { code: 'orig' },
    mutationId: 'm-1',
  };
  const remote = { id: 's1', name: 'Site', code: 'B', _version: 5 };
  const kept = retryOverwrote(site, entry, { id: 's1', code: 'A', _version: 5 }, remote);
  assert.equal(kept?.remoteVersion, 5);
  assert.deepEqual([kept?.item.fields, kept?.item.overwrote, kept?.item.theirs, kept?.item.mutationId], [['code'], true, remote, 'm-1']);
  assert.equal(retryOverwrote(site, entry, { id: 's1', code: 'A', _version: 5 }, { ...remote, code: 'orig' }), null, 'the other device did not change code');
  assert.equal(retryOverwrote(site, entry, { id: 's1', code: 'A', _version: 5 }, { ...remote, _version: 'x' })?.remoteVersion, null);
});
