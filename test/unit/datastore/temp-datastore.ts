// Test support: a datastore on a real SQLite file in a fresh temp directory, closed and removed
// when the test ends, plus raw read access to the file for asserting what was really written.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import Database from 'better-sqlite3';
import { parseSchema } from '../../../common/schema/parse-schema.js';
import type { Schema } from '../../../common/schema/types.js';
import { openDatastore, type Datastore } from '../../../main/datastore/datastore.js';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));

/** The example app schema (schema/schema.graphql). */
export function exampleSchema(): Schema {
  return parseSchema(readFileSync(join(root, 'schema/schema.graphql'), 'utf8'), 'schema.graphql');
}

/** A temp directory removed after the test. */
export function tempDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'outpost-datastore-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A datastore on a new file (example schema unless given), closed after the test. */
export function openTemp(t: TestContext, schema: Schema = exampleSchema()): { store: Datastore; file: string } {
  const file = join(tempDir(t), 'outpost.db');
  const store = openDatastore({ file, schema });
  t.after(() => store.close());
  return { store, file };
}

/** Rows of a table read straight from the file with a separate connection. */
export function rawRows(file: string, sql: string, ...params: unknown[]): Record<string, unknown>[] {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare(sql).all(...params) as Record<string, unknown>[];
  } finally {
    db.close();
  }
}

/** Outbox rows with `data`/`condition` parsed, FIFO. */
export function rawOutbox(
  file: string,
): { id: number; model: string; modelId: string; operation: string; data: Record<string, unknown>; condition: unknown; inFlight: number }[] {
  return rawRows(file, 'SELECT * FROM _outpost_outbox ORDER BY id').map((r) => ({
    id: Number(r.id),
    model: String(r.model),
    modelId: String(r.modelId),
    operation: String(r.operation),
    data: JSON.parse(String(r.data)) as Record<string, unknown>,
    condition: r.condition === null ? null : (JSON.parse(String(r.condition)) as unknown),
    inFlight: Number(r.inFlight),
  }));
}

/** Waits for pending setImmediate callbacks (observeQuery batches) to run. */
export function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 5));
}
