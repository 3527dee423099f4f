// Graceful stop (SIGTERM): readiness turns 503 so a load balancer stops sending, the listener stops
// accepting, requests in flight (mutations among them) get up to a grace period to finish, then the
// rest closes — real-time sockets with 1001 "going away", which the desktop client and Amplify's
// client both treat as a disruption to reconnect from (PROTOCOL.md §5.4), so they come back on the
// next process.
import type { IncomingMessage, Server, ServerResponse } from 'node:http';

/** Default grace for requests in flight, ms. */
export const DEFAULT_SHUTDOWN_GRACE_MS = 10_000;

/** What a drain found. */
export interface DrainResult {
  /** True when every request in flight finished within the grace period. */
  readonly drained: boolean;
  /** Requests still running when the grace period ended (they are cut). */
  readonly inFlightLeft: number;
  readonly waitedMs: number;
}

/** The server's lifecycle as readiness and the drain see it: requests in flight, and whether it is stopping. */
export class ServerLifecycle {
  private inFlight = 0;
  private idleWaiters: Array<() => void> = [];
  #draining = false;

  /** True from the start of a drain: readiness answers 503. */
  get draining(): boolean {
    return this.#draining;
  }

  get requestsInFlight(): number {
    return this.inFlight;
  }

  /** Counts `server`'s requests from arrival until their response is done (or the socket closed). */
  watch(server: Server): void {
    server.prependListener('request', (_req: IncomingMessage, res: ServerResponse) => {
      this.inFlight++;
      res.once('close', () => {
        this.inFlight--;
        if (this.inFlight === 0) for (const wake of this.idleWaiters.splice(0)) wake();
      });
    });
  }

  /** Stops `server` accepting and waits up to `graceMs` (default 10 000) for requests in flight. */
  async drain(server: Server, graceMs = DEFAULT_SHUTDOWN_GRACE_MS): Promise<DrainResult> {
    this.#draining = true;
    const began = Date.now();
    // Stops listening and closes idle keep-alive sockets; busy ones close after their response.
    server.close();
    server.closeIdleConnections();
    if (this.inFlight > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, graceMs);
        this.idleWaiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return { drained: this.inFlight === 0, inFlightLeft: this.inFlight, waitedMs: Date.now() - began };
  }
}
