import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ValidationError } from '../../../common/errors.js';
import { DEFAULT_CONFLICT_STRATEGY, modelStrategies, parseServerConfig, strategyLabel } from '../../../server/config/server-config.js';

test('accepts a full config', () => {
  const config = parseServerConfig({
    port: 4000,
    conflictHandler: 'AUTOMERGE',
    models: { Site: { conflictHandler: 'OPTIMISTIC_CONCURRENCY' }, Note: { conflictHandler: { resolver: './r.js' } } },
    retention: { changeLogMinutes: 60, tombstoneMinutes: 120, purgeIntervalMinutes: 5 },
    limits: { maxBodyBytes: 1024, maxPageSize: 500, defaultPageSize: 50 },
    auth: { apiKeys: false, tokens: { issuer: 'https://x' }, issuers: [{ issuer: 'https://i', jwksUrl: 'https://i/jwks' }] },
  });
  assert.equal(config.models?.Note?.conflictHandler && typeof config.models.Note.conflictHandler, 'object');
});

test('names unknown keys and bad values with their paths', () => {
  const attempts: Array<[unknown, RegExp]> = [
    [{ prot: 1 }, /\(top level\).*prot/],
    [{ retention: { changeLogHours: 1 } }, /retention.*changeLogHours/],
    [{ conflictHandler: 'LAST_WRITER_WINS' }, /conflictHandler/],
    [{ models: { Site: { conflictHandler: { resolve: 'x' } } } }, /models\.Site\.conflictHandler/],
    [{ port: 70000 }, /port/],
    [{ limits: { maxPageSize: 5000 } }, /limits\.maxPageSize/],
    [{ retention: { changeLogMinutes: 100, tombstoneMinutes: 10 } }, /tombstoneMinutes \(10\) must be at least/],
  ];
  for (const [value, pattern] of attempts) {
    assert.throws(
      () => parseServerConfig(value, 'cfg.json'),
      (e: unknown) => e instanceof ValidationError && pattern.test(e.message) && e.message.startsWith('cfg.json'),
      JSON.stringify(value),
    );
  }
});

test('FIELD_MERGE is a strategy and the default; maxItemBytes is a limit', () => {
  const config = parseServerConfig({ conflictHandler: 'FIELD_MERGE', limits: { maxItemBytes: 1000 } });
  assert.equal(config.conflictHandler, 'FIELD_MERGE');
  assert.equal(config.limits?.maxItemBytes, 1000);
  assert.equal(DEFAULT_CONFLICT_STRATEGY, 'FIELD_MERGE');
  assert.throws(() => parseServerConfig({ limits: { maxItemBytes: 0 } }, 'cfg.json'), /limits\.maxItemBytes/);
});

test("modelStrategies: a model's own entry, else the config default, else FIELD_MERGE; labels as status prints them", () => {
  const rows: Array<[Parameters<typeof modelStrategies>[1], Array<[string, string]>]> = [
    [
      {},
      [
        ['Site', 'FIELD_MERGE'],
        ['Note', 'FIELD_MERGE'],
      ],
    ],
    [
      { conflictHandler: 'AUTOMERGE' },
      [
        ['Site', 'AUTOMERGE'],
        ['Note', 'AUTOMERGE'],
      ],
    ],
    [
      { models: { Note: { conflictHandler: 'OPTIMISTIC_CONCURRENCY' } } },
      [
        ['Site', 'FIELD_MERGE'],
        ['Note', 'OPTIMISTIC_CONCURRENCY'],
      ],
    ],
    [
      { conflictHandler: 'AUTOMERGE', models: { Site: { conflictHandler: { resolver: './r.js' } } } },
      [
        ['Site', 'custom (./r.js)'],
        ['Note', 'AUTOMERGE'],
      ],
    ],
  ];
  for (const [config, expected] of rows) {
    assert.deepEqual(
      modelStrategies(['Site', 'Note'], config).map(([m, s]) => [m, strategyLabel(s)]),
      expected,
      JSON.stringify(config),
    );
  }
});
