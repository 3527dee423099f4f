// The real-time connection limit is configurable: `realtime.maxConnections` in the config file
// and `start --realtime-max-connections` (the flag wins), validated with the key or flag named in
// the refusal. Runs the real CLI in a child process on a temporary SQLite file, and counts
// upgrades answered HTTP 503 once the limit is reached.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { ValidationError } from '../../../common/errors.js';
import { parseServerConfig } from '../../../server/config/server-config.js';
import { runCli, type CliIo } from '../../../server/cli/program.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'outpost-connection-limit-'));

/** Opens a WebSocket to `url`; resolves with 'open' or the HTTP status that refused it. */
function tryConnect(url: string, sockets: WebSocket[]): Promise<'open' | number> {
  return new Promise((resolve) => {
    const socket = new WebSocket(url, ['graphql-ws']);
    sockets.push(socket);
    socket.once('open', () => resolve('open'));
    socket.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    socket.once('error', () => resolve(0));
  });
}

/** Starts `outpost-server start` with `args`; resolves with its real-time URL once it prints it. */
async function startCli(args: string[]): Promise<{ child: ChildProcess; realtimeUrl: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'server/cli/main.ts'), 'start', '--port', '0', ...args], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const realtimeUrl = await new Promise<string>((resolve, reject) => {
    const timer = setInterval(() => {
      const match = /Real-time\s+(ws:\/\/\S+)/.exec(output);
      if (match?.[1]) {
        clearInterval(timer);
        resolve(match[1]);
      }
    }, 50);
    child.once('exit', (code) => {
      clearInterval(timer);
      reject(new Error(`the server exited (${code}) before it was running:\n${output}`));
    });
  });
  return { child, realtimeUrl };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

describe('real-time connection limit', () => {
  after(() => rmSync(work, { recursive: true, force: true }));

  it('the config file takes realtime.maxConnections and maxBufferedBytes and refuses bad values by their path', () => {
    assert.deepEqual(parseServerConfig({ realtime: { maxConnections: 50_000, maxBufferedBytes: 1_048_576 } }).realtime, {
      maxConnections: 50_000,
      maxBufferedBytes: 1_048_576,
    });
    for (const [value, path] of [
      [{ realtime: { maxConnections: 0 } }, 'realtime.maxConnections'],
      [{ realtime: { maxConnections: 2.5 } }, 'realtime.maxConnections'],
      [{ realtime: { maxConnections: '10000' } }, 'realtime.maxConnections'],
      [{ realtime: { maxBufferedBytes: 10 } }, 'realtime.maxBufferedBytes'],
      [{ realtime: { connections: 5 } }, 'realtime'],
    ] as const) {
      assert.throws(
        () => parseServerConfig(value, 'server.json'),
        (error: unknown) => error instanceof ValidationError && error.message.startsWith(`server.json: ${path}: `),
        JSON.stringify(value),
      );
    }
  });

  it('start refuses a --realtime-max-connections that is not a whole number ≥ 1, naming the flag', async () => {
    for (const value of ['0', '-3', 'lots', '1.5']) {
      const errors: string[] = [];
      const io: CliIo = { out: () => undefined, err: (text) => errors.push(text) };
      const code = await runCli(['start', '--realtime-max-connections', value], io);
      assert.notEqual(code, 0, value);
      assert.match(errors.join('\n'), /--realtime-max-connections <count>.*must be a whole number of connections ≥ 1/s, value);
    }
  });

  it('a server started with the flag refuses connections past it with HTTP 503, the flag winning over the config file', async () => {
    const config = join(work, 'server.json');
    writeFileSync(config, JSON.stringify({ realtime: { maxConnections: 5 } }));
    const { child, realtimeUrl } = await startCli([
      '--database',
      `sqlite:${join(work, 'flag.db')}`,
      '--schema',
      join(root, 'schema/schema.graphql'),
      '--config',
      config,
      '--realtime-max-connections',
      '2',
    ]);
    const sockets: WebSocket[] = [];
    try {
      assert.deepEqual([await tryConnect(realtimeUrl, sockets), await tryConnect(realtimeUrl, sockets)], ['open', 'open']);
      assert.equal(await tryConnect(realtimeUrl, sockets), 503, 'the third connection is refused');
      // A freed place is taken again.
      const closed = new Promise((resolve) => sockets[0]!.once('close', resolve));
      sockets[0]!.close();
      await closed;
      let answer: 'open' | number = 0;
      for (let attempt = 0; attempt < 50 && answer !== 'open'; attempt++) {
        answer = await tryConnect(realtimeUrl, sockets);
        if (answer !== 'open') await new Promise((resolve) => setTimeout(resolve, 20));
      }
      assert.equal(answer, 'open');
    } finally {
      for (const socket of sockets) socket.terminate();
      await stop(child);
    }
  });

  it('a server started with only the config file uses its realtime.maxConnections', async () => {
    const config = join(work, 'only-file.json');
    writeFileSync(
      config,
      JSON.stringify({ database: `sqlite:${join(work, 'file.db')}`, schema: join(root, 'schema/schema.graphql'), realtime: { maxConnections: 3 } }),
    );
    const { child, realtimeUrl } = await startCli(['--config', config]);
    const sockets: WebSocket[] = [];
    try {
      const answers: Array<'open' | number> = [];
      for (let i = 0; i < 4; i++) answers.push(await tryConnect(realtimeUrl, sockets));
      assert.deepEqual(answers, ['open', 'open', 'open', 503]);
    } finally {
      for (const socket of sockets) socket.terminate();
      await stop(child);
    }
  });
});
