// A client profile for the attachment tests: a temp folder with a real `outpost.db` and file
// store, and a front server on 127.0.0.1 that forwards to the real attachment routes unless told
// to answer 503 for the next requests (a server under load).
import { createHash } from 'node:crypto';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import Database from 'better-sqlite3';
import { attachmentKey, type AttachmentRef } from '../../../../common/schema/attachment-ref.js';
import { AttachmentFiles } from '../../../../main/attachments/attachment-files.js';
import { createAttachmentTables, loadEntry, stageUpload } from '../../../../main/attachments/attachment-tables.js';
import type { FileStateEvent, UploadRunner } from '../../../../main/attachments/upload-runner.js';
import type { AttachmentEntry } from '../../../../main/attachments/upload-queue-core.js';

export interface Profile {
  readonly dir: string;
  readonly db: Database.Database;
  readonly files: AttachmentFiles;
}

/** A new profile in a temp folder; with `key` its files are encrypted at rest. */
export async function openProfile(options: { readonly key?: Buffer } = {}): Promise<Profile> {
  const dir = await mkdtemp(join(tmpdir(), 'outpost-attachment-client-'));
  const db = new Database(join(dir, 'outpost.db'));
  db.pragma('journal_mode = WAL');
  createAttachmentTables(db);
  return { dir, db, files: await AttachmentFiles.open(dir, options) };
}

export const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

/** Adds `bytes` to the file store and stages them as `recordId`'s photo in one transaction; returns the reference. */
export async function attach(profile: Profile, recordId: string, bytes: Buffer, over: Partial<AttachmentRef> = {}): Promise<AttachmentRef> {
  const stored = await profile.files.add(Readable.from([bytes]));
  const ref: AttachmentRef = {
    key: attachmentKey('Observation', recordId, stored.sha256),
    contentType: 'image/png',
    size: stored.size,
    sha256: stored.sha256,
    name: 'photo.png',
    ...over,
  };
  profile.db.transaction(() => stageUpload(profile.db, ref, { model: 'Observation', recordId, field: 'photos' }))();
  return ref;
}

/** Resolves with the entry once `key` reaches `state` (as an event says), checked against the table. */
export function stateReached(runner: UploadRunner, profile: Profile, key: string, state: FileStateEvent['state']): Promise<AttachmentEntry> {
  return new Promise((resolve) => {
    const stop = runner.onFileState((event) => {
      if (event.key !== key || event.state !== state) return;
      stop();
      resolve(loadEntry(profile.db, key) as AttachmentEntry);
    });
  });
}

export interface FrontServer {
  /** The attachment endpoint through the front. */
  readonly endpoint: string;
  /** Answer 503 to the next `count` requests. */
  refuseNext(count: number): void;
  /** Requests answered 503 so far. */
  refused(): number;
  close(): Promise<void>;
}

/** A forwarding server in front of `targetUrl` (the harness's base URL). */
export async function startFront(targetUrl: string): Promise<FrontServer> {
  const target = new URL(targetUrl);
  let toRefuse = 0;
  let refused = 0;
  const server: Server = createServer((req, res) => {
    if (toRefuse > 0) {
      toRefuse--;
      refused++;
      req.resume();
      res.writeHead(503, { 'Content-Type': 'text/plain' }).end('server busy, try again\n');
      return;
    }
    const forward = httpRequest({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    forward.on('error', () => res.destroy());
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}/attachments`,
    refuseNext: (count) => {
      toRefuse = count;
    },
    refused: () => refused,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
