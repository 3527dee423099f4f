// The attachment channels of the IPC contract over the open session's attachments (DESIGN.md
// "Attachments", main/attachments/attachment-session.ts): adding files in chunks, viewing them
// (main/attachments/attachment-viewing.ts), the upload queue's states, a retry, and the settings.
import { fetchAttachment, putThumbnail, readAttachment } from '../attachments/attachment-viewing.js';
import type { AttachmentServices } from '../ipc/app-services.js';
import { currentSession, type CoreContext } from './core-context.js';

/** The AttachmentServices of the core's open session (each throws Unauthorized while nobody is signed in). */
export function attachmentServices(ctx: CoreContext): AttachmentServices {
  const session = () => currentSession(ctx).attachments;
  return {
    attachmentStageBegin: ({ name, contentType }) => session().adds.begin(name, contentType),
    attachmentStageChunk: ({ stageId, data }) => session().adds.chunk(stageId, data),
    attachmentStageEnd: ({ stageId }) => session().adds.end(stageId),
    attachmentStageCancel: ({ stageId }) => session().adds.cancel(stageId),
    attachmentFetch: async ({ key, sha256 }) => {
      const attachments = session();
      const fetched = await fetchAttachment(attachments.viewing(), key, sha256);
      // A download may have taken the cache past its limit: older files of others go, never this one.
      await attachments.keepCacheLimit(fetched.size);
      return fetched;
    },
    attachmentRead: ({ sha256, offset, length, thumbnail }) =>
      readAttachment(session().viewing(), sha256, {
        ...(offset === undefined ? {} : { offset }),
        ...(length === undefined ? {} : { length }),
        ...(thumbnail === undefined ? {} : { thumbnail }),
      }),
    attachmentThumbnailPut: ({ sha256, contentType, data }) => putThumbnail(session().viewing(), sha256, contentType, data),
    attachmentStates: async () => session().states(),
    attachmentRetry: ({ key }) => session().retry(key),
    attachmentSettings: async () => session().settings.get(),
    setAttachmentSettings: (settings) => session().setSettings(settings),
  };
}
