// The change bus inside one server process: every published event reaches every listener,
// synchronously and in publish order. Also the local fan-out stage of the PostgreSQL bus.
import type { BusDisruption, ChangeBus, ChangeEvent } from './change-event.js';

/** Where a listener's exception goes; the default writes it to stderr. */
export type ListenerErrorReporter = (error: unknown) => void;

const reportToStderr: ListenerErrorReporter = (error) => {
  console.error('change bus listener failed:', error);
};

/** In-process ChangeBus. A throwing listener is reported and never stops delivery to the others. */
export class MemoryChangeBus implements ChangeBus {
  private readonly listeners = new Set<(event: ChangeEvent) => void>();
  private readonly disruptionListeners = new Set<(disruption: BusDisruption) => void>();
  private closed = false;

  constructor(private readonly reportListenerError: ListenerErrorReporter = reportToStderr) {}

  /** Delivers to every current listener before resolving. Rejects once the bus is closed. */
  async publish(event: ChangeEvent): Promise<void> {
    if (this.closed) throw new Error('change bus is closed');
    this.deliver(event);
  }

  /** Calls every listener now; used by buses that receive events from elsewhere. */
  deliver(event: ChangeEvent): void {
    // Snapshot: a listener that unsubscribes (or subscribes another) mid-delivery must not skew this round.
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch (error) {
        this.reportListenerError(error);
      }
    }
  }

  /** Tells every disruption listener that events may have been lost. */
  reportDisruption(disruption: BusDisruption): void {
    for (const listener of [...this.disruptionListeners]) {
      try {
        listener(disruption);
      } catch (error) {
        this.reportListenerError(error);
      }
    }
  }

  subscribe(listener: (event: ChangeEvent) => void): () => void {
    // Wrap so the same function subscribed twice gets two independent subscriptions.
    const entry = (event: ChangeEvent): void => listener(event);
    this.listeners.add(entry);
    return () => {
      this.listeners.delete(entry);
    };
  }

  onDisruption(listener: (disruption: BusDisruption) => void): () => void {
    const entry = (disruption: BusDisruption): void => listener(disruption);
    this.disruptionListeners.add(entry);
    return () => {
      this.disruptionListeners.delete(entry);
    };
  }

  /** Number of current event listeners (for status output and tests). */
  get listenerCount(): number {
    return this.listeners.size;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.listeners.clear();
    this.disruptionListeners.clear();
  }
}
