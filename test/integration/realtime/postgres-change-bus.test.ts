// PostgresChangeBus against the local PostgreSQL: fan-out between buses, records larger than
// NOTIFY's 8000-byte limit, a second OS process publishing, and replay after a lost connection.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { LISTENER_APPLICATION_NAME, PostgresChangeBus } from '../../../server/realtime/postgres-change-bus.js';
import type { BusDisruption, ChangeEvent } from '../../../server/realtime/change-event.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';

const run = promisify(execFile);
const database = await createTestDatabase();
const skip = 'skip' in database ? database.skip : false;

function siteEvent(i: number, extra: Record<string, unknown> = {}): ChangeEvent {
  return {
    model: 'Site',
    mutation: i === 0 ? 'create' : 'update',
    item: { id: 'site-1', name: `Site ${i}`, _version: i + 1, _lastChangedAt: 1_700_000_000_000 + i, _deleted: null, ...extra },
  };
}

/** Resolves with the first `count` events the bus delivers, or rejects after `ms`. */
function collect(bus: PostgresChangeBus, count: number, ms = 5_000): Promise<ChangeEvent[]> {
  return new Promise((resolve, reject) => {
    const got: ChangeEvent[] = [];
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`received ${got.length} of ${count} events within ${ms} ms`));
    }, ms);
    const stop = bus.subscribe((event) => {
      got.push(event);
      if (got.length === count) {
        clearTimeout(timer);
        stop();
        resolve(got);
      }
    });
  });
}

async function terminateListeners(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const result = await client.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1', [
      LISTENER_APPLICATION_NAME,
    ]);
    return result.rowCount ?? 0;
  } finally {
    await client.end();
  }
}

describe('PostgresChangeBus', { skip }, () => {
  const db = database as TestDatabase;
  const errors: unknown[] = [];
  let a: PostgresChangeBus;
  let b: PostgresChangeBus;

  before(async () => {
    a = await PostgresChangeBus.create({ connectionString: db.url, reportError: (e) => errors.push(e) });
    b = await PostgresChangeBus.create({ connectionString: db.url, reportError: (e) => errors.push(e) });
  });
  after(async () => {
    await Promise.allSettled([a?.close(), b?.close()]);
    await db.drop();
  });

  it('delivers every event, in order, once, to listeners of the publishing and of another bus', async () => {
    const onA = collect(a, 40);
    const onB = collect(b, 40);
    let extraOnB = 0;
    const events = Array.from({ length: 40 }, (_, i) => siteEvent(i));
    for (const event of events) await a.publish(event);
    assert.deepEqual(await onA, events);
    assert.deepEqual(await onB, events);
    const stop = b.subscribe(() => extraOnB++);
    await new Promise((resolve) => setTimeout(resolve, 200));
    stop();
    assert.equal(extraOnB, 0, 'no duplicate delivery');
  });

  it('carries a record far larger than the 8000-byte NOTIFY limit intact', async () => {
    const notes = 'Ünïcødé ✓ — '.repeat(20_000);
    const big = siteEvent(1, { notes, tags: Array.from({ length: 500 }, (_, i) => `tag-${i}`) });
    const small = siteEvent(2);
    const onB = collect(b, 2);
    await a.publish(big);
    await a.publish(small);
    const [first, second] = await onB;
    assert.equal(first.item.notes, notes);
    assert.deepEqual(first, big);
    assert.deepEqual(second, small, 'a large event does not reorder the ones behind it');
  });

  it('receives what a second OS process publishes through its own bus', async () => {
    const events = [siteEvent(0), siteEvent(1, { notes: 'x'.repeat(50_000) }), { ...siteEvent(2), mutation: 'delete' as const }];
    const onB = collect(b, 3, 20_000);
    const script = fileURLToPath(new URL('./publish-through-postgres.ts', import.meta.url));
    const { stdout } = await run(process.execPath, ['--import', 'tsx', script, db.url, JSON.stringify(events)], {
      timeout: 20_000,
    });
    assert.match(stdout, /published 3/);
    assert.deepEqual(await onB, events);
  });

  it('reconnects LISTEN after its connection is killed and replays what was published meanwhile', async () => {
    const lossReports: unknown[] = [];
    // A slow first reconnect leaves a window in which events are published while c is cut off.
    const c = await PostgresChangeBus.create({
      connectionString: db.url,
      minReconnectDelayMs: 1_500,
      reportError: (e) => lossReports.push(e),
    });
    try {
      const onC = collect(c, 2, 15_000);
      assert.ok((await terminateListeners(db.url)) >= 1);
      for (let i = 0; i < 100 && c.listening; i++) await new Promise((r) => setTimeout(r, 20));
      assert.equal(c.listening, false, 'the loss was noticed');
      assert.ok(
        lossReports.some((e) => String(e).includes('LISTEN connection lost')),
        'and reported',
      );
      await a.publish(siteEvent(7));
      await a.publish(siteEvent(8));
      assert.deepEqual(await onC, [siteEvent(7), siteEvent(8)], 'replayed from the journal, in order, once');
      for (let i = 0; i < 100 && !c.listening; i++) await new Promise((r) => setTimeout(r, 50));
      assert.ok(c.listening);
      const later = collect(c, 1);
      let extra = 0;
      const stop = c.subscribe(() => extra++);
      await a.publish(siteEvent(9));
      assert.deepEqual(await later, [siteEvent(9)]);
      await new Promise((r) => setTimeout(r, 200));
      stop();
      assert.equal(extra, 1, 'no duplicate after the replay');
    } finally {
      await c.close();
    }
  });

  it('reports a disruption when it was cut off longer than the replay window', async () => {
    const c = await PostgresChangeBus.create({ connectionString: db.url, retentionMs: 300, reportError: () => undefined });
    try {
      const disruption = new Promise<BusDisruption>((resolve) => c.onDisruption((d) => resolve(d)));
      await new Promise((r) => setTimeout(r, 400));
      await terminateListeners(db.url);
      const got = await Promise.race([disruption, new Promise<null>((r) => setTimeout(() => r(null), 5_000))]);
      assert.ok(got, 'disruption reported');
      assert.match(got.reason, /replay window/);
    } finally {
      await c.close();
    }
  });

  it('rejects publishing after close, and bad channel names at creation', async () => {
    const c = await PostgresChangeBus.create({ connectionString: db.url, reportError: () => undefined });
    await c.close();
    await assert.rejects(c.publish(siteEvent(1)), /closed/);
    await assert.rejects(PostgresChangeBus.create({ connectionString: db.url, channel: 'x; DROP TABLE y' }), /identifier/);
  });
});
