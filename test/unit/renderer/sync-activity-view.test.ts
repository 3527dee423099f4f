// The Sync activity screen's words, by table: times (today: the clock; another day: the date),
// the problems-only filter, the count under the heading.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SyncActivityEntry } from '../../../common/ipc/contract.js';
import { activityCountText, activityTime, shownActivity } from '../../../renderer/sync-activity-view.js';

const at = (y: number, mo: number, d: number, h: number, mi: number, s = 0) => new Date(y, mo - 1, d, h, mi, s).getTime();

test('activityTime: the clock today, the date and clock another day', () => {
  const now = at(2026, 12, 2, 18, 0);
  assert.equal(activityTime(at(2026, 12, 2, 14, 2, 7), now), '14:02:07');
  assert.equal(activityTime(at(2026, 12, 2, 0, 0, 0), now), '00:00:00');
  assert.equal(activityTime(at(2026, 12, 1, 23, 59, 30), now), '1 Dec 23:59');
  assert.equal(activityTime(at(2025, 12, 2, 9, 5), now), '2 Dec 09:05');
});

const line = (text: string, level: SyncActivityEntry['level']): SyncActivityEntry => ({ at: 1, kind: 'session', text, level });

test('shownActivity and activityCountText', () => {
  const entries = [line('Went offline', 'problem'), line('Connected', 'info'), line('Refused', 'problem')];
  assert.deepEqual(
    shownActivity(entries, true).map((e) => e.text),
    ['Went offline', 'Refused'],
  );
  assert.equal(shownActivity(entries, false).length, 3);
  const rows: ReadonlyArray<readonly [SyncActivityEntry[], string]> = [
    [[], 'Nothing yet'],
    [[line('a', 'info')], '1 event'],
    [[line('a', 'info'), line('b', 'info')], '2 events'],
    [entries, '3 events, 2 problems'],
    [[line('a', 'problem')], '1 event, 1 problem'],
  ];
  for (const [list, text] of rows) assert.equal(activityCountText(list), text);
});
