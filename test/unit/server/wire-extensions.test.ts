// The request's client mutation ids (extensions.outpostMutationIds) and the response's capability
// announcement, table-driven.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { outpostExtensions, parseMutationIds } from '../../../server/http/graphql-endpoint.js';
import { mutationIdOf } from '../../../server/resolvers/resolver-context.js';

test('parseMutationIds: accepted shapes', () => {
  const rows: Array<[unknown, Record<string, string> | undefined]> = [
    [undefined, undefined],
    [null, undefined],
    [{}, undefined],
    [{ other: 1 }, undefined],
    [{ outpostMutationIds: null }, undefined],
    [{ outpostMutationIds: {} }, {}],
    [{ outpostMutationIds: { m0: 'a', updateSite: 'b' } }, { m0: 'a', updateSite: 'b' }],
    [{ outpostMutationIds: { m0: 'x'.repeat(200) } }, { m0: 'x'.repeat(200) }],
    [
      { outpostMutationIds: Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`m${i}`, `id${i}`])) },
      Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`m${i}`, `id${i}`])),
    ],
  ];
  for (const [extensions, ids] of rows) {
    const parsed = parseMutationIds(extensions);
    assert.ok(!('problem' in parsed), JSON.stringify(extensions));
    assert.deepEqual(parsed.ids, ids);
  }
});

test('parseMutationIds: refused shapes name what is wrong', () => {
  const rows: Array<[unknown, RegExp]> = [
    [7, /"extensions" must be a JSON object/],
    [[], /"extensions" must be a JSON object/],
    [{ outpostMutationIds: [] }, /must be an object of response key → mutation id/],
    [{ outpostMutationIds: 'id' }, /must be an object/],
    [{ outpostMutationIds: { m0: 1 } }, /outpostMutationIds\.m0" must be a non-empty string of at most 200 characters/],
    [{ outpostMutationIds: { m0: '' } }, /outpostMutationIds\.m0"/],
    [{ outpostMutationIds: { m1: 'x'.repeat(201) } }, /outpostMutationIds\.m1"/],
    [{ outpostMutationIds: Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`m${i}`, 'x'])) }, /holds 101 ids; at most 100/],
  ];
  for (const [extensions, message] of rows) {
    const parsed = parseMutationIds(extensions);
    assert.ok('problem' in parsed, JSON.stringify(extensions));
    assert.match(parsed.problem, message);
  }
});

test('mutationIdOf: root fields by response key only', () => {
  const ctx = { identity: { kind: 'apiKey', keyId: 'k' } as never, mutationIds: { m0: 'id0', updateSite: 'id1' } };
  assert.equal(mutationIdOf(ctx, { responseKey: 'm0', root: true }), 'id0');
  assert.equal(mutationIdOf(ctx, { responseKey: 'updateSite', root: true }), 'id1');
  assert.equal(mutationIdOf(ctx, { responseKey: 'm1', root: true }), undefined);
  assert.equal(mutationIdOf(ctx, { responseKey: 'm0', root: false }), undefined);
  assert.equal(mutationIdOf(ctx, { responseKey: 'toString', root: true }), undefined);
  assert.equal(mutationIdOf({ identity: ctx.identity }, { responseKey: 'm0', root: true }), undefined);
});

test('outpostExtensions: the announcement, with syncTotals only when counted', () => {
  assert.deepEqual(outpostExtensions(409_600), {
    outpost: { version: 1, capabilities: ['mutationBatching', 'mutationIds', 'syncTotals'], maxItemBytes: 409_600 },
  });
  assert.deepEqual(outpostExtensions(10, new Map()).outpost.syncTotals, undefined);
  assert.deepEqual(outpostExtensions(10, new Map([['syncSites', 3]])).outpost.syncTotals, { syncSites: 3 });
});
