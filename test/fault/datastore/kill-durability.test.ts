// A save that returned survives SIGKILL: a child saves in a loop and prints each id after save()
// returns; we kill it mid-stream, reopen the file and check every printed id is there with its
// outbox entry, that no row lacks an entry (or entry a row), and that the file is intact.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openDatastore } from '../../../main/datastore/datastore.js';
import { exampleSchema, tempDir } from '../../unit/datastore/temp-datastore.js';
import { fileURLToPath } from 'node:url';

const script = fileURLToPath(new URL('./save-loop.ts', import.meta.url));

/** Runs the save loop until `killAfter` ids were printed (or 20 s passed), then SIGKILLs it. */
function runAndKill(file: string, durability: string, killAfter: number): Promise<Map<string, number>> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, file, durability, '100000'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const printed = new Map<string, number>();
    let buffered = '';
    let stderr = '';
    const deadline = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        const [id, index] = line.split(' ');
        if (index !== undefined) printed.set(id, Number(index));
      }
      if (printed.size >= killAfter) child.kill('SIGKILL');
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(deadline);
      if (signal !== 'SIGKILL') reject(new Error(`save loop ended by itself (code ${code}): ${stderr}`));
      else resolve(printed);
    });
  });
}

for (const durability of ['FULL', 'NORMAL']) {
  test(`SIGKILL mid-stream loses no returned save (synchronous=${durability})`, async (t) => {
    const file = join(tempDir(t), 'outpost.db');
    const printed = await runAndKill(file, durability, 150);
    assert.ok(printed.size >= 150, `child printed ${printed.size} ids`);

    const raw = new Database(file);
    try {
      assert.equal(raw.pragma('integrity_check', { simple: true }), 'ok');
    } finally {
      raw.close();
    }
    const store = openDatastore({ file, schema: exampleSchema() });
    t.after(() => store.close());
    const rows = await store.query('Site');
    const entries = await store.outbox.listEntries();
    const rowIds = new Set(rows.map((r) => String(r.id)));
    const entryIds = new Set(entries.map((e) => e.modelId));

    for (const [id, index] of printed) {
      assert.ok(rowIds.has(id), `printed id ${id} (#${index}) has its row`);
      assert.ok(entryIds.has(id), `printed id ${id} (#${index}) has its outbox entry`);
      const row = rows.find((r) => r.id === id);
      assert.equal(row?.name, `site ${index}`);
      if (index % 2 === 1) assert.equal(row?.code, `code ${index}`, 'the returned edit is there too');
    }
    // Nothing half-written: rows and entries pair up one to one (the kill may land after a commit
    // whose id was not printed yet, so the store may hold at most one more record than printed).
    assert.deepEqual([...rowIds].sort(), [...entryIds].sort());
    assert.equal(entries.length, rows.length);
    assert.ok(rows.length - printed.size <= 1, `${rows.length} rows for ${printed.size} printed ids`);
    for (const entry of entries) {
      assert.equal(entry.operation, 'Create');
      assert.equal(entry.data.name, rows.find((r) => r.id === entry.modelId)?.name);
    }
  });
}
