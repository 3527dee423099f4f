// Child process of realtime-two-servers.test.ts: a second Outpost server process on the shared
// PostgreSQL database. argv: <database url>. Prints `{"url": …}` once listening; exits when stdin closes.
import { readFileSync } from 'node:fs';
import { startServer } from '../../../server/index.js';

const [database] = process.argv.slice(2);
if (!database) {
  console.error('usage: run-server-process.ts <postgres url>');
  process.exit(2);
}
const server = await startServer({
  schema: readFileSync(new URL('../../../schema/schema.graphql', import.meta.url), 'utf8'),
  database,
  port: 0,
  host: '127.0.0.1',
});
console.log(JSON.stringify({ url: server.url }));
process.stdin.resume();
process.stdin.on('end', () => {
  void server.close().then(() => process.exit(0));
});
