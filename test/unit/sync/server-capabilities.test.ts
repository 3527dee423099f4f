// The server's announcement (`extensions.outpost`, the wire contract) read into types, and the
// per-worker capabilities it updates: nothing is assumed before an answer or after one without it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_MAX_ITEM_BYTES, readOutpostExtension, ServerCapabilities } from '../../../main/sync/server-capabilities.js';

test('readOutpostExtension reads what an Outpost server announces and ignores what it cannot trust', () => {
  const rows: Array<{
    name: string;
    extensions: unknown;
    expected: null | { capabilities: string[]; maxItemBytes: number | null; syncTotals: Record<string, number> };
  }> = [
    { name: 'no extensions (AppSync)', extensions: undefined, expected: null },
    { name: 'extensions without outpost', extensions: { traceId: 'x' }, expected: null },
    { name: 'outpost without a version', extensions: { outpost: { capabilities: ['mutationBatching'] } }, expected: null },
    { name: 'outpost not an object', extensions: { outpost: 'yes' }, expected: null },
    {
      name: 'the full announcement',
      extensions: { outpost: { version: 1, capabilities: ['mutationBatching', 'mutationIds', 'syncTotals'], maxItemBytes: 409_600 } },
      expected: { capabilities: ['mutationBatching', 'mutationIds', 'syncTotals'], maxItemBytes: 409_600, syncTotals: {} },
    },
    {
      name: 'unknown capabilities (a newer server) are ignored',
      extensions: { outpost: { version: 2, capabilities: ['mutationBatching', 'teleport', 7], maxItemBytes: 1000 } },
      expected: { capabilities: ['mutationBatching'], maxItemBytes: 1000, syncTotals: {} },
    },
    {
      name: 'malformed maxItemBytes and totals are left out',
      extensions: {
        outpost: { version: 1, capabilities: 'mutationBatching', maxItemBytes: -5, syncTotals: { syncNotes: 120, syncSites: -1, syncX: 'many', syncY: 1.5 } },
      },
      expected: { capabilities: [], maxItemBytes: null, syncTotals: { syncNotes: 120 } },
    },
  ];
  for (const row of rows) {
    const read = readOutpostExtension(row.extensions);
    if (row.expected === null) {
      assert.equal(read, null, row.name);
      continue;
    }
    assert.ok(read !== null, row.name);
    assert.deepEqual([...read.capabilities].sort(), [...row.expected.capabilities].sort(), row.name);
    assert.equal(read.maxItemBytes, row.expected.maxItemBytes, row.name);
    assert.deepEqual(read.syncTotals, row.expected.syncTotals, row.name);
  }
});

test('ServerCapabilities: unknown → announced → none follows the latest answer', () => {
  const caps = new ServerCapabilities();
  assert.equal(caps.state, 'unknown');
  assert.equal(caps.has('mutationBatching'), false);
  assert.equal(caps.maxItemBytes, DEFAULT_MAX_ITEM_BYTES);
  caps.observe(readOutpostExtension({ outpost: { version: 1, capabilities: ['mutationBatching', 'mutationIds'], maxItemBytes: 1234 } }));
  assert.equal(caps.state, 'announced');
  assert.equal(caps.has('mutationBatching'), true);
  assert.equal(caps.has('syncTotals'), false);
  assert.equal(caps.maxItemBytes, 1234);
  caps.observe(readOutpostExtension(undefined));
  assert.equal(caps.state, 'none');
  assert.equal(caps.has('mutationIds'), false);
  assert.equal(caps.maxItemBytes, DEFAULT_MAX_ITEM_BYTES, 'a backend without the announcement is held to DynamoDB’s 400 KB');
});
