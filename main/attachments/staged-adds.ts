// Adding a file over IPC (common/ipc/attachment-contract.ts): the renderer sends it in base64
// chunks of at most 1 MiB, appended in order to a temp file under the profile folder; the last call
// streams that file into the content-addressed store (attachment-files.ts) and answers the
// reference without its key — `save` gives it one (main/datastore/attachment-staging.ts). A stage
// lives in this session only; temp files a crash left are removed when the next session opens.
// With the profile's key the temp file is encrypted as it grows (whole segments written, the rest
// held in memory), so no plaintext of a file being added reaches the disk either.
import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, rm, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream';
import { decryptingStream, SegmentSealer } from '../crypto/file-cipher.js';
import { OutpostError, ValidationError } from '../../common/errors.js';
import type { StagedFile } from '../../common/ipc/attachment-contract.js';
import type { AttachmentFiles } from './attachment-files.js';

/** Most bytes one attached file may have: 2 GiB. */
export const MAX_ATTACHMENT_FILE_BYTES = 2 * 1024 ** 3;
/** Most files being added at once (each holds an open temp file). */
const MAX_OPEN_STAGES = 32;

interface Stage {
  readonly name: string;
  readonly contentType: string;
  readonly path: string;
  readonly handle: FileHandle;
  /** Encrypts what is written, with the profile's key; null: written as it comes. */
  readonly sealer: SegmentSealer | null;
  received: number;
  /** Why a chunk could not be written (the file is incomplete: end refuses it). */
  broken: string | null;
  /** Chunks are written one after another even when two calls overlap. */
  tail: Promise<unknown>;
}

/** The files being added in one session. */
export class StagedAdds {
  private readonly stages = new Map<string, Stage>();

  private constructor(
    private readonly dir: string,
    private readonly files: AttachmentFiles,
    private readonly maxBytes: number,
    private readonly key: Buffer | null,
  ) {}

  /**
   * Opens `<profileDir>/attachment-staging` emptied of what an earlier session left; `maxBytes` per
   * file (default 2 GiB); `key`: the profile's 32-byte key, to encrypt the temp files.
   */
  static async open(profileDir: string, files: AttachmentFiles, maxBytes = MAX_ATTACHMENT_FILE_BYTES, key?: Buffer): Promise<StagedAdds> {
    const dir = join(profileDir, 'attachment-staging');
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    return new StagedAdds(dir, files, maxBytes, key ?? null);
  }

  /** Starts adding `name` (shown, never used as a path) of `contentType`; answers its stage id. */
  async begin(name: string, contentType: string): Promise<{ stageId: string }> {
    if (this.stages.size >= MAX_OPEN_STAGES) {
      throw new OutpostError('TooManyFiles', `${MAX_OPEN_STAGES} files are being added already: finish or cancel one first`);
    }
    const stageId = randomUUID();
    const path = join(this.dir, `${stageId}.part`);
    const handle = await open(path, 'wx');
    const sealer = this.key === null ? null : new SegmentSealer(this.key);
    this.stages.set(stageId, { name, contentType, path, handle, sealer, received: 0, broken: null, tail: Promise.resolve() });
    return { stageId };
  }

  /** Appends one chunk (base64, whole bytes); answers the bytes received so far. Over the limit, the stage is dropped. */
  async chunk(stageId: string, data: string): Promise<{ received: number }> {
    const stage = this.stage(stageId);
    if (data.length % 4 !== 0) throw new ValidationError('attachmentStageChunk: a chunk must be whole base64 quads (its length a multiple of 4)', 'data');
    const bytes = Buffer.from(data, 'base64');
    const write = stage.tail.then(async () => {
      if (stage.received + bytes.byteLength > this.maxBytes) {
        await this.drop(stageId);
        throw new ValidationError(`${stage.name} is larger than ${formatLimit(this.maxBytes)}, the most one attached file may have`, 'data');
      }
      try {
        if (stage.sealer === null) await stage.handle.write(bytes);
        else await stage.handle.write(Buffer.concat(stage.sealer.push(bytes)));
      } catch (error) {
        stage.broken = (error as Error).message;
        throw new OutpostError('FileNotWritten', `${stage.name} could not be written on this device: ${stage.broken}`);
      }
      stage.received += bytes.byteLength;
      return stage.received;
    });
    stage.tail = write.catch(() => undefined);
    return { received: await write };
  }

  /** Finishes adding: the bytes go into the file store; answers the reference without its key. */
  async end(stageId: string): Promise<StagedFile> {
    const stage = this.stage(stageId);
    this.stages.delete(stageId);
    try {
      await stage.tail;
      if (stage.broken !== null) throw new OutpostError('FileNotWritten', `${stage.name} is incomplete (${stage.broken}): add it again`);
      if (stage.sealer !== null) await stage.handle.write(stage.sealer.finish());
      await stage.handle.close();
      const stored = await this.files.add(this.key === null ? stage.path : pipeline(createReadStream(stage.path), decryptingStream(this.key), () => undefined));
      return { key: '', sha256: stored.sha256, size: stored.size, contentType: stage.contentType, name: stage.name };
    } finally {
      await stage.handle.close().catch(() => undefined);
      await rm(stage.path, { force: true });
    }
  }

  /** Drops a stage and its bytes; answers whether there was one. */
  async cancel(stageId: string): Promise<{ removed: boolean }> {
    return { removed: await this.drop(stageId) };
  }

  /** Drops every stage (the session closes). */
  async close(): Promise<void> {
    for (const stageId of [...this.stages.keys()]) await this.drop(stageId);
  }

  private stage(stageId: string): Stage {
    const stage = this.stages.get(stageId);
    if (stage === undefined) throw new ValidationError(`no file is being added as ${stageId} (finished, cancelled, or from an earlier session)`, 'stageId');
    return stage;
  }

  private async drop(stageId: string): Promise<boolean> {
    const stage = this.stages.get(stageId);
    if (stage === undefined) return false;
    this.stages.delete(stageId);
    await stage.handle.close().catch(() => undefined);
    await rm(stage.path, { force: true });
    return true;
  }
}

function formatLimit(bytes: number): string {
  const gib = bytes / 1024 ** 3;
  if (gib >= 1 && Number.isInteger(gib)) return `${gib} GiB`;
  const mib = bytes / 1024 ** 2;
  return mib >= 1 ? `${Math.round(mib * 10) / 10} MiB` : `${bytes} bytes`;
}
