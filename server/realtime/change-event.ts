// What a committed write publishes to subscribers (in this process, and to other server
// processes through PostgreSQL LISTEN/NOTIFY).

export type MutationKind = 'create' | 'update' | 'delete';

/** One committed write: the full stored item (with `_version`, `_lastChangedAt`, `_deleted`). */
export interface ChangeEvent {
  readonly model: string;
  readonly mutation: MutationKind;
  readonly item: Readonly<Record<string, unknown>>;
}

/** Why a bus may have lost events (e.g. its LISTEN connection was down longer than it can replay). */
export interface BusDisruption {
  readonly reason: string;
}

/** Fan-out of committed writes; `publish` is called only after the write's transaction commits. */
export interface ChangeBus {
  publish(event: ChangeEvent): Promise<void>;
  /** Returns an unsubscribe function. */
  subscribe(listener: (event: ChangeEvent) => void): () => void;
  close(): Promise<void>;
  /**
   * Told when events may have been missed, so holders of live subscriptions can make their
   * clients resynchronise (the real-time handler closes its sockets). Returns an unsubscribe
   * function. Optional: a bus that cannot lose events never calls it.
   */
  onDisruption?(listener: (disruption: BusDisruption) => void): () => void;
}
