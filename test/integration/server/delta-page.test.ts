// Delta sync pages over a long change log, on SQLite and PostgreSQL: the first page starts at the
// model's first change since `lastSync` (found on the (model, changed_at, seq) index), not at the
// start of the model's change log, and paging by seq still returns every later change exactly once.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { postgresUnavailable, startHarness, type Harness } from './server-harness.js';

const harnesses: Harness[] = [];
after(async () => {
  for (const h of harnesses) await h.close();
});

const OLD = 300;
const RECENT = 7;
const SINCE = 1_000_000;

/** Writes OLD changes of Note before SINCE, then RECENT after it, with Ticket changes in between. */
async function fill(h: Harness): Promise<void> {
  const storage = h.server.storage;
  const note = (i: number, at: number) => ({ id: `n${i}`, text: `note ${i}`, count: i, _version: 1, _lastChangedAt: at, _deleted: null });
  await storage.writeTransaction('Note', async (tx) => {
    for (let i = 0; i < OLD; i++) await tx.appendChange('Note', note(i, 1_000 + i));
  });
  await storage.writeTransaction('Ticket', async (tx) => {
    for (let i = 0; i < 5; i++) await tx.appendChange('Ticket', { id: `t${i}`, title: 't', _version: 1, _lastChangedAt: SINCE + i, _deleted: null });
  });
  await storage.writeTransaction('Note', async (tx) => {
    for (let i = 0; i < RECENT; i++) await tx.appendChange('Note', note(OLD + i, SINCE + i));
  });
}

for (const dialect of ['sqlite', 'postgres'] as const) {
  test(`${dialect}: delta pages start at the first change since lastSync and page through the rest once`, async (t) => {
    if (dialect === 'postgres') {
      const why = await postgresUnavailable();
      if (why) return t.skip(why);
    }
    const h = await startHarness(dialect);
    harnesses.push(h);
    await fill(h);
    const storage = h.server.storage;

    const seen: string[] = [];
    let afterSeq = 0;
    for (let pages = 0; pages < 10; pages++) {
      const page = await storage.deltaPage('Note', { since: SINCE, afterSeq, limit: 3 });
      if (page.length === 0) break;
      seen.push(...page.map((e) => String(e.item.id)));
      afterSeq = page[page.length - 1].seq;
    }
    assert.deepEqual(
      seen,
      Array.from({ length: RECENT }, (_, i) => `n${OLD + i}`),
    );
    assert.deepEqual(await storage.deltaPage('Note', { since: SINCE + 1_000, afterSeq: 0, limit: 3 }), [], 'nothing since then');
    assert.equal((await storage.deltaPage('Note', { since: 0, afterSeq: 0, limit: 1_000 })).length, OLD + RECENT);

    if (dialect === 'sqlite') {
      // The first-page look-up is a range of the (model, changed_at, seq) index, not a scan.
      const file = fileURLToPath(new URL(h.databaseUrl.replace(/^sqlite:/, 'file:')));
      const db = new Database(file, { readonly: true });
      try {
        const plan = db.prepare(`explain query plan select min(seq) from _outpost_changes where model = ? and changed_at >= ?`).all('Note', SINCE) as Array<{
          detail: string;
        }>;
        assert.match(plan.map((p) => p.detail).join(' | '), /USING COVERING INDEX _outpost_changes_model_changed_at \(model=\? AND changed_at>\?\)/);
      } finally {
        db.close();
      }
    }
  });
}
