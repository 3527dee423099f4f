// The accessibility test's reading-order rule over Tab stops, table-driven: down a column, along a
// row, into a column to the right are in order; back up the same column is not; landmarks and
// repeated stops on one element are apart.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readingOrderBreaks, type TabStop } from '../../e2e/support/axe-check.js';

const stop = (name: string, left: number, top: number, region = 'main', width = 100, height = 30): TabStop => ({
  name,
  visibleFocus: true,
  onScreen: true,
  region,
  box: { left, top, right: left + width, bottom: top + height },
});

test('readingOrderBreaks: only a step back up the same column within one landmark', () => {
  const rows: Array<[string, TabStop[], string[]]> = [
    ['down a column', [stop('a', 0, 0), stop('b', 0, 40), stop('c', 0, 80)], []],
    ['along a row', [stop('lat', 0, 0), stop('lon', 120, 0), stop('acc', 240, 0)], []],
    ['next row of a grid', [stop('lon', 120, 0), stop('acc', 0, 40)], []],
    ['into a column to the right, starting higher', [stop('entry 2', 0, 200), stop('Keep mine', 300, 60)], []],
    ['back up the same column', [stop('Save', 0, 300), stop('Name', 0, 40)], ['Save → Name']],
    ['to another landmark', [stop('Settings', 0, 700, 'nav'), stop('Back', 240, 20, 'main')], []],
    ['parts of one date input', [stop('date', 0, 100), stop('date', 0, 100)], []],
    ['overlapping rows are not above', [stop('a', 0, 100), stop('b', 0, 80)], []],
  ];
  for (const [what, stops, expected] of rows) assert.deepEqual(readingOrderBreaks(stops), expected, what);
});
