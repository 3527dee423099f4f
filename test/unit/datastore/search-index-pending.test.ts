// A save notes the changed rowid in the model's pending table instead of tokenizing, and the
// pending rows are folded into FTS5 in one batch before a search or after FOLD_AT writes
// (search-index.ts). Shown here: a search sees a record saved a moment ago; any mix of creates,
// edits, deletes, re-creates and sync merges (live events, tombstones, delta pages) leaves an
// index that FTS5's own integrity check finds equal to the table, with search answers those of a
// plain scan; and the pending table stays bounded by FOLD_AT when nobody searches.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import type { Datastore } from '../../../main/datastore/datastore.js';
import { FOLD_AT, searchPendingTableName, searchTableName } from '../../../main/datastore/search-index.js';
import { seededRandom } from '../../../main/sync/core/retry-policy.js';
import { openTemp, rawRows } from './temp-datastore.js';

const WORDS = ['north', 'south', 'ridge', 'river', 'école', 'forêt', 'quarry', 'marsh', 'Kestrel'];
const SEARCHES = ['north', 'ecole', 'ri', 'r', 'quarry south', 'foret m', 'c1', 'kest', 'nothing-like-this'];
const pending = (file: string) => Number(rawRows(file, `SELECT count(*) AS n FROM "${searchPendingTableName('Site')}"`)[0]!.n);
const indexed = (file: string) => Number(rawRows(file, `SELECT count(*) AS n FROM "${searchTableName('Site')}_docsize"`)[0]!.n);

/** Words of `text` as unicode61 with remove_diacritics 2 splits and folds them. */
function tokens(text: string): string[] {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w !== '');
}

/** The search's answer by a plain scan: every word typed starts a word of name or code. */
async function scanned(store: Datastore, search: string): Promise<string[]> {
  const wanted = tokens(search);
  const all = await store.query('Site');
  return all
    .filter((r) => {
      const words = tokens(`${String(r.name)} ${String(r.code ?? '')}`);
      return wanted.every((w) => words.some((x) => x.startsWith(w)));
    })
    .map((r) => String(r.id))
    .sort();
}

async function searched(store: Datastore, search: string): Promise<string[]> {
  return (await store.query('Site', { search })).map((r) => String(r.id)).sort();
}

/** FTS5's integrity check against the content table (rank 1): throws when index and table differ. */
function integrityCheck(file: string): void {
  const fts = `"${searchTableName('Site')}"`;
  const db = new Database(file);
  try {
    db.exec(`INSERT INTO ${fts}(${fts}, rank) VALUES ('integrity-check', 1)`);
  } finally {
    db.close();
  }
}

test('a save is not tokenized at once, yet a search a moment later finds it; the fold empties the pending table', async (t) => {
  const { store, file } = openTemp(t);
  const saved = await store.save('Site', { name: 'Kestrel lookout', code: 'K1' });
  assert.equal(pending(file), 1, 'the save noted its rowid');
  assert.equal(indexed(file), 0, 'and did not index it');
  assert.deepEqual(await searched(store, 'kestrel'), [saved.id]);
  assert.equal(pending(file), 0);
  assert.equal(indexed(file), 1);
  await store.save('Site', { id: saved.id, name: 'Osprey lookout' });
  assert.deepEqual(await searched(store, 'kestrel'), [], 'the old words left the index');
  assert.deepEqual(await searched(store, 'osprey'), [saved.id]);
  assert.equal(await store.count('Site', undefined, { search: 'look' }), 1);
  integrityCheck(file);
});

test('any mix of local writes and sync merges leaves the index equal to the table, searched at random moments', async (t) => {
  const { store, file } = openTemp(t);
  const random = seededRandom(16);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const name = () => `${pick(WORDS)} ${pick(WORDS)} ${Math.floor(random() * 100)}`;
  const ids: string[] = [];
  const versions = new Map<string, number>();
  let remote = 0;
  for (let step = 0; step < 1_500; step++) {
    const roll = random();
    const id = ids.length > 0 ? pick(ids) : undefined;
    if (roll < 0.3 || id === undefined) {
      ids.push(String((await store.save('Site', { name: name(), code: `C${Math.floor(random() * 20)}` })).id));
    } else if (roll < 0.5) {
      if ((await store.get('Site', { id })) !== undefined) await store.save('Site', { id, name: name() });
    } else if (roll < 0.6) {
      await store.delete('Site', { id });
    } else if (roll < 0.85) {
      // A delta page or live event from the server: new records, newer versions, tombstones.
      const page = Array.from({ length: 1 + Math.floor(random() * 40) }, () => {
        const known = random() < 0.5 ? pick(ids) : `remote-${remote++}`;
        if (!ids.includes(known)) ids.push(known);
        const version = (versions.get(known) ?? 100) + 1;
        versions.set(known, version);
        return { id: known, name: name(), code: null, tags: null, _version: version, _lastChangedAt: step, _deleted: random() < 0.15 ? true : null };
      });
      await store.remote.applyRemote('Site', page, { isFullSync: random() < 0.2 });
    } else if (roll < 0.9) {
      // Deleted and made again under the same key: a new row, perhaps on a reused rowid.
      await store.delete('Site', { id });
      await store.save('Site', { id, name: name() });
    } else {
      const search = pick(SEARCHES);
      assert.deepEqual(await searched(store, search), await scanned(store, search), `step ${step}: search ${JSON.stringify(search)}`);
      integrityCheck(file);
    }
    assert.ok(pending(file) <= FOLD_AT + 40 * 2, `step ${step}: ${pending(file)} rows pending`);
  }
  for (const search of SEARCHES) assert.deepEqual(await searched(store, search), await scanned(store, search), search);
  integrityCheck(file);
  await store.clear();
  assert.equal(pending(file), 0);
  assert.deepEqual(await searched(store, 'r'), []);
  integrityCheck(file);
});
