// "The last site used" and the lists' remembered state are per profile, and go when a profile signs
// out or clears: the renderer's own functions over a Web Storage with the browser's semantics (Node
// has no window; key() order and removal as in Chromium's Storage).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { forgetLastUsed, lastUsedKey, readLastUsed, rememberLastUsed } from '../../../renderer/last-used.js';
import { forgetListStates, forgetProfileState } from '../../../renderer/hooks/profile-storage.js';
import { listStateKey } from '../../../renderer/list-state.js';

class MemoryStorage implements Storage {
  private readonly items = new Map<string, string>();
  get length(): number {
    return this.items.size;
  }
  clear(): void {
    this.items.clear();
  }
  getItem(key: string): string | null {
    return this.items.get(key) ?? null;
  }
  key(index: number): string | null {
    return [...this.items.keys()][index] ?? null;
  }
  removeItem(key: string): void {
    this.items.delete(key);
  }
  setItem(key: string, value: string): void {
    this.items.set(key, String(value));
  }
}

function withWindow(t: { after(fn: () => void): void }): { local: MemoryStorage; session: MemoryStorage } {
  const local = new MemoryStorage();
  const session = new MemoryStorage();
  const g = globalThis as { window?: unknown };
  const before = g.window;
  g.window = { localStorage: local, sessionStorage: session };
  t.after(() => {
    g.window = before;
  });
  return { local, session };
}

test('profile B never starts from the site profile A used last', (t) => {
  withWindow(t);
  rememberLastUsed('profile-a', 'Inspection', [['siteID', 'site-of-a']]);
  assert.equal(readLastUsed('profile-a', 'Inspection', 'siteID'), 'site-of-a');
  assert.equal(readLastUsed('profile-b', 'Inspection', 'siteID'), undefined);
  rememberLastUsed('profile-b', 'Inspection', [['siteID', 'site-of-b']]);
  assert.equal(readLastUsed('profile-a', 'Inspection', 'siteID'), 'site-of-a');
  assert.equal(readLastUsed('profile-b', 'Inspection', 'siteID'), 'site-of-b');
  // No profile: nothing remembered, nothing offered.
  rememberLastUsed(null, 'Inspection', [['siteID', 'x']]);
  assert.equal(readLastUsed(null, 'Inspection', 'siteID'), undefined);
});

test('sign-out forgets that profile’s list states and last-used values, and only that profile’s', (t) => {
  const { local, session } = withWindow(t);
  for (const profile of ['p1', 'p10', 'p2']) {
    session.setItem(listStateKey(profile, 'Site'), '{"search":"east"}');
    session.setItem(listStateKey(profile, 'Inspection'), '{}');
    rememberLastUsed(profile, 'Inspection', [['siteID', `s-${profile}`]]);
  }
  session.setItem('unrelated', 'kept');
  local.setItem('outpost.lastUsed.Inspection.siteID', '"per-window, from before"');
  forgetProfileState('p1');
  assert.deepEqual(
    [...Array(session.length).keys()].map((i) => session.key(i)).sort(),
    [listStateKey('p10', 'Inspection'), listStateKey('p10', 'Site'), listStateKey('p2', 'Inspection'), listStateKey('p2', 'Site'), 'unrelated'].sort(),
  );
  assert.equal(local.getItem(lastUsedKey('p1', 'Inspection', 'siteID')), null);
  assert.equal(readLastUsed('p10', 'Inspection', 'siteID'), 's-p10');
  assert.equal(local.getItem('outpost.lastUsed.Inspection.siteID'), null);
  forgetListStates('p2');
  forgetLastUsed('p2');
  assert.equal(session.getItem(listStateKey('p2', 'Site')), null);
  assert.equal(readLastUsed('p2', 'Inspection', 'siteID'), undefined);
  assert.equal(session.getItem(listStateKey('p10', 'Site')), '{"search":"east"}');
});
