// The attachment benchmark's baseline: the plainest upload server there is, in a process of its
// own on 127.0.0.1:0. `PUT /<name>` streams the body into `<argv[2]>/<name>` and answers 201;
// with `?fsync=1` the file is flushed to disk (fdatasync) before the answer, as the Outpost blob
// store flushes every PATCH. Prints `{ url, pid }` when ready; exits when stdin closes.
import { createWriteStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';

const directory = process.argv[2];
if (directory === undefined) throw new Error('usage: plain-upload-bench-host.ts <directory>');

const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const name = url.pathname.slice(1);
  if (req.method !== 'PUT' || !/^[\w.-]+$/.test(name)) {
    res.writeHead(400).end('PUT /<name> only\n');
    return;
  }
  const path = join(directory, name);
  void (async () => {
    await pipeline(req, createWriteStream(path));
    if (url.searchParams.get('fsync') === '1') {
      // fdatasync through another descriptor flushes the same file's data.
      const handle = await open(path, 'r+');
      try {
        await handle.datasync();
      } finally {
        await handle.close();
      }
    }
    res.writeHead(201, { 'content-length': '0' }).end();
  })().catch((error: unknown) => res.writeHead(500).end(`${String(error)}\n`));
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, pid: process.pid })}\n`);
});
process.stdin.resume();
process.stdin.on('end', () => server.close(() => process.exit(0)));
