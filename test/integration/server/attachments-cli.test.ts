// `start`'s attachment flags and config keys as a user gives them: bad values refused naming the
// flag, a per-file limit above the per-user one refused before anything opens, the endpoint's URL
// printed with the blob directory resolved against the config file, and `--no-attachments`
// winning over the config file.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runCli } from '../../../server/cli/program.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'outpost-attachments-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const SDL = `
type Attachment { key: String! contentType: String! size: Int! sha256: String! name: String }
type Observation @model @auth(rules: [{ allow: owner }]) { id: ID! photos: [Attachment!] }
`;
writeFileSync(join(dir, 'schema.graphql'), SDL);
const db = `sqlite:${join(dir, 'db', 'server.db')}`;

async function cli(...args: string[]): Promise<{ status: number; out: string }> {
  let out = '';
  const status = await runCli(args, { out: (t) => (out += `${t}\n`), err: (t) => (out += `${t}\n`) });
  return { status, out };
}

test('bad attachment flag values are refused naming the flag', async () => {
  const rows: Array<[string[], RegExp]> = [
    [['--attachment-max-file-bytes', '0'], /--attachment-max-file-bytes.*must be a whole number of bytes ≥ 1/],
    [['--attachment-max-user-bytes', '5GB'], /--attachment-max-user-bytes.*must be a whole number of bytes ≥ 1/],
    [['--attachment-retention-minutes', '1.5'], /--attachment-retention-minutes.*must be a whole number of minutes ≥ 1/],
    [
      ['--attachment-max-file-bytes', '10', '--attachment-max-user-bytes', '5'],
      /attachments\.maxFileBytes \(10\) must not exceed attachments\.maxUserBytes \(5\)/,
    ],
  ];
  for (const [flags, message] of rows) {
    const r = await cli('start', '--port', '0', '--schema', join(dir, 'schema.graphql'), '--database', db, ...flags);
    assert.notEqual(r.status, 0, flags.join(' '));
    assert.match(r.out, message);
  }
  assert.equal(existsSync(join(dir, 'db')), false, 'refused before the database was opened');
});

/** Runs `start` as a real process until it prints its URLs; returns the output, then stops it. */
async function startOutput(args: string[]): Promise<string> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/cli/main.ts', 'start', '--port', '0', ...args], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const deadline = Date.now() + 30_000;
  while (!/Stop with Ctrl\+C/.test(out) && Date.now() < deadline && child.exitCode === null) await new Promise((r) => setTimeout(r, 100));
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  return out;
}

test("start mounts /attachments/ with the config file's directory; --no-attachments turns it off", async () => {
  writeFileSync(
    join(dir, 'outpost.json'),
    JSON.stringify({ schema: 'schema.graphql', attachments: { directory: 'blobs', maxFileBytes: 1000, retentionMinutes: 5 } }),
  );
  const on = await startOutput(['--config', join(dir, 'outpost.json'), '--database', db]);
  assert.match(on, /Attachments http:\/\/127\.0\.0\.1:\d+\/attachments\//, on);
  assert.ok(existsSync(join(dir, 'blobs')), 'the directory is relative to the config file');
  const off = await startOutput(['--config', join(dir, 'outpost.json'), '--database', db, '--no-attachments']);
  assert.match(off, /Attachments off/, off);
});
