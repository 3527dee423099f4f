// The formatter as part of `npm test`: every code file is as prettier (.prettierrc.json) writes it,
// so a diff never mixes layout with change. `npm run format` rewrites what this names.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import * as prettier from 'prettier';

const root = fileURLToPath(new URL('../..', import.meta.url));

test('prettier (.prettierrc.json) would change no code file', { timeout: 240_000 }, async () => {
  // Tracked and new (not ignored) files: what a commit would hold.
  const listed = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '--', '*.ts', '*.tsx', '*.js', '*.mjs', '*.cjs'], {
    cwd: root,
    encoding: 'utf8',
  });
  const files = listed.split('\n').filter((f) => f !== '');
  assert.ok(files.length > 300, `git listed ${files.length} code files: is this the project's checkout?`);
  const unformatted: string[] = [];
  for (const file of files) {
    const path = join(root, file);
    const info = await prettier.getFileInfo(path, { ignorePath: join(root, '.prettierignore') });
    if (info.ignored) continue;
    const text = await readFile(path, 'utf8').catch(() => null);
    if (text === null) continue; // listed but deleted in the working tree
    const options = await prettier.resolveConfig(path);
    if (!(await prettier.check(text, { ...options, filepath: path }))) unformatted.push(file);
  }
  assert.deepEqual(unformatted, [], `${unformatted.length} file(s) not formatted; run npm run format`);
});
