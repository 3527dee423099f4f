// The sha-256 and first bytes of an upload, as its completion check needs them, computed while the
// bytes are written instead of in a second pass over the finished blob. A store keeps one running
// digest per upload between appends (a file sent in several PATCHes is hashed once), valid only
// for the exact upload generation and offset it covers: anything else — another process appended,
// the upload was deleted and created again, this process restarted — falls back to hashing the
// stored bytes once at completion, so the digest always covers every byte of the blob.
import { createHash, type Hash } from 'node:crypto';

/** Bytes of the blob's start kept for content sniffing (≥ SNIFF_BYTES of common/content-sniff.ts). */
export const DIGEST_HEAD_BYTES = 64;

/** What a completion check sees of a finished blob. */
export interface BlobDigest {
  /** Lower-case hex sha-256 of every byte. */
  readonly sha256: string;
  /** The first DIGEST_HEAD_BYTES bytes (all of them for a shorter blob). */
  readonly head: Buffer;
}

/** A digest being built over bytes 0…offset of one upload. */
export class RunningDigest {
  readonly #hash: Hash = createHash('sha256');
  #head = Buffer.alloc(0);
  #offset = 0;

  /** Bytes covered so far. */
  get offset(): number {
    return this.#offset;
  }

  /** Adds the next bytes (in order, each once). */
  update(chunk: Uint8Array): void {
    if (this.#head.length < DIGEST_HEAD_BYTES) {
      this.#head = Buffer.concat([this.#head, chunk.subarray(0, DIGEST_HEAD_BYTES - this.#head.length)]);
    }
    this.#hash.update(chunk);
    this.#offset += chunk.byteLength;
  }

  /** Finishes the digest; the object is spent afterwards. */
  finish(): BlobDigest {
    return { sha256: this.#hash.digest('hex'), head: this.#head };
  }
}

/** Hashes a whole blob read back from storage (the fallback when no running digest covers it). */
export async function digestOf(bytes: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): Promise<BlobDigest> {
  const digest = new RunningDigest();
  for await (const chunk of bytes) digest.update(chunk);
  return digest.finish();
}

/** Most running digests kept at once; past it the oldest is dropped (its upload is then hashed at completion). */
const MAX_KEPT = 1024;

/**
 * Running digests of uploads in progress in this process, by upload id. `generation` tells two
 * uploads of the same id apart (its creation time, as precisely as the store has it); a digest is handed back only for the
 * generation and offset it was kept at.
 */
export class RunningDigests {
  readonly #kept = new Map<string, { readonly generation: string; readonly digest: RunningDigest }>();

  /** The digest to continue an append at `offset`: the kept one when it covers exactly 0…offset, a new one at 0, else null (hash at completion). */
  resume(id: string, generation: string, offset: number): RunningDigest | null {
    const kept = this.#kept.get(id);
    this.#kept.delete(id);
    if (kept !== undefined && kept.generation === generation && kept.digest.offset === offset) return kept.digest;
    return offset === 0 ? new RunningDigest() : null;
  }

  /** Keeps `digest` for the upload's next append. */
  keep(id: string, generation: string, digest: RunningDigest): void {
    this.#kept.delete(id);
    this.#kept.set(id, { generation, digest });
    if (this.#kept.size > MAX_KEPT) this.#kept.delete(this.#kept.keys().next().value as string);
  }

  /** Forgets the upload's digest (completed, refused or deleted). */
  drop(id: string): void {
    this.#kept.delete(id);
  }
}
