// The attachment server (test/fault/attachments/attachment-server.ts) in a process of its own, for the attachment
// benchmark: the client's work and the server's never share an event loop, and the server's
// memory is read apart from the client's (/proc/<pid>/status). Over SQLite with blobs on disk;
// argv[2] is the largest file in bytes. Prints one JSON line `{ graphqlUrl, endpoint,
// authorization, pid }` when ready, then stops the server and exits when stdin closes.
// With ATTACHMENT_BENCH_SERVER_PROF=<dir>, each SIGUSR2 starts or stops a CPU profile (written as
// `<dir>/server-<n>.cpuprofile`), so the bench profiles only the phase it wants to see.
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { join } from 'node:path';
import { startAttachmentServer } from '../fault/attachments/attachment-server.js';

const maxFileBytes = Number(process.argv[2]);
if (!Number.isSafeInteger(maxFileBytes) || maxFileBytes < 1) throw new Error('usage: attachment-bench-host.ts <largest file, bytes>');

const running = await startAttachmentServer('sqlite', { maxFileBytes, maxUserBytes: Number.MAX_SAFE_INTEGER });
const profileDir = process.env.ATTACHMENT_BENCH_SERVER_PROF;
if (profileDir !== undefined) {
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  let profiling = false;
  let written = 0;
  process.on('SIGUSR2', () => {
    if (!profiling) {
      profiling = true;
      session.post('Profiler.start');
      return;
    }
    profiling = false;
    session.post('Profiler.stop', (error, result) => {
      if (error) return console.error('server profile:', error);
      mkdirSync(profileDir, { recursive: true });
      writeFileSync(join(profileDir, `server-${++written}.cpuprofile`), JSON.stringify(result.profile));
    });
  });
}
process.stdout.write(
  `${JSON.stringify({ graphqlUrl: running.server.url, endpoint: running.endpoint, authorization: running.authorization, pid: process.pid })}\n`,
);
process.stdin.resume();
process.stdin.on('end', () => {
  void running.close().then(() => process.exit(0));
});
