// The attachment channels of the IPC contract over the open session's attachments (DESIGN.md
// "Attachments"). Being wired in this session: until then every channel refuses plainly.
import { OutpostError } from '../../common/errors.js';
import { attachmentRequests } from '../../common/ipc/attachment-contract.js';
import type { AttachmentChannel, AttachmentServices } from '../ipc/app-services.js';
import type { CoreContext } from './core-context.js';

/** The AttachmentServices of the core's open session. */
export function attachmentServices(ctx: CoreContext): AttachmentServices {
  void ctx;
  const refuse = (channel: AttachmentChannel) => async (): Promise<never> => {
    throw new OutpostError('NotAvailable', `${channel}: attachments are not wired into the app yet`);
  };
  return Object.fromEntries(Object.keys(attachmentRequests).map((c) => [c, refuse(c as AttachmentChannel)])) as unknown as AttachmentServices;
}
