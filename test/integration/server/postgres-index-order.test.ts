// PostgreSQL serves `@index` queries (one partition, ordered by the sort key in byte order, then
// the key) from an index in that order, so a page does not sort the whole partition. The query
// below has the shape of storage `indexPage` (kysely-storage.ts); with sorting disabled for the
// session, a plan that still needs a Sort node means no index provides the order.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { postgresUnavailable, startHarness, type Harness } from './server-harness.js';

let h: Harness | undefined;
after(async () => {
  await h?.close();
});

test('postgres: an @index page of one partition is read in order from an index, ascending and descending', async (t) => {
  const why = await postgresUnavailable();
  if (why) return t.skip(why);
  h = await startHarness('postgres');
  await h.server.storage.writeTransaction('Comment', async (tx) => {
    for (let i = 0; i < 500; i++) {
      await tx.put(
        'Comment',
        {
          id: `c${i}`,
          postID: `p${i % 5}`,
          rank: i,
          content: null,
          owner: null,
          createdAt: null,
          updatedAt: null,
          _version: 1,
          _lastChangedAt: 1,
          _deleted: null,
        },
        null,
      );
    }
  });
  const client = new pg.Client({ connectionString: h.databaseUrl });
  await client.connect();
  try {
    await client.query('analyze "Comment"');
    await client.query('set enable_sort = off');
    await client.query('set enable_seqscan = off');
    for (const dir of ['asc', 'desc']) {
      const cmp = dir === 'asc' ? '>' : '<';
      const { rows } = await client.query(
        `explain select * from "Comment" where "postID" = $1 and "rank" is not null
           and ("rank" ${cmp} $2 or ("rank" = $2 and "id" collate "C" ${cmp} $3))
         order by "rank" ${dir}, "id" collate "C" ${dir} limit 10`,
        ['p1', 50, 'c50'],
      );
      const plan = rows.map((r: Record<string, string>) => r['QUERY PLAN']).join('\n');
      assert.doesNotMatch(plan, /\bSort\b/, plan);
      assert.match(plan, /Comment_byPost_c/, plan);
    }
  } finally {
    await client.end();
  }
});
