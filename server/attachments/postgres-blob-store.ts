// BlobStore over PostgreSQL, for several server processes sharing one database. A blob is a row
// in outpost_blob_uploads plus chunks of at most 1 MiB in outpost_blob_chunks, written and read
// one chunk at a time so memory stays flat in blob size. Each chunk is its own short transaction
// that takes the upload row's lock and re-checks the offset: appends to one upload from any
// number of processes are serialized, a stale appender gets OffsetMismatch, and every committed
// MiB survives a crash or a cut connection (the client resumes from it). Each committed chunk
// feeds the upload's running digest (blob-digest.ts), so completion reads the blob back only when
// this process did not see every chunk (another process appended some, or it restarted).
import { Readable } from 'node:stream';
import pg from 'pg';
import { digestOf, RunningDigests, type RunningDigest } from './blob-digest.js';
import {
  BlobNotFound,
  LengthExceeded,
  OffsetMismatch,
  UploadExists,
  assertBlobId,
  assertLength,
  assertRange,
  type BlobInfo,
  type BlobStore,
  type ByteRange,
  type CompletionCheck,
  type CreateUpload,
} from './blob-store.js';

/** Largest chunk stored in one row, in bytes. */
export const CHUNK_BYTES = 1024 * 1024;

const DDL = `
CREATE TABLE IF NOT EXISTS outpost_blob_uploads (
  id text PRIMARY KEY,
  length bigint NOT NULL,
  upload_offset bigint NOT NULL DEFAULT 0,
  owner text NOT NULL,
  metadata jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  complete boolean NOT NULL DEFAULT false
);
CREATE INDEX IF NOT EXISTS outpost_blob_uploads_owner ON outpost_blob_uploads (owner);
CREATE INDEX IF NOT EXISTS outpost_blob_uploads_created ON outpost_blob_uploads (created_at);
CREATE TABLE IF NOT EXISTS outpost_blob_chunks (
  upload_id text NOT NULL REFERENCES outpost_blob_uploads (id) ON DELETE CASCADE,
  chunk_offset bigint NOT NULL,
  chunk_end bigint NOT NULL,
  data bytea NOT NULL,
  PRIMARY KEY (upload_id, chunk_offset)
);`;
// Arbitrary constant: serializes the CREATE TABLE IF NOT EXISTS of concurrent first starts.
const DDL_LOCK = 7_320_113;

interface UploadRow {
  id: string;
  length: string;
  upload_offset: string;
  owner: string;
  metadata: Record<string, string>;
  created_at: Date;
  complete: boolean;
}

/** Opens a store on `pool` (kept open by close()) or on a connection string (its own pool, closed by close()). */
export async function openPostgresBlobStore(database: pg.Pool | string): Promise<PostgresBlobStore> {
  const owned = typeof database === 'string';
  const pool = typeof database === 'string' ? new pg.Pool({ connectionString: database }) : database;
  // An idle client's error (e.g. the server restarting) would otherwise crash the process; the next query reports it.
  if (owned) pool.on('error', () => undefined);
  await inTransaction(pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock($1)', [DDL_LOCK]);
    await client.query(DDL);
  });
  return new PostgresBlobStore(pool, owned);
}

export class PostgresBlobStore implements BlobStore {
  readonly #digests = new RunningDigests();

  constructor(
    private readonly pool: pg.Pool,
    private readonly ownsPool: boolean,
  ) {}

  async create(upload: CreateUpload): Promise<BlobInfo> {
    assertBlobId(upload.id);
    assertLength(upload.length);
    const result = await this.pool.query<UploadRow>(
      `INSERT INTO outpost_blob_uploads (id, length, owner, metadata) VALUES ($1, $2, $3, $4)
       ON CONFLICT (id) DO NOTHING RETURNING *`,
      [upload.id, upload.length, upload.owner, JSON.stringify(upload.metadata)],
    );
    if (result.rows.length === 0) throw new UploadExists(upload.id);
    this.#digests.drop(upload.id);
    return toInfo(result.rows[0]);
  }

  async append(id: string, offset: number, bytes: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, check?: CompletionCheck): Promise<number> {
    const row = await this.#row(id);
    if (!row) throw new BlobNotFound(id);
    const current = toInfo(row);
    if (current.complete || current.offset !== offset) throw new OffsetMismatch(id, current.offset, offset);
    // In microseconds: another process may delete and create the same id again within a millisecond.
    const generation = row.created_us;
    const digest = this.#digests.resume(id, generation, offset);
    let at = offset;
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    const flush = async (upTo: number): Promise<void> => {
      while (pendingBytes >= upTo && pendingBytes > 0) {
        const joined = Buffer.concat(pending, pendingBytes);
        const piece = joined.subarray(0, Math.min(CHUNK_BYTES, joined.length));
        await this.#insertChunk(id, at, piece);
        digest?.update(piece);
        at += piece.length;
        pending = [joined.subarray(piece.length)];
        pendingBytes = joined.length - piece.length;
      }
    };
    try {
      for await (const chunk of bytes) {
        if (at + pendingBytes + chunk.byteLength > current.length) throw new LengthExceeded(id, current.length);
        pending.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
        pendingBytes += chunk.byteLength;
        await flush(CHUNK_BYTES);
      }
    } finally {
      // What arrived before an error or a cut is kept, so the client need not send it again.
      await flush(1).finally(() => {
        if (digest !== null && at < current.length) this.#digests.keep(id, generation, digest);
      });
    }
    if (at === current.length) await this.#complete(id, check, digest?.offset === at ? digest : null);
    return at;
  }

  async info(id: string): Promise<BlobInfo | null> {
    const row = await this.#row(id);
    return row === null ? null : toInfo(row);
  }

  async #row(id: string): Promise<(UploadRow & { created_us: string }) | null> {
    assertBlobId(id);
    const result = await this.pool.query<UploadRow & { created_us: string }>(
      `SELECT *, (extract(epoch FROM created_at) * 1000000)::bigint::text AS created_us FROM outpost_blob_uploads WHERE id = $1`,
      [id],
    );
    return result.rows[0] ?? null;
  }

  async read(id: string, range?: ByteRange): Promise<Readable> {
    const current = await this.info(id);
    if (!current?.complete) throw new BlobNotFound(id);
    if (range) assertRange(range, current.length);
    return Readable.from(this.#chunks(id, range?.start ?? 0, range ? range.end : current.length - 1), { objectMode: false });
  }

  async delete(id: string): Promise<void> {
    assertBlobId(id);
    this.#digests.drop(id);
    // The row lock waits for an append's chunk in flight; chunks go with the row (ON DELETE CASCADE).
    await inTransaction(this.pool, async (client) => {
      await client.query('SELECT 1 FROM outpost_blob_uploads WHERE id = $1 FOR UPDATE', [id]);
      await client.query('DELETE FROM outpost_blob_uploads WHERE id = $1', [id]);
    });
  }

  async listOlderThan(time: Date): Promise<BlobInfo[]> {
    const result = await this.pool.query<UploadRow>('SELECT * FROM outpost_blob_uploads WHERE created_at < $1 ORDER BY created_at', [time]);
    return result.rows.map(toInfo);
  }

  async bytesOwnedBy(owner: string): Promise<number> {
    const result = await this.pool.query<{ total: string | null }>('SELECT sum(length) AS total FROM outpost_blob_uploads WHERE owner = $1', [owner]);
    return Number(result.rows[0]?.total ?? 0);
  }

  async close(): Promise<void> {
    if (this.ownsPool) await this.pool.end();
  }

  async #insertChunk(id: string, at: number, data: Buffer): Promise<void> {
    await inTransaction(this.pool, async (client) => {
      const locked = await client.query<UploadRow>('SELECT * FROM outpost_blob_uploads WHERE id = $1 FOR UPDATE', [id]);
      if (locked.rows.length === 0) throw new BlobNotFound(id);
      const row = toInfo(locked.rows[0]);
      if (row.complete || row.offset !== at) throw new OffsetMismatch(id, row.offset, at);
      await client.query('INSERT INTO outpost_blob_chunks (upload_id, chunk_offset, chunk_end, data) VALUES ($1, $2, $3, $4)', [
        id,
        at,
        at + data.length,
        data,
      ]);
      await client.query('UPDATE outpost_blob_uploads SET upload_offset = $2 WHERE id = $1', [id, at + data.length]);
    });
  }

  async #complete(id: string, check: CompletionCheck | undefined, digest: RunningDigest | null): Promise<void> {
    this.#digests.drop(id);
    const current = await this.info(id);
    if (!current) throw new BlobNotFound(id);
    if (check) {
      try {
        await check(digest?.finish() ?? (await digestOf(this.#chunks(id, 0, current.length - 1))), current);
      } catch (error) {
        await this.delete(id);
        throw error;
      }
    }
    await this.pool.query('UPDATE outpost_blob_uploads SET complete = true WHERE id = $1 AND upload_offset = length', [id]);
  }

  /** Yields bytes start..end (inclusive) one stored chunk per query. */
  async *#chunks(id: string, start: number, end: number): AsyncGenerator<Buffer> {
    let position = start;
    while (position <= end) {
      const result = await this.pool.query<{ chunk_offset: string; data: Buffer }>(
        'SELECT chunk_offset, data FROM outpost_blob_chunks WHERE upload_id = $1 AND chunk_end > $2 ORDER BY chunk_offset LIMIT 1',
        [id, position],
      );
      const row = result.rows[0];
      if (!row) throw new BlobNotFound(id);
      const chunkOffset = Number(row.chunk_offset);
      const piece = row.data.subarray(position - chunkOffset, Math.min(row.data.length, end + 1 - chunkOffset));
      position += piece.length;
      yield piece;
    }
  }
}

function toInfo(row: UploadRow): BlobInfo {
  return {
    id: row.id,
    length: Number(row.length),
    offset: Number(row.upload_offset),
    owner: row.owner,
    metadata: row.metadata,
    createdAt: row.created_at,
    complete: row.complete,
  };
}

async function inTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
