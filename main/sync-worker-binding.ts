// Binds the sync worker (main/sync) to the core's SyncWorkerPortFactory: the profile's server URL
// becomes the GraphQL endpoint and its credentials become the worker's auth stage. The attachment
// endpoint the server announces (`attachmentsPath`, on the server's origin) is passed on with the
// same credentials as headers, for the attachment queue (main/attachments).
import type { AttachmentEndpoint, SyncWorkerPort, SyncWorkerPortFactory } from './app/sync-worker-port.js';
import { httpAuthHeaders, tokenProviderFromSession, type SyncAuth } from './sync/sync-auth.js';
import { createSyncWorker, type SyncWorker, type SyncWorkerOptions } from './sync/sync-worker.js';

/** The GraphQL endpoint of an Outpost (or AppSync-style) server base URL: `<server>/graphql`. */
export function graphqlEndpoint(server: string): string {
  return new URL('graphql', server.endsWith('/') ? server : `${server}/`).toString();
}

/** The attachment endpoint at `path` on `server`'s origin (`http://host:4000` + `/attachments/`). */
export function attachmentEndpointUrl(server: string, path: string): string {
  return new URL(path, new URL(server).origin).toString();
}

/**
 * Most records of one model the desktop app syncs per round: 1,000,000. DataStore's (and the
 * worker library's) default of 10,000 stops a field team's larger models short; a model above this
 * still completes over the following rounds (sync-plan.ts `SyncResume`) and the cap is reported.
 */
export const DESKTOP_MAX_RECORDS_TO_SYNC = 1_000_000;

/**
 * A factory creating one sync worker per signed-in server profile; `tuning` passes worker options
 * through. `maxRecordsToSync`: the profile's setting the core passes, else `tuning`'s, else 1,000,000.
 */
export function syncWorkerPortFactory(tuning: Partial<Omit<SyncWorkerOptions, 'datastore' | 'schema' | 'endpoint' | 'auth'>> = {}): SyncWorkerPortFactory {
  return ({ datastore, schema, server, credentials, maxRecordsToSync }) => {
    let auth: SyncAuth;
    if (credentials.kind === 'apiKey') auth = { type: 'apiKey', apiKey: credentials.apiKey };
    else if (credentials.kind === 'userPools') auth = { type: 'jwt', tokens: tokenProviderFromSession(credentials.session) };
    else throw new Error('an offline profile has no server to sync with');
    const worker = createSyncWorker({
      ...tuning,
      maxRecordsToSync: maxRecordsToSync ?? tuning.maxRecordsToSync ?? DESKTOP_MAX_RECORDS_TO_SYNC,
      datastore,
      schema,
      endpoint: graphqlEndpoint(server),
      auth,
    });
    return {
      start: () => worker.start(),
      stop: () => worker.stop(),
      onEvent: (listener) => worker.onEvent(listener),
      maxItemBytes: () => worker.capabilities.maxItemBytes,
      authHeaders: () => httpAuthHeaders(auth),
      ...attachmentEndpointPort(worker, server, auth),
    };
  };
}

/** The port's attachment endpoint over the worker's capabilities: one endpoint object per announced path. */
function attachmentEndpointPort(worker: SyncWorker, server: string, auth: SyncAuth): Pick<SyncWorkerPort, 'attachmentEndpoint' | 'onAttachmentEndpoint'> {
  const capabilities = worker.capabilities;
  let current: AttachmentEndpoint | null = null;
  const endpointOf = (path: string | null): AttachmentEndpoint | null => {
    const url = path === null ? null : attachmentEndpointUrl(server, path);
    if (url !== current?.url) current = url === null ? null : { url, headers: () => httpAuthHeaders(auth) };
    return current;
  };
  return {
    attachmentEndpoint: () => endpointOf(capabilities.attachmentsPath),
    onAttachmentEndpoint: (listener) => capabilities.onAttachmentsPath((path) => listener(endpointOf(path))),
  };
}
