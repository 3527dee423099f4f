// The database has no connection to spare within the pool-wait limit: the request is refused as
// overload (HTTP 503 with Retry-After, server/http/admission.ts) instead of queueing without bound.
import { OutpostError } from '../../common/errors.js';

/** Wire errorType of an overload refusal. */
export const SERVER_BUSY_ERROR_TYPE = 'ServerBusyException';

/** No pooled database connection became free in time; retryable. */
export class StorageBusy extends OutpostError {
  constructor(message: string) {
    super('ServerBusy', `The server is busy: ${message}; retry later`, { errorType: SERVER_BUSY_ERROR_TYPE });
  }
}
