// The change bus across server processes sharing one PostgreSQL database.
//
// Every published event is written to a small journal table and announced with NOTIFY in the
// same statement. The notification carries the event itself when it fits in NOTIFY's 8000-byte
// payload limit, otherwise only the journal row id, which listeners read back: a record of any
// size arrives. The journal also lets a listener that lost its connection replay what it missed
// once it is back (up to `retentionMs`); beyond that it reports a disruption so real-time clients
// are made to resynchronise instead of silently missing changes.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { BusDisruption, ChangeBus, ChangeEvent, MutationKind } from './change-event.js';
import { MemoryChangeBus } from './memory-change-bus.js';

export interface PostgresChangeBusOptions {
  /** `postgres://user@host:port/database`. */
  readonly connectionString: string;
  /** NOTIFY channel; default `outpost_changes`. Processes sharing a database must use the same. */
  readonly channel?: string;
  /** Journal table; default `outpost_change_event`. Created if missing. */
  readonly table?: string;
  /** How long journal rows are kept for replay after a lost connection, ms; default 300 000. */
  readonly retentionMs?: number;
  /** Liveness probe period of the LISTEN connection, ms; default 10 000. */
  readonly probeIntervalMs?: number;
  /** First wait before reconnecting the LISTEN connection, ms; default 100 (then doubles, with jitter). */
  readonly minReconnectDelayMs?: number;
  /** Longest wait between reconnect attempts, ms; default 5 000. */
  readonly maxReconnectDelayMs?: number;
  /** Where background failures go (lost connection, unreadable notification); default stderr. */
  readonly reportError?: (error: unknown) => void;
}

/** NOTIFY payloads must stay under 8000 bytes; keep room for the envelope around the event. */
const INLINE_BODY_LIMIT_BYTES = 7800;
const PUBLISH_ATTEMPTS = 3;
/** Most events journaled by one statement. */
const PUBLISH_BATCH = 200;
/** `application_name` of the LISTEN connection, so operators can spot it in `pg_stat_activity`. */
export const LISTENER_APPLICATION_NAME = 'outpost-change-listener';
const MUTATIONS: readonly MutationKind[] = ['create', 'update', 'delete'];
const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

interface Notice {
  readonly origin: string;
  readonly seq: number;
  readonly body?: ChangeEvent;
}

/** ChangeBus over PostgreSQL LISTEN/NOTIFY; build it with `PostgresChangeBus.create`. */
export class PostgresChangeBus implements ChangeBus {
  /** Identifies this process's own notifications, which were already delivered locally. */
  private readonly origin = randomUUID().replaceAll('-', '');
  private readonly local: MemoryChangeBus;
  private readonly pool: pg.Pool;
  private readonly channel: string;
  private readonly table: string;
  private readonly retentionMs: number;
  private readonly probeIntervalMs: number;
  private readonly maxReconnectDelayMs: number;
  private readonly reportError: (error: unknown) => void;

  private listener: pg.Client | null = null;
  /** Journal ids already delivered (or published here), with when, for de-duplicating replays. */
  private readonly seen = new Map<number, number>();
  /** Rows at or below this id predate this bus and are never replayed. */
  private startupFloor = 0;
  /** Last local time the LISTEN connection was known to work, ms. */
  private lastAliveAt = Date.now();
  /** Notifications are handled one after another so events keep their order. */
  private processing: Promise<void> = Promise.resolve();
  private reconnecting = false;
  private closed = false;
  private probeTimer: NodeJS.Timeout | null = null;
  private purgeTimer: NodeJS.Timeout | null = null;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private wakeReconnect: (() => void) | null = null;

  private constructor(private readonly options: PostgresChangeBusOptions) {
    this.channel = options.channel ?? 'outpost_changes';
    this.table = options.table ?? 'outpost_change_event';
    for (const [what, name] of [
      ['channel', this.channel],
      ['table', this.table],
    ] as const) {
      if (!IDENTIFIER.test(name)) {
        throw new Error(`PostgresChangeBus ${what} "${name}" must be a lower-case SQL identifier`);
      }
    }
    this.retentionMs = options.retentionMs ?? 300_000;
    this.probeIntervalMs = options.probeIntervalMs ?? 10_000;
    this.maxReconnectDelayMs = options.maxReconnectDelayMs ?? 5_000;
    this.reportError =
      options.reportError ??
      ((error) => {
        console.error('postgres change bus:', error);
      });
    this.local = new MemoryChangeBus(this.reportError);
    // One connection for publishing keeps this process's notifications in publish order.
    this.pool = new pg.Pool({ connectionString: options.connectionString, max: 1 });
    this.pool.on('error', (error) => this.reportError(error));
  }

  /** Connects, creates the journal table if needed and starts listening; rejects if PostgreSQL does not answer. */
  static async create(options: PostgresChangeBusOptions): Promise<PostgresChangeBus> {
    const bus = new PostgresChangeBus(options);
    try {
      await bus.createJournal();
      await bus.connectListener(true);
    } catch (error) {
      await bus.close();
      throw error;
    }
    bus.purgeTimer = setInterval(() => void bus.purge(), Math.max(1_000, Math.min(60_000, bus.retentionMs / 2)));
    bus.purgeTimer.unref();
    return bus;
  }

  /**
   * Delivers to this process's listeners, then journals + notifies the other processes (retried
   * on connection errors). Rejects when the other processes could not be told.
   *
   * Events published while a statement is on the wire go together in the next one (issue 16): a
   * transaction that NOTIFYs holds PostgreSQL's global notify-queue lock through its commit, so one
   * statement per event capped every process at one event per commit flush (~160 mutations/s
   * here). One connection still sends them, in publish order, and each event keeps its own
   * journal row and notification.
   */
  async publish(event: ChangeEvent): Promise<void> {
    if (this.closed) throw new Error('change bus is closed');
    this.local.deliver(event);
    const body = JSON.stringify({ model: event.model, mutation: event.mutation, item: event.item });
    const sent = new Promise<void>((resolve, reject) => this.outgoing.push({ body, model: event.model, resolve, reject }));
    if (!this.sending) void this.sendOutgoing();
    return sent;
  }

  /** Events waiting for the next journal statement. */
  private readonly outgoing: Array<{ readonly body: string; readonly model: string; resolve: () => void; reject: (error: Error) => void }> = [];
  private sending = false;

  /** Sends what `outgoing` holds, a batch per statement, until it is empty. */
  private async sendOutgoing(): Promise<void> {
    this.sending = true;
    try {
      while (this.outgoing.length > 0) {
        const batch = this.outgoing.splice(0, PUBLISH_BATCH);
        try {
          await this.journal(batch.map((e) => e.body));
          for (const e of batch) e.resolve();
        } catch (error) {
          for (const e of batch) {
            e.reject(new Error(`change on ${e.model} was committed but could not be sent to other server processes: ${String(error)}`, { cause: error }));
          }
        }
      }
    } finally {
      this.sending = false;
    }
  }

  /** Journals `bodies` in order and notifies each, in one statement (retried on connection errors). */
  private async journal(bodies: readonly string[]): Promise<void> {
    // ORDINALITY keeps the publish order in the journal ids and in the notifications.
    const sql =
      `WITH ins AS (INSERT INTO ${this.table} (origin, body) SELECT $1::text, u.b FROM unnest($2::text[]) WITH ORDINALITY AS u(b, n) ORDER BY u.n RETURNING id, body) ` +
      `SELECT id, pg_notify($3::text, CASE WHEN octet_length(body) <= ${INLINE_BODY_LIMIT_BYTES} ` +
      `THEN '{"o":"' || $1::text || '","s":' || id || ',"b":' || body || '}' ` +
      `ELSE '{"o":"' || $1::text || '","s":' || id || '}' END) FROM (SELECT id, body FROM ins ORDER BY id) AS ordered`;
    let lastError: unknown;
    for (let attempt = 1; attempt <= PUBLISH_ATTEMPTS; attempt++) {
      try {
        const result = await this.pool.query<{ id: string }>(sql, [this.origin, bodies, this.channel]);
        for (const row of result.rows) this.seen.set(Number(row.id), Date.now());
        return;
      } catch (error) {
        lastError = error;
        if (this.closed) break;
        await delay(100 * 4 ** (attempt - 1));
      }
    }
    throw lastError;
  }

  subscribe(listener: (event: ChangeEvent) => void): () => void {
    return this.local.subscribe(listener);
  }

  onDisruption(listener: (disruption: BusDisruption) => void): () => void {
    return this.local.onDisruption(listener);
  }

  /** Whether the LISTEN connection is up right now. */
  get listening(): boolean {
    return this.listener !== null && !this.reconnecting;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const timer of [this.probeTimer, this.purgeTimer, this.reconnectTimer]) if (timer) clearTimeout(timer);
    this.wakeReconnect?.();
    const listener = this.listener;
    this.listener = null;
    await Promise.allSettled([listener?.end(), this.pool.end(), this.local.close()]);
  }

  private async createJournal(): Promise<void> {
    const client = await this.pool.connect();
    try {
      // Two processes starting together would race on CREATE TABLE IF NOT EXISTS; serialise them.
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [this.table]);
      await client.query(
        `CREATE TABLE IF NOT EXISTS ${this.table} (
           id bigserial PRIMARY KEY,
           origin text NOT NULL,
           body text NOT NULL,
           created_at timestamptz NOT NULL DEFAULT clock_timestamp())`,
      );
      await client.query(`CREATE INDEX IF NOT EXISTS ${this.table}_created_at ON ${this.table} (created_at)`);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  /** Opens the LISTEN connection; on a reconnect, replays journal rows missed while it was down. */
  private async connectListener(first: boolean): Promise<void> {
    const outageStartedAt = this.lastAliveAt;
    const client = new pg.Client({
      connectionString: this.options.connectionString,
      keepAlive: true,
      application_name: LISTENER_APPLICATION_NAME,
      query_timeout: Math.max(5_000, this.probeIntervalMs),
    });
    client.on('error', (error) => this.connectionLost(client, error));
    client.on('end', () => this.connectionLost(client, new Error('LISTEN connection ended')));
    client.on('notification', (message) => {
      if (message.channel !== this.channel || message.payload === undefined) return;
      this.lastAliveAt = Date.now();
      const payload = message.payload;
      this.enqueue(() => this.handleNotice(client, payload));
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${this.channel}`);
      if (first) {
        const floor = await client.query<{ id: string | null }>(`SELECT max(id) AS id FROM ${this.table}`);
        this.startupFloor = Number(floor.rows[0]?.id ?? 0);
      }
    } catch (error) {
      client.removeAllListeners('end');
      client.on('error', () => undefined);
      await client.end().catch(() => undefined);
      throw error;
    }
    this.listener = client;
    if (!first) {
      const outageMs = Date.now() - outageStartedAt;
      if (outageMs >= this.retentionMs) {
        this.local.reportDisruption({
          reason: `change notifications were unavailable for ${Math.round(outageMs / 1000)} s, longer than the ${Math.round(this.retentionMs / 1000)} s replay window`,
        });
      }
      // Margin: a notification lost just before the loss was noticed, or clocks a little apart.
      const windowSeconds = Math.min(this.retentionMs, outageMs + 15_000) / 1000;
      this.enqueue(() => this.replay(client, windowSeconds));
    }
    this.lastAliveAt = Date.now();
    this.scheduleProbe(client);
  }

  private async replay(client: pg.Client, windowSeconds: number): Promise<void> {
    const rows = await client.query<{ id: string; origin: string; body: string }>(
      `SELECT id, origin, body FROM ${this.table}
        WHERE id > $1 AND created_at >= clock_timestamp() - make_interval(secs => $2) ORDER BY id`,
      [this.startupFloor, windowSeconds],
    );
    for (const row of rows.rows) {
      const seq = Number(row.id);
      if (row.origin === this.origin || this.seen.has(seq)) continue;
      this.seen.set(seq, Date.now());
      const event = parseChangeEvent(row.body);
      if (event) this.local.deliver(event);
      else this.reportError(new Error(`journal row ${seq} does not hold a change event`));
    }
  }

  private async handleNotice(client: pg.Client, payload: string): Promise<void> {
    const notice = parseNotice(payload);
    if (!notice) {
      this.reportError(new Error(`ignored a notification on ${this.channel} that is not a change: ${payload.slice(0, 200)}`));
      return;
    }
    if (notice.origin === this.origin || this.seen.has(notice.seq)) return;
    let event = notice.body;
    if (!event) {
      const row = await client.query<{ body: string }>(`SELECT body FROM ${this.table} WHERE id = $1`, [notice.seq]);
      const body = row.rows[0]?.body;
      if (body === undefined) {
        this.reportError(new Error(`change ${notice.seq} was purged from ${this.table} before it could be read`));
        return;
      }
      event = parseChangeEvent(body) ?? undefined;
      if (!event) {
        this.reportError(new Error(`journal row ${notice.seq} does not hold a change event`));
        return;
      }
    }
    this.seen.set(notice.seq, Date.now());
    this.local.deliver(event);
  }

  private enqueue(task: () => Promise<void>): void {
    this.processing = this.processing.then(task).catch((error: unknown) => {
      // A failed read means the connection is going away; the replay after reconnecting covers it.
      if (!this.closed) this.reportError(error);
    });
  }

  private scheduleProbe(client: pg.Client): void {
    if (this.probeTimer) clearTimeout(this.probeTimer);
    this.probeTimer = setTimeout(() => {
      if (this.closed || this.listener !== client) return;
      client.query('SELECT 1').then(
        () => {
          this.lastAliveAt = Date.now();
          this.scheduleProbe(client);
        },
        (error: unknown) => this.connectionLost(client, error),
      );
    }, this.probeIntervalMs);
    this.probeTimer.unref();
  }

  private connectionLost(client: pg.Client, error: unknown): void {
    if (this.closed || this.listener !== client) return;
    this.listener = null;
    this.reportError(new Error(`LISTEN connection lost, reconnecting: ${String(error)}`, { cause: error }));
    client.removeAllListeners('end');
    client.on('error', () => undefined);
    client.end().catch(() => undefined);
    void this.reconnect();
  }

  private async reconnect(): Promise<void> {
    if (this.reconnecting) return;
    this.reconnecting = true;
    let wait = this.options.minReconnectDelayMs ?? 100;
    let failures = 0;
    try {
      while (!this.closed) {
        await new Promise<void>((resolve) => {
          this.wakeReconnect = resolve;
          this.reconnectTimer = setTimeout(resolve, wait * (0.5 + Math.random() / 2));
          this.reconnectTimer.unref();
        });
        if (this.closed) return;
        try {
          await this.connectListener(false);
          return;
        } catch (error) {
          failures++;
          if (failures === 1 || failures % 10 === 0) {
            this.reportError(new Error(`LISTEN reconnect attempt ${failures} failed: ${String(error)}`, { cause: error }));
          }
          wait = Math.min(this.maxReconnectDelayMs, wait * 2);
        }
      }
    } finally {
      this.reconnecting = false;
      this.wakeReconnect = null;
    }
  }

  private async purge(): Promise<void> {
    if (this.closed) return;
    const cutoff = Date.now() - this.retentionMs - 60_000;
    for (const [seq, at] of this.seen) if (at < cutoff) this.seen.delete(seq);
    try {
      await this.pool.query(`DELETE FROM ${this.table} WHERE created_at < clock_timestamp() - make_interval(secs => $1)`, [this.retentionMs / 1000]);
    } catch (error) {
      if (!this.closed) this.reportError(error);
    }
  }

  /** For tests: drops the LISTEN connection as a network failure would. */
  simulateConnectionLoss(): void {
    const client = this.listener;
    if (client) this.connectionLost(client, new Error('simulated connection loss'));
  }
}

function parseNotice(payload: string): Notice | null {
  let value: unknown;
  try {
    value = JSON.parse(payload);
  } catch {
    return null;
  }
  if (!isObject(value) || typeof value.o !== 'string' || typeof value.s !== 'number') return null;
  if (value.b === undefined) return { origin: value.o, seq: value.s };
  const body = toChangeEvent(value.b);
  return body ? { origin: value.o, seq: value.s, body } : null;
}

/** Reads a journal body back; null when it is not a change event. */
function parseChangeEvent(text: string): ChangeEvent | null {
  try {
    return toChangeEvent(JSON.parse(text));
  } catch {
    return null;
  }
}

function toChangeEvent(value: unknown): ChangeEvent | null {
  if (!isObject(value) || typeof value.model !== 'string' || !isObject(value.item)) return null;
  const mutation = MUTATIONS.find((kind) => kind === value.mutation);
  return mutation ? { model: value.model, mutation, item: value.item } : null;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
