// A real HTTP server on 127.0.0.1 with the attachment routes over a real blob store, users named
// by `Authorization: Bearer <name>`, records with per-user read/write rights, and counters for
// the bytes the server read off the wire and the bytes that reached the store.
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import * as tus from 'tus-js-client';
import type { AttachmentTarget } from '../../../server/attachments/attachment-metadata.js';
import type { AttachmentLimits } from '../../../server/attachments/attachment-policy.js';
import { createAttachmentRoutes } from '../../../server/attachments/attachment-routes.js';
import type { BlobStore } from '../../../server/attachments/blob-store.js';

export interface Caller {
  readonly name: string;
}

/** Who may do what to which record: `rights[recordId][user]`. */
export type Rights = Record<string, Record<string, 'read' | 'write'>>;

export interface Harness {
  readonly url: string;
  /** Bytes read from every client socket so far (headers and bodies). */
  wireBytes(): number;
  /** Bytes handed to the store's append so far. */
  storedBytes(): number;
  /** Called with each chunk's running total as it reaches the store; the PATCH's socket can be cut. */
  onStore: ((total: number, cut: () => void) => void) | null;
  close(): Promise<void>;
}

/** Starts the server over `store` with `rights` and `limits`. */
export async function startHarness(store: BlobStore, rights: Rights, limits: AttachmentLimits): Promise<Harness> {
  let stored = 0;
  let patchSocket: Socket | null = null;
  const sockets = new Set<Socket>();
  const harness: Harness = {
    url: '',
    wireBytes: () => [...sockets].reduce((sum, socket) => sum + socket.bytesRead, 0),
    storedBytes: () => stored,
    onStore: null,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
  const counting: BlobStore = {
    create: (upload) => store.create(upload),
    info: (id) => store.info(id),
    read: (id, range) => store.read(id, range),
    delete: (id) => store.delete(id),
    listOlderThan: (time) => store.listOlderThan(time),
    bytesOwnedBy: (owner) => store.bytesOwnedBy(owner),
    close: () => store.close(),
    append: (id, offset, bytes, check) => {
      async function* counted(): AsyncGenerator<Uint8Array> {
        for await (const chunk of bytes) {
          stored += chunk.byteLength;
          harness.onStore?.(stored, () => patchSocket?.destroy());
          yield chunk;
        }
      }
      return store.append(id, offset, counted(), check);
    },
  };
  const routes = createAttachmentRoutes<Caller>({
    store: counting,
    authenticate: (req: IncomingMessage) => {
      const name = /^Bearer (\w+)$/.exec(req.headers.authorization ?? '')?.[1];
      return name ? { name } : null;
    },
    quotaKeyOf: (caller) => caller.name,
    mayAccess: (caller: Caller, target: AttachmentTarget, access) => {
      const right = rights[target.recordId]?.[caller.name];
      return Promise.resolve(right === 'write' || (right === 'read' && access === 'read'));
    },
    limits,
    isAttachmentField: (model, field) => model === 'Observation' && field === 'photos',
  });
  const server: Server = createServer((req, res) => {
    if (req.method === 'PATCH') patchSocket = req.socket;
    if (!routes.matches(req.url ?? '/')) {
      res.writeHead(404).end();
      return;
    }
    void routes.handle(req, res);
  });
  server.on('connection', (socket) => sockets.add(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return Object.assign(harness, { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
}

export interface Declared {
  readonly recordId: string;
  readonly sha256?: string;
  readonly contentType?: string;
  readonly filename?: string;
}

export const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

/** Upload-Metadata fields for `bytes` as record `recordId`'s photo. */
export function metadataFor(bytes: Buffer, declared: Declared): Record<string, string> {
  return {
    model: 'Observation',
    recordId: declared.recordId,
    field: 'photos',
    sha256: declared.sha256 ?? sha256(bytes),
    contentType: declared.contentType ?? 'image/png',
    filename: declared.filename ?? 'photo.png',
  };
}

/** Uploads with tus-js-client; resolves with the upload URL, rejects with tus-js-client's error. */
export function tusUpload(harness: Harness, user: string, bytes: Buffer, declared: Declared, options: Partial<tus.UploadOptions> = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const upload: tus.Upload = new tus.Upload(bytes, {
      endpoint: `${harness.url}/attachments`,
      metadata: metadataFor(bytes, declared),
      headers: { Authorization: `Bearer ${user}` },
      chunkSize: 256 * 1024,
      retryDelays: [0, 50, 100],
      storeFingerprintForResuming: false,
      ...options,
      onSuccess: () => resolve(upload.url ?? ''),
      onError: reject,
    });
    upload.start();
  });
}

/** Bytes of a PNG file: its signature and `size - 8` pseudo-random bytes from `seed`. */
export function pngBytes(size: number, seed: number): Buffer {
  const bytes = Buffer.alloc(size);
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(bytes);
  let state = seed >>> 0 || 1;
  for (let i = 8; i < size; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    bytes[i] = state & 0xff;
  }
  return bytes;
}

/** A raw request with `Tus-Resumable` set; returns status, headers and body text. */
export async function request(
  url: string,
  method: string,
  user: string | null,
  headers: Record<string, string> = {},
  body?: Buffer,
): Promise<{ status: number; headers: Headers; text: string }> {
  const response = await fetch(url, {
    method,
    headers: { 'Tus-Resumable': '1.0.0', ...(user ? { Authorization: `Bearer ${user}` } : {}), ...headers },
    body: body ? new Uint8Array(body) : undefined,
  });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

/** The Upload-Metadata header for `fields` (tus: `key base64(value)` pairs). */
export function uploadMetadataHeader(fields: Record<string, string>): string {
  return Object.entries(fields)
    .map(([key, value]) => `${key} ${Buffer.from(value).toString('base64')}`)
    .join(',');
}
