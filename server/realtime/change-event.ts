// What a committed write publishes to subscribers (in this process, and to other server
// processes through PostgreSQL LISTEN/NOTIFY).

export type MutationKind = 'create' | 'update' | 'delete';

/** One committed write: the full stored item (with `_version`, `_lastChangedAt`, `_deleted`). */
export interface ChangeEvent {
  readonly model: string;
  readonly mutation: MutationKind;
  readonly item: Readonly<Record<string, unknown>>;
}

/** Fan-out of committed writes; `publish` is called only after the write's transaction commits. */
export interface ChangeBus {
  publish(event: ChangeEvent): Promise<void>;
  /** Returns an unsubscribe function. */
  subscribe(listener: (event: ChangeEvent) => void): () => void;
  close(): Promise<void>;
}
