// The user/apikey CLI commands on a real commander program against a real SQLite file.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import Database from 'better-sqlite3';
import { Command, CommanderError } from 'commander';
import { Kysely, SqliteDialect } from 'kysely';
import { OutpostError } from '../../../common/errors.js';
import { registerAuthCommands, type StoreLocation } from '../../../server/auth/auth-cli.js';
import { createAuthStore } from '../../../server/auth/auth-store.js';

interface Outcome {
  stdout: string;
  stderr: string;
  exitCode: number;
}

function sink(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  return {
    stream: new Writable({
      write(chunk: Buffer, _enc, done) {
        chunks.push(chunk.toString());
        done();
      },
    }),
    text: () => chunks.join(''),
  };
}

describe('auth CLI commands', () => {
  let dir: string;
  let database: string;
  const locations: StoreLocation[] = [];

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'outpost-auth-cli-'));
    database = `sqlite:${join(dir, 'server.db')}`;
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  async function openStore(location: StoreLocation) {
    locations.push(location);
    const sqlite = new Database((location.database ?? database).slice('sqlite:'.length));
    const db = new Kysely<object>({ dialect: new SqliteDialect({ database: sqlite }) });
    return { store: await createAuthStore(db, 'sqlite'), close: () => db.destroy() };
  }

  async function run(args: string[], stdinText?: string): Promise<Outcome> {
    const out = sink();
    const err = sink();
    const stdin = new PassThrough();
    stdin.end(stdinText ?? '');
    const program = new Command('outpost').exitOverride().configureOutput({ writeOut: (s) => out.stream.write(s), writeErr: (s) => err.stream.write(s) });
    registerAuthCommands(program, openStore, { stdin, stdout: out.stream, stderr: err.stream });
    let exitCode = 0;
    try {
      await program.parseAsync([...args, '--database', database], { from: 'user' });
    } catch (e) {
      // As server/cli/main.ts does: typed errors become `error: <message>` and exit code 1.
      if (e instanceof OutpostError) {
        err.stream.write(`error: ${e.message}\n`);
        exitCode = 1;
      } else if (e instanceof CommanderError) {
        exitCode = e.exitCode;
      } else {
        throw e;
      }
    }
    return { stdout: out.text(), stderr: err.text(), exitCode };
  }

  test('user add with --password, from standard input, and with bad input', async () => {
    const added = await run(['user', 'add', 'Alice', '--password', 'alice-password', '--groups', 'admins, field']);
    assert.equal(added.exitCode, 0, added.stderr);
    assert.match(added.stdout, /^Created user alice \(sub [0-9a-f-]{36}\), groups: admins, field\n$/);
    assert.match(added.stderr, /visible to other users/);
    assert.equal(locations.at(-1)?.database, database);

    const piped = await run(['user', 'add', 'bob'], 'bob-password\n');
    assert.equal(piped.exitCode, 0, piped.stderr);
    assert.doesNotMatch(piped.stderr, /visible/);

    const duplicate = await run(['user', 'add', 'ALICE', '--password', 'another-pass']);
    assert.equal(duplicate.exitCode, 1);
    assert.match(duplicate.stderr, /username "alice" already exists/);

    const weak = await run(['user', 'add', 'carol', '--password', 'short']);
    assert.equal(weak.exitCode, 1);
    assert.match(weak.stderr, /at least 8 characters/);

    const none = await run(['user', 'add', 'dave'], '');
    assert.equal(none.exitCode, 1);
    assert.match(none.stderr, /no password given/);
  });

  test('user list, passwd, groups, disable/enable, remove', async () => {
    const list = await run(['user', 'list']);
    assert.match(list.stdout, /^username\s+sub\s+groups\s+created\s+status\n/);
    assert.match(list.stdout, /\nalice\s+[0-9a-f-]{36}\s+admins,field\s+\S+Z\s+active\n/);
    assert.match(list.stdout, /\nbob\s+[0-9a-f-]{36}\s+-\s+/);
    const json = JSON.parse((await run(['user', 'list', '--json'])).stdout) as { username: string }[];
    assert.deepEqual(
      json.map((u) => u.username),
      ['alice', 'bob'],
    );
    assert.ok(!JSON.stringify(json).includes('scrypt'), 'no password hashes are printed');

    const passwd = await run(['user', 'passwd', 'bob'], 'bob-password-2\n');
    assert.equal(passwd.exitCode, 0, passwd.stderr);
    const { store, close } = await openStore({ database });
    try {
      assert.equal((await store.verifyCredentials('bob', 'bob-password-2')).ok, true);
      assert.equal((await store.verifyCredentials('bob', 'bob-password')).ok, false);
    } finally {
      await close();
    }
    const ghost = await run(['user', 'passwd', 'ghost', '--password', 'whatever-123']);
    assert.equal(ghost.exitCode, 1);
    assert.match(ghost.stderr, /no user named "ghost"/);

    assert.match((await run(['user', 'groups', 'bob', 'field'])).stdout, /Groups of bob: field/);
    assert.match((await run(['user', 'disable', 'bob'])).stdout, /User bob disabled/);
    assert.match((await run(['user', 'list'])).stdout, /\nbob\s+\S+\s+field\s+\S+\s+disabled\n/);
    assert.match((await run(['user', 'enable', 'bob'])).stdout, /User bob enabled/);

    assert.match((await run(['user', 'remove', 'BOB'])).stdout, /Removed user bob/);
    const again = await run(['user', 'remove', 'bob']);
    assert.equal(again.exitCode, 1);
    assert.match(again.stderr, /no user named "bob"/);
  });

  test('apikey create prints the key once; list never shows it; revoke', async () => {
    const created = await run(['apikey', 'create', '--days', '30', '--description', 'field tablets']);
    assert.equal(created.exitCode, 0, created.stderr);
    const key = created.stdout.trim();
    assert.match(key, /^da2-[0-9a-f]{40}$/);
    const id = /API key ([0-9a-f]+) created/.exec(created.stderr)?.[1];
    assert.ok(id);
    assert.match(created.stderr, /cannot be shown again/);

    const list = await run(['apikey', 'list']);
    assert.match(list.stdout, new RegExp(`\\n${id}\\s+field tablets\\s+\\S+Z\\s+\\S+Z\\s+active\\n`));
    assert.ok(!list.stdout.includes(key));

    for (const days of ['0', 'abc', '3651']) {
      const bad = await run(['apikey', 'create', '--days', days]);
      assert.equal(bad.exitCode, 1);
      assert.match(bad.stderr, /whole number of days from 1 to 3650/);
    }

    assert.match((await run(['apikey', 'revoke', id])).stdout, new RegExp(`Revoked API key ${id}`));
    assert.match((await run(['apikey', 'list'])).stdout, new RegExp(`\\n${id}\\s+.*revoked `));
    const unknown = await run(['apikey', 'revoke', 'nope']);
    assert.equal(unknown.exitCode, 1);
    assert.match(unknown.stderr, /no API key with id "nope"/);
  });

  test('--help lists every sub-command', async () => {
    const help = await run(['user', '--help']);
    for (const name of ['add', 'remove', 'list', 'passwd', 'groups', 'disable', 'enable']) assert.match(help.stdout, new RegExp(`\\n\\s+${name}\\b`));
    const keyHelp = await run(['apikey', '--help']);
    for (const name of ['create', 'list', 'revoke']) assert.match(keyHelp.stdout, new RegExp(`\\n\\s+${name}\\b`));
  });
});
