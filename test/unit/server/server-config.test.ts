import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ValidationError } from '../../../common/errors.js';
import { parseServerConfig } from '../../../server/config/server-config.js';

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
