// The attachment server (test/fault/attachments/attachment-server.ts) in a process of its own, for the attachment
// benchmark: the client's work and the server's never share an event loop, and the server's
// memory is read apart from the client's (/proc/<pid>/status). Over SQLite with blobs on disk;
// argv[2] is the largest file in bytes. Prints one JSON line `{ graphqlUrl, endpoint,
// authorization, pid }` when ready, then stops the server and exits when stdin closes.
import { startAttachmentServer } from '../fault/attachments/attachment-server.js';

const maxFileBytes = Number(process.argv[2]);
if (!Number.isSafeInteger(maxFileBytes) || maxFileBytes < 1) throw new Error('usage: attachment-bench-host.ts <largest file, bytes>');

const running = await startAttachmentServer('sqlite', { maxFileBytes, maxUserBytes: Number.MAX_SAFE_INTEGER });
process.stdout.write(
  `${JSON.stringify({ graphqlUrl: running.server.url, endpoint: running.endpoint, authorization: running.authorization, pid: process.pid })}\n`,
);
process.stdin.resume();
process.stdin.on('end', () => {
  void running.close().then(() => process.exit(0));
});
