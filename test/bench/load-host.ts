// Child process of load.bench.ts: one real Outpost server on 127.0.0.1:0 over the database given as
// argv[2], with the public Post/Comment schema of load-schema.ts, in a process of its own so its CPU
// time is its own. argv[3] is a JSON object of extra `startServer` options (limits); argv[4], when
// given, is the API key another process created on the same database (else this one creates one).
// Prints one JSON line `{ url, apiKey }`, then answers one JSON line per command line on stdin:
//   {"cmd":"cpu"}      process CPU time so far: `{ userUs, systemUs }`
//   {"cmd":"latency"}  server-side time of each POST /graphql answered 200 since the last call, ms
//                      (arrival of the request to the end of its answer): `{ latenciesMs }`
// and stops the server and exits when stdin closes.
import { Server, type IncomingMessage, type ServerResponse } from 'node:http';
import { createInterface } from 'node:readline';
import { startServer, type StartServerOptions } from '../../server/index.js';
import { LOAD_SDL } from './load-schema.js';

const database = process.argv[2];
if (database === undefined) throw new Error('usage: load-host.ts <sqlite:PATH | postgres://…> [options JSON] [api key]');
const extra = JSON.parse(process.argv[3] ?? '{}') as Partial<StartServerOptions>;
// The server's own view of latency, apart from the load clients' (which share this machine's CPU):
// every request event of every HTTP server in this process is timed to its answer's end.
let latenciesMs: number[] = [];
const emit = Server.prototype.emit;
Server.prototype.emit = function (this: Server, event: string, ...args: unknown[]): boolean {
  if (event === 'request') {
    const [req, res] = args as [IncomingMessage, ServerResponse];
    if (req.method === 'POST' && req.url === '/graphql') {
      const start = performance.now();
      res.once('finish', () => {
        if (res.statusCode === 200) latenciesMs.push(performance.now() - start);
      });
    }
  }
  return (emit as (this: Server, event: string, ...rest: unknown[]) => boolean).call(this, event, ...args);
} as typeof Server.prototype.emit;
const server = await startServer({ schema: LOAD_SDL, database, port: 0, host: '127.0.0.1', reportError: (e) => console.error('server:', e), ...extra });
const apiKey = process.argv[4] ?? (await server.authStore.createApiKey()).key;

process.stdout.write(`${JSON.stringify({ url: server.url, apiKey })}\n`);
const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  const command = JSON.parse(line) as { cmd: string };
  let reply: unknown;
  if (command.cmd === 'cpu') {
    const usage = process.cpuUsage();
    reply = { userUs: usage.user, systemUs: usage.system };
  } else if (command.cmd === 'latency') {
    reply = { latenciesMs };
    latenciesMs = [];
  } else reply = { error: `unknown command ${command.cmd}` };
  process.stdout.write(`${JSON.stringify(reply)}\n`);
});
lines.on('close', () => {
  void server.close().then(() => process.exit(0));
});
