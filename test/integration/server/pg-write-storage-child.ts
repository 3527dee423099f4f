// Child process of the pg-write-* tests: one PostgreSQL storage of its own (argv[2] the database,
// argv[3] the schema the parent deployed there), driven by JSON lines on stdin, one JSON reply
// line per command (plus `paused` lines), so writes race from separate processes:
//   {"cmd":"write","id":"b"}             a mutation-shaped write (read, clock, put, log), at once
//   {"cmd":"pausedWrite","id":"a"}       the same, but its first try stops after it read the record
//                                        and the clock and buffered its write: `{ paused, clockMs }`
//                                        is printed, and it goes on at {"cmd":"release"}
//   {"cmd":"updates","id":"hot","n":20}  n concurrent read-and-bump writes of one record
// Every write answers `{ id, version, changedAt, attempts }` (attempts: how often the work ran).
import { createInterface } from 'node:readline';
import { parseSchema } from '../../../common/schema/parse-schema.js';
import { openKyselyStorage } from '../../../server/storage/open-storage.js';
import type { StoredItem } from '../../../server/storage/storage.js';

const [url, sdl] = process.argv.slice(2);
if (url === undefined || sdl === undefined) throw new Error('usage: pg-write-storage-child.ts <postgres://…> <schema SDL>');
const storage = await openKyselyStorage(url);
storage.useSchema(parseSchema(sdl));

let release: (() => void) | undefined;
const say = (value: unknown) => process.stdout.write(`${JSON.stringify(value)}\n`);

/** Reads the record, takes the clock, writes version + 1 and logs it, as a mutation does. */
async function write(id: string, pause: boolean): Promise<{ id: string; version: number; changedAt: number; attempts: number }> {
  let attempts = 0;
  const item = await storage.writeTransaction('Note', async (tx) => {
    attempts++;
    const existing = await tx.getForUpdate('Note', id);
    const now = await tx.now();
    const next: StoredItem = {
      id,
      text: `${id} by ${process.pid}`,
      count: (existing?._version ?? 0) + 1,
      createdAt: null,
      updatedAt: null,
      _version: (existing?._version ?? 0) + 1,
      _lastChangedAt: now,
      _deleted: null,
    };
    await tx.put('Note', next, null);
    await tx.appendChange('Note', next);
    if (pause && attempts === 1) {
      await new Promise<void>((resolve) => {
        release = resolve;
        say({ paused: id, clockMs: now });
      });
    }
    return next;
  });
  return { id, version: item._version, changedAt: item._lastChangedAt, attempts };
}

const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  const command = JSON.parse(line) as { cmd: string; id?: string; n?: number };
  const id = command.id ?? 'x';
  const answer = async (): Promise<unknown> => {
    switch (command.cmd) {
      case 'write':
        return write(id, false);
      case 'pausedWrite':
        return write(id, true);
      case 'release':
        release?.();
        return undefined;
      case 'updates': {
        const results = await Promise.all(Array.from({ length: command.n ?? 1 }, () => write(id, false)));
        return { versions: results.map((r) => r.version), attempts: results.reduce((s, r) => s + r.attempts, 0) };
      }
      default:
        return { error: `unknown command ${command.cmd}` };
    }
  };
  answer().then(
    (reply) => reply !== undefined && say(reply),
    (error: unknown) => say({ error: error instanceof Error ? error.message : String(error) }),
  );
});
lines.on('close', () => {
  void storage.close().then(() => process.exit(0));
});
