// A save that returned survives SIGKILL on an encrypted store too: a child saves in a loop and
// prints each id after save() returned; we kill it at a seeded moment, reopen with the key and
// check every printed id has its row and outbox entry, nothing is half-written and the file is
// intact. A second round writes on into the file the first kill left (its encrypted WAL replayed).
// Replay a run with OUTPOST_FAULT_SEED=<seed>.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDatastore } from '../../../main/datastore/datastore.js';
import Database from 'better-sqlite3';
import { applyStoreKey, storeFileKind } from '../../../main/datastore/store-encryption.js';
import { exampleSchema, tempDir } from '../../unit/datastore/temp-datastore.js';

const script = fileURLToPath(new URL('./encrypted-store-child.ts', import.meta.url));
const schema = exampleSchema();

/** Runs the save loop until `killAfter` ids were printed (or 30 s passed), then SIGKILLs it. */
function runAndKill(file: string, keyHex: string, durability: string, killAfter: number): Promise<Map<string, number>> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, 'save', file, keyHex, durability, '100000'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const printed = new Map<string, number>();
    let buffered = '';
    let stderr = '';
    const deadline = setTimeout(() => child.kill('SIGKILL'), 30_000);
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
  test(`SIGKILL mid-stream on an encrypted store loses no returned save (synchronous=${durability})`, async (t) => {
    const file = join(tempDir(t), 'outpost.db');
    const key = randomBytes(32);
    const seed = Number(process.env.OUTPOST_FAULT_SEED ?? Math.floor(Math.random() * 2 ** 31));
    const killAfter = [100 + (seed % 150), 100 + ((seed >>> 8) % 150)];
    t.diagnostic(`seed ${seed} (OUTPOST_FAULT_SEED=${seed} replays it): kills after ${killAfter.join(' and ')} saves`);

    const acknowledged = new Map<string, number>();
    let saved = 0;
    for (const [round, count] of killAfter.entries()) {
      const printed = await runAndKill(file, key.toString('hex'), durability, count);
      assert.ok(printed.size >= count, `round ${round}: the child printed ${printed.size} ids`);
      for (const [id, index] of printed) acknowledged.set(id, index);
      assert.equal(storeFileKind(file), 'encrypted');

      const raw = new Database(file);
      try {
        applyStoreKey(raw, key);
        assert.equal(raw.pragma('integrity_check', { simple: true }), 'ok', `round ${round}: the file is intact`);
      } finally {
        raw.close();
      }
      const store = openDatastore({ file, schema, key });
      try {
        const rows = await store.query('Site');
        const entries = await store.outbox.listEntries();
        const rowIds = new Set(rows.map((r) => String(r.id)));
        const entryIds = new Set(entries.map((e) => e.modelId));
        for (const [id, index] of acknowledged) {
          assert.ok(rowIds.has(id), `round ${round}: acknowledged id ${id} (#${index}) has its row`);
          assert.ok(entryIds.has(id), `round ${round}: acknowledged id ${id} (#${index}) has its outbox entry`);
          const row = rows.find((r) => r.id === id);
          assert.equal(row?.name, `site ${index}`);
          if (index % 2 === 1) assert.equal(row?.code, `code ${index}`, 'the acknowledged edit is there too');
        }
        // Rows and entries pair up one to one; each kill may land after one commit not yet printed.
        assert.deepEqual([...rowIds].sort(), [...entryIds].sort());
        saved = rows.length;
        assert.ok(saved - acknowledged.size <= round + 1, `${saved} rows for ${acknowledged.size} acknowledged saves`);
      } finally {
        await store.close();
      }
    }
    assert.ok(saved >= killAfter[0] + killAfter[1]);
  });
}
