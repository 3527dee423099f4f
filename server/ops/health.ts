// GET /health/live (the process answers) and GET /health/ready (the database answers within a short
// timeout, its storage is at this code's version, and the server is not stopping): 200 or 503 with
// the reason, for a load balancer's or orchestrator's probes. GET /health stays as it was.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Storage } from '../storage/storage.js';
import { sendJson } from '../http/graphql-endpoint.js';
import type { ServerLifecycle } from './shutdown.js';
import { recordedVersion, STORAGE_VERSION } from './storage-version.js';

/** Longest wait for the database in a readiness probe, ms. */
export const READY_TIMEOUT_MS = 1000;

/** Why the server is not ready, or null when it is. */
export async function notReadyReason(storage: Storage, lifecycle: ServerLifecycle, timeoutMs = READY_TIMEOUT_MS): Promise<string | null> {
  if (lifecycle.draining) return 'shutting down';
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
  try {
    const recorded = await Promise.race([recordedVersion(storage), timeout]);
    if (recorded === 'timeout') return `database did not answer within ${timeoutMs} ms`;
    if (recorded?.storageVersion !== STORAGE_VERSION) return `storage version ${String(recorded?.storageVersion)} is not ${STORAGE_VERSION}`;
    return null;
  } catch (error) {
    return `database unreachable: ${error instanceof Error ? error.message : String(error)}`;
  } finally {
    clearTimeout(timer);
  }
}

/** The /health/live and /health/ready routes (an extra route of the HTTP server). */
export function healthRoutes(storage: Storage, lifecycle: ServerLifecycle): (req: IncomingMessage, res: ServerResponse) => Promise<boolean> {
  return async (req, res) => {
    if (req.method !== 'GET') return false;
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path === '/health/live') {
      sendJson(res, 200, { status: 'live' });
      return true;
    }
    if (path !== '/health/ready') return false;
    const reason = await notReadyReason(storage, lifecycle);
    if (reason === null) sendJson(res, 200, { status: 'ready', storageVersion: STORAGE_VERSION });
    else sendJson(res, 503, { status: 'not ready', reason });
    return true;
  };
}
