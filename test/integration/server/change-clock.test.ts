// Change times come from one clock that every server process shares. With PostgreSQL that is the
// database's: a server process whose own clock is off (here: an hour behind) still stamps its
// changes, and a sync's startedAt, on the database's time, so another process's delta sync cannot
// skip them. (SQLite is one machine's file: the process clock is that clock.)
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { postgresUnavailable, startHarness, type Harness } from './server-harness.js';

let h: Harness | undefined;
after(async () => {
  await h?.close();
});

const HOUR = 3_600_000;

test('postgres: a server process with a skewed clock stamps changes and startedAt with the database clock', async (t) => {
  const why = await postgresUnavailable();
  if (why) return t.skip(why);
  h = await startHarness('postgres');
  const realNow = Date.now;
  const before = realNow();
  Date.now = () => realNow() - HOUR;
  let created: Record<string, unknown> | undefined;
  let page: { startedAt?: number } | undefined;
  try {
    created = (await h.gql(h.key, 'mutation { createNote(input: { text: "skewed" }) { id _lastChangedAt } }')).body.data?.createNote as Record<string, unknown>;
    page = (await h.gql(h.key, 'query { syncNotes(limit: 10) { startedAt } }')).body.data?.syncNotes as { startedAt?: number };
  } finally {
    Date.now = realNow;
  }
  const after = realNow();
  const stamped = Number(created?._lastChangedAt);
  assert.ok(
    stamped >= before - 5_000 && stamped <= after + 5_000,
    `_lastChangedAt ${stamped} is on the database clock (${before}–${after}), not an hour behind`,
  );
  const startedAt = Number(page?.startedAt);
  assert.ok(startedAt >= before - 5_000 && startedAt <= after + 5_000, `startedAt ${startedAt} is on the database clock`);
  // And a delta sync from just before the change finds it.
  const delta = (await h.gql(h.key, `query { syncNotes(limit: 10, lastSync: ${stamped - 1}) { items { id } } }`)).body.data?.syncNotes as {
    items: Array<{ id: string }>;
  };
  assert.deepEqual(
    delta.items.map((i) => i.id),
    [created?.id],
  );
});
