// The linter as part of `npm test`: typescript-eslint with type information over every folder
// (eslint.config.js). A finding fails the run with file, line and rule, as `npm run lint` prints them.
import assert from 'node:assert/strict';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { ESLint } from 'eslint';

const root = fileURLToPath(new URL('../..', import.meta.url));

test('eslint (eslint.config.js) finds nothing', { timeout: 240_000 }, async () => {
  const eslint = new ESLint({ cwd: root });
  const results = await eslint.lintFiles(['.']);
  const findings = results.flatMap((result) =>
    result.messages.map((m) => `${relative(root, result.filePath)}:${m.line}:${m.column} ${m.ruleId ?? 'parse'}: ${m.message}`),
  );
  assert.ok(results.length > 300, `eslint looked at ${results.length} files: is eslint.config.js ignoring the project?`);
  assert.deepEqual(findings, [], `${findings.length} finding(s); run npm run lint`);
});
