import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ValidationError } from '../../common/errors.js';

test('errors carry their code across JSON', () => {
  const err = new ValidationError('Site.name is required', 'Site.name');
  assert.deepEqual(JSON.parse(JSON.stringify(err)), {
    code: 'ValidationError',
    message: 'Site.name is required',
    details: { path: 'Site.name' },
  });
});
