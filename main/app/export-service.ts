// Exporting the list a user sees (issue 13 "Export", main/export): the open profile's records of
// the request's model, filter and sort, to a file the user picks (Electron's save dialog, through
// `chooseExportPath`) or, without a chooser, `<userData>/exports/<suggested name>`, where an
// existing file is never replaced ("name (2).csv"). With files, the zip takes them from the
// profile's attachment store (the session's, so its adds in progress are left alone).
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { exportFormats, EXPORT_EXTENSIONS, suggestedExportName } from '../../common/export/export-formats.js';
import { ValidationError } from '../../common/errors.js';
import type { ResponseOf } from '../../common/ipc/contract.js';
import { getModel } from '../../common/schema/model-fields.js';
import { exportToFile } from '../export/export-file.js';
import { storeFileSource } from '../export/store-file-source.js';
import type { ExportRequest } from '../ipc/app-services.js';
import { currentSession, type CoreContext } from './core-context.js';

/** Writes the open profile's records of `request` to a file; `path` null when the user cancelled. */
export async function exportList(ctx: CoreContext, request: ExportRequest): Promise<ResponseOf<'exportList'>> {
  const open = currentSession(ctx);
  const { schema, userData, chooseExportPath } = ctx.options;
  const model = getModel(schema, request.model);
  if (!exportFormats(schema, model).includes(request.format)) {
    throw new ValidationError(
      `exportList ${model.name}: GeoJSON needs a GeoPoint-shaped field (latitude and longitude Float!), and ${model.name} has none; export CSV or JSON`,
      `${model.name}`,
    );
  }
  const suggested = suggestedExportName(model, request.format, request.withAttachments, new Date());
  let path: string;
  if (chooseExportPath) {
    const chosen = await chooseExportPath(suggested);
    if (chosen === null) return { path: null, records: 0, bytes: 0 };
    path = chosen;
  } else {
    const folder = join(userData, 'exports');
    await mkdir(folder, { recursive: true });
    path = join(folder, suggested);
  }
  const files = request.withAttachments
    ? {
        source: storeFileSource(open.attachments.files),
        dataName: suggested.replace(/\.zip$/, `.${EXPORT_EXTENSIONS[request.format]}`),
      }
    : undefined;
  const result = await exportToFile({
    schema,
    model,
    ...(request.where ? { where: request.where } : {}),
    ...(request.sort ? { sort: request.sort } : {}),
    matching: { ...(request.search ? { search: request.search } : {}), ...(request.ignoreCase ? { ignoreCase: true } : {}) },
    format: request.format,
    ...(files ? { files } : {}),
    source: open.datastore,
    path,
    overwrite: chooseExportPath !== undefined,
  });
  return { path: result.path, records: result.records, bytes: result.bytes };
}
