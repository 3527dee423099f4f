// Exporting the list a user sees (main/export). Being wired in this session: until then it refuses plainly.
import { OutpostError } from '../../common/errors.js';
import type { ResponseOf } from '../../common/ipc/contract.js';
import type { ExportRequest } from '../ipc/app-services.js';
import type { CoreContext } from './core-context.js';

/** Writes the open profile's records of `request` to a file. */
export async function exportList(ctx: CoreContext, request: ExportRequest): Promise<ResponseOf<'exportList'>> {
  void ctx;
  throw new OutpostError('NotAvailable', `exportList ${request.model}: export is not wired into the app yet`);
}
