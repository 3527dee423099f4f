// The server CLI as a user runs it: print-schema, push, status, destructive-change refusal,
// config errors, and start printing its URLs and serving until SIGTERM.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSdl } from '../../../server/graphql/generate-sdl.js';
import { parseSchema } from '../../../common/schema/parse-schema.js';
import { runCli } from '../../../server/cli/program.js';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'outpost-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const V1 = 'type Site @model { id: ID! name: String! code: String }\ntype Old @model { id: ID! x: Int }\n';
const V2 = 'type Site @model { id: ID! name: String! code: String notes: String }\ntype Old @model { id: ID! x: Int }\n';
const V3 = 'type Site @model { id: ID! name: String! notes: String }\n';
writeFileSync(join(dir, 'v1.graphql'), V1);
writeFileSync(join(dir, 'v2.graphql'), V2);
writeFileSync(join(dir, 'v3.graphql'), V3);
const db = `sqlite:${join(dir, 'db', 'server.db')}`;

/** Runs the CLI program in-process (the same code main.ts runs); `start` is tested as a real process below. */
async function cli(...args: string[]): Promise<{ status: number; out: string }> {
  let out = '';
  const write = (text: string) => {
    out += `${text}\n`;
  };
  const status = await runCli(args, { out: write, err: write });
  return { status, out };
}

test('print-schema prints the generated SDL', async () => {
  const r = await cli('print-schema', '--schema', join(dir, 'v1.graphql'));
  assert.equal(r.status, 0, r.out);
  assert.equal(r.out, generateSdl(parseSchema(V1)));
  const help = await cli('--help');
  assert.equal(help.status, 0);
  for (const command of ['start', 'status', 'push', 'print-schema']) assert.match(help.out, new RegExp(`\\b${command}\\b`));
});

test('push, status, destructive refusal and --force', async () => {
  let r = await cli('status', '--schema', join(dir, 'v1.graphql'), '--database', db);
  assert.equal(r.status, 0, r.out);
  assert.match(r.out, /\| Site\s+\| Create\s+\|/);
  r = await cli('push', '--schema', join(dir, 'v1.graphql'), '--database', db);
  assert.equal(r.status, 0, r.out);
  r = await cli('status', '--schema', join(dir, 'v2.graphql'), '--database', db);
  assert.match(r.out, /\| Site\s+\| Update\s+\| \+notes/);
  assert.match(r.out, /\| Old\s+\| No Change/);
  assert.equal((await cli('push', '--schema', join(dir, 'v2.graphql'), '--database', db)).status, 0);
  r = await cli('push', '--schema', join(dir, 'v3.graphql'), '--database', db);
  assert.equal(r.status, 1, r.out);
  assert.match(r.out, /would lose data/);
  assert.match(r.out, /Site\.code \(String\): column dropped/);
  assert.match(r.out, /Old: table dropped/);
  assert.match(r.out, /push --force/);
  // Nothing was applied.
  assert.match((await cli('status', '--schema', join(dir, 'v2.graphql'), '--database', db)).out, /up to date/);
  r = await cli('push', '--schema', join(dir, 'v3.graphql'), '--database', db, '--force');
  assert.equal(r.status, 0, r.out);
  assert.match(r.out, /Applied with --force/);
  assert.match((await cli('status', '--schema', join(dir, 'v3.graphql'), '--database', db)).out, /up to date/);
});

test("status lists each model's conflict strategy: FIELD_MERGE by default, the config's otherwise", async () => {
  let r = await cli('status', '--schema', join(dir, 'v1.graphql'), '--database', `sqlite:${join(dir, 'strategies.db')}`);
  assert.equal(r.status, 0, r.out);
  assert.match(r.out, /\| Model\s+\| Conflict strategy\s+\|/);
  assert.match(r.out, /\| Site\s+\| FIELD_MERGE\s+\|/);
  writeFileSync(join(dir, 'strategies.json'), JSON.stringify({ conflictHandler: 'AUTOMERGE', models: { Old: { conflictHandler: 'OPTIMISTIC_CONCURRENCY' } } }));
  r = await cli('status', '--config', join(dir, 'strategies.json'), '--schema', join(dir, 'v1.graphql'), '--database', `sqlite:${join(dir, 'strategies.db')}`);
  assert.equal(r.status, 0, r.out);
  assert.match(r.out, /\| Site\s+\| AUTOMERGE\s+\|/);
  assert.match(r.out, /\| Old\s+\| OPTIMISTIC_CONCURRENCY\s+\|/);
  r = await cli('start', '--max-item-bytes', '0', '--schema', join(dir, 'v1.graphql'), '--database', db);
  assert.notEqual(r.status, 0);
  assert.match(r.out, /--max-item-bytes.*must be an integer number of bytes/);
});

test('a bad config file is refused naming the key', async () => {
  writeFileSync(join(dir, 'bad.json'), JSON.stringify({ retention: { changeLogDays: 3 }, port: 'x' }));
  const r = await cli('start', '--config', join(dir, 'bad.json'), '--schema', join(dir, 'v1.graphql'), '--database', db);
  assert.equal(r.status, 1);
  assert.match(r.out, /retention: Unrecognized key: "changeLogDays"/);
  assert.match(r.out, /port: /);
});

test('start prints its URLs, serves /health and stops on SIGTERM', async () => {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'server/cli/main.ts', 'start', '--port', '0', '--schema', join(dir, 'v3.graphql'), '--database', db],
    {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const deadline = Date.now() + 30_000;
  while (!/GraphQL\s+http:\/\/127\.0\.0\.1:\d+\/graphql/.test(out) && Date.now() < deadline && child.exitCode === null) {
    await new Promise((r) => setTimeout(r, 100));
  }
  try {
    const url = /GraphQL\s+(http:\S+)/.exec(out)?.[1];
    assert.ok(url, out);
    assert.match(out, /Real-time\s+ws:\/\/127\.0\.0\.1:\d+\/graphql\/realtime/);
    assert.match(out, /user add/);
    assert.match(out, /apikey create/);
    const health = await fetch(url.replace(/graphql$/, 'health'));
    assert.equal(health.status, 200);
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
  assert.equal(readFileSync(join(dir, 'v3.graphql'), 'utf8'), V3);
});
