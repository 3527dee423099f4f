// What the Settings screen's "Max records to sync per model" field accepts, and where the capped
// notice sends the user (issue 9 "The sync cap is visible and never permanent").
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { maxRecordsToSyncInput, RAISE_CAP_HINT } from '../../../renderer/work-view.js';

const ERROR = 'Max records to sync per model must be a whole number from 1 to 100,000,000.';

test('maxRecordsToSyncInput: whole numbers 1 … 100,000,000 (commas allowed), else a plain error', () => {
  const cases: Array<[string, number | null]> = [
    ['1', 1],
    ['250000', 250_000],
    [' 1,000,000 ', 1_000_000],
    ['2 000 000', 2_000_000],
    ['100000000', 100_000_000],
    ['0', null],
    ['', null],
    ['   ', null],
    ['1.5', null],
    ['x', null],
    ['-5', null],
    ['1e6', null],
    ['100000001', null],
    ['1000000000', null],
    ['99999999999999999999', null],
  ];
  for (const [text, value] of cases) {
    assert.deepEqual(maxRecordsToSyncInput(text), value === null ? { error: ERROR } : { value }, JSON.stringify(text));
  }
});

test('the capped hint says where the setting is', () => {
  assert.equal(RAISE_CAP_HINT, 'Raise it in Settings → Sync: Max records to sync per model.');
});
