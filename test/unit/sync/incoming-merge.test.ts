// The merge decision for an incoming server record, one row per case of the rules in
// main/sync/core/incoming-merge.ts, plus: content is compared only where it decides something.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decideIncoming, type IncomingDecision, type IncomingSide, type LocalSide } from '../../../main/sync/core/incoming-merge.js';

type Row = [name: string, local: LocalSide, incoming: IncomingSide, isFullSync: boolean, sameContent: boolean, expected: IncomingDecision];

const live = (version: number | null): IncomingSide => ({ tombstone: false, version });
const tomb = (version: number | null): IncomingSide => ({ tombstone: true, version });
const row = (version: number | null | undefined, pending = false): LocalSide => ({ pending, version });

const table: Row[] = [
  ['pending record left alone', row(1, true), live(5), false, false, { kind: 'skip', why: 'pending' }],
  ['pending wins over a tombstone', row(1, true), tomb(5), true, false, { kind: 'skip', why: 'pending' }],
  ['pending with no local row', row(undefined, true), live(1), false, false, { kind: 'skip', why: 'pending' }],
  ['tombstone deletes a local row', row(3), tomb(4), false, true, { kind: 'tombstone' }],
  ['tombstone of an older version still deletes', row(9), tomb(2), false, true, { kind: 'tombstone' }],
  ['tombstone with no local row (counted)', row(undefined), tomb(1), false, true, { kind: 'tombstone' }],
  ['new record inserted', row(undefined), live(1), false, true, { kind: 'insert' }],
  ['new record without a version inserted', row(undefined), live(null), true, false, { kind: 'insert' }],
  ['higher version replaces', row(2), live(3), false, true, { kind: 'update', why: 'newer' }],
  ['local row without a version is replaced', row(null), live(1), false, true, { kind: 'update', why: 'newer' }],
  ['local row without a version, incoming neither', row(null), live(null), false, true, { kind: 'update', why: 'newer' }],
  ['lower version ignored', row(5), live(4), false, false, { kind: 'skip', why: 'notNewer' }],
  ['lower version ignored in a full sync too', row(5), live(4), true, false, { kind: 'skip', why: 'notNewer' }],
  ['incoming without a version ignored', row(5), live(null), true, false, { kind: 'skip', why: 'notNewer' }],
  ['equal version ignored in a delta', row(5), live(5), false, false, { kind: 'skip', why: 'notNewer' }],
  ['equal version, same content, full sync: ignored', row(5), live(5), true, true, { kind: 'skip', why: 'notNewer' }],
  ['equal version, differing content, full sync: repaired', row(5), live(5), true, false, { kind: 'update', why: 'repair' }],
];

for (const [name, local, incoming, isFullSync, same, expected] of table) {
  test(`decideIncoming: ${name}`, () => {
    assert.deepEqual(decideIncoming(local, incoming, { isFullSync, sameContent: () => same }), expected);
  });
}

test('content is compared only in a full sync at equal versions (the comparison reads every column)', () => {
  let asked = 0;
  const sameContent = (): boolean => {
    asked++;
    return true;
  };
  for (const [, local, incoming, isFullSync] of table) {
    const before = asked;
    decideIncoming(local, incoming, { isFullSync, sameContent });
    const needed = isFullSync && !local.pending && !incoming.tombstone && typeof local.version === 'number' && incoming.version === local.version;
    assert.equal(asked - before, needed ? 1 : 0, JSON.stringify({ local, incoming, isFullSync }));
  }
  assert.ok(asked >= 2);
});
