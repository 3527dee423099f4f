// Delivery of committed changes to subscribers, off the request path. The bus listener only
// queues the event, so the mutation that published it answers first; delivery follows in rounds
// run from setImmediate in bounded slices, so the event loop serves HTTP and other sockets between
// slices. A round takes the events queued so far; for each it visits the subscriptions listening
// (payload shaped and serialised once per subscription document), collects each connection's
// frames, then writes every connection's batch in one socket write. Under load, more events wait
// for a round, so batches grow and the cost per delivery falls instead of the queue growing.
import type { ChangeEvent } from './change-event.js';
import type { ActiveSubscription } from './realtime-connection.js';
import type { SubscriptionIndex } from './subscription-index.js';

/** Tunables of the fan-out. */
export interface FanoutOptions {
  /** Longest stretch of fan-out work before the event loop is given back, ms; default 4. */
  readonly sliceMs: number;
  /** Events waiting for delivery beyond which every subscriber is made to resynchronise; default 10 000. */
  readonly maxQueuedEvents: number;
  /** Most events one round takes (bounds each connection's batch); default 256. */
  readonly maxEventsPerRound: number;
}

export const DEFAULT_FANOUT_OPTIONS: FanoutOptions = { sliceMs: 4, maxQueuedEvents: 10_000, maxEventsPerRound: 256 };

/** The shared payload bytes of one event for one subscription document, made on first use. */
export type PayloadOf = (subscription: ActiveSubscription) => Buffer;

/** What a round needs from a connection. */
export interface FanoutConnection {
  /** Queues `event`'s frame for `subscription` when its rules and filter let it through; true when this made the connection's batch non-empty. */
  collect(subscription: ActiveSubscription, event: ChangeEvent, payloadOf: PayloadOf): boolean;
  /** Writes the batch collected this round in one socket write; returns the frames written. */
  flush(): number;
}

interface Round {
  readonly events: readonly ChangeEvent[];
  readonly payloadOf: readonly PayloadOf[];
  /** The subscriptions of `events[eventIndex]`, taken when the round reached it. */
  listeners: readonly ActiveSubscription[];
  eventIndex: number;
  listenerIndex: number;
  readonly dirty: FanoutConnection[];
  flushIndex: number;
}

/** How often the slice's clock is read, in units of work (a subscription visited or a frame written). */
const CLOCK_EVERY = 64;

export class FanoutQueue {
  private pending: ChangeEvent[] = [];
  private round: Round | null = null;
  private scheduled: NodeJS.Immediate | null = null;
  private closed = false;
  private delivered = 0;

  constructor(
    private readonly subscriptions: SubscriptionIndex,
    /** Makes the shared payload of an event for a subscription's document (called once per document per event). */
    private readonly shapePayload: (subscription: ActiveSubscription, event: ChangeEvent) => Buffer,
    /** Called when the queue overflowed and was emptied: subscribers missed events. */
    private readonly onOverflow: (queuedEvents: number) => void,
    private readonly options: FanoutOptions = DEFAULT_FANOUT_OPTIONS,
  ) {}

  /** Queues a committed change for delivery; returns at once. */
  enqueue(event: ChangeEvent): void {
    if (this.closed) return;
    this.pending.push(event);
    if (this.pending.length > this.options.maxQueuedEvents) {
      // Falling further behind only delays every client more; resynchronising them is cheaper.
      const dropped = this.pending.length;
      this.pending = [];
      this.round = null;
      this.onOverflow(dropped);
      return;
    }
    this.schedule();
  }

  /** Events not yet fully delivered (queued or in the current round). */
  get queuedEvents(): number {
    const round = this.round;
    return this.pending.length + (round ? round.events.length - Math.min(round.eventIndex, round.events.length) : 0);
  }

  /** `data` frames written to sockets so far. */
  get deliveredFrames(): number {
    return this.delivered;
  }

  close(): void {
    this.closed = true;
    this.pending = [];
    this.round = null;
    if (this.scheduled) clearImmediate(this.scheduled);
    this.scheduled = null;
  }

  private schedule(): void {
    if (this.scheduled || this.closed) return;
    this.scheduled = setImmediate(() => {
      this.scheduled = null;
      this.runSlice();
    });
  }

  private runSlice(): void {
    const deadline = performance.now() + this.options.sliceMs;
    let work = 0;
    let nextCheck = CLOCK_EVERY;
    while (!this.closed) {
      const round = this.round ?? this.startRound();
      if (!round) return;
      if (round.eventIndex < round.events.length) {
        this.collectStep(round);
        work++;
      } else if (round.flushIndex < round.dirty.length) {
        const written = round.dirty[round.flushIndex++]!.flush();
        this.delivered += written;
        // A flush costs about its frames (a batch can hold hundreds): count them, so the clock is read in time.
        work += Math.max(1, written);
      } else {
        this.round = null;
        continue;
      }
      if (work >= nextCheck) {
        if (performance.now() >= deadline) break;
        nextCheck = work + CLOCK_EVERY;
      }
    }
    if (this.round || this.pending.length > 0) this.schedule();
  }

  private startRound(): Round | null {
    if (this.pending.length === 0) return null;
    const events = this.pending.splice(0, this.options.maxEventsPerRound);
    const round: Round = {
      events,
      payloadOf: events.map((event) => this.payloadCache(event)),
      listeners: this.subscriptions.listening(events[0]!),
      eventIndex: 0,
      listenerIndex: 0,
      dirty: [],
      flushIndex: 0,
    };
    this.round = round;
    return round;
  }

  /** Visits one subscription of the round's current event (or moves to the next event). */
  private collectStep(round: Round): void {
    if (round.listenerIndex >= round.listeners.length) {
      round.eventIndex++;
      round.listenerIndex = 0;
      const next = round.events[round.eventIndex];
      // Taken when reached, not at round start: a subscription acknowledged meanwhile gets later events.
      round.listeners = next ? this.subscriptions.listening(next) : [];
      return;
    }
    const subscription = round.listeners[round.listenerIndex++]!;
    const connection: FanoutConnection = subscription.connection;
    if (connection.collect(subscription, round.events[round.eventIndex]!, round.payloadOf[round.eventIndex]!)) round.dirty.push(connection);
  }

  /** Shapes and serialises `event` once per subscription document. */
  private payloadCache(event: ChangeEvent): PayloadOf {
    const byDocument = new Map<string, Buffer>();
    return (subscription) => {
      const key = subscription.request.documentKey;
      let payload = byDocument.get(key);
      if (payload === undefined) {
        payload = this.shapePayload(subscription, event);
        byDocument.set(key, payload);
      }
      return payload;
    };
  }
}
