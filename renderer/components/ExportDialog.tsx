// Export of the list as it is shown (issue 13 "Export"): its filter and sort, every page. The
// format is picked here (GeoJSON only for a model with a GeoPoint-shaped field, files only for one
// with attachment fields); main asks where to save and writes the file; the result or the error
// is shown in the dialog. Esc closes it, Tab stays inside it, focus returns to the Export button.
import { useState } from 'react';
import { canExportFiles, exportFormats, type ExportFormat } from '../../common/export/export-formats.js';
import type { Predicate } from '../../common/predicates/types.js';
import type { ModelDef, Schema } from '../../common/schema/types.js';
import { api } from '../api.js';
import type { ListSort } from '../list-sort.js';
import { pluralLabel } from '../../common/schema/record-labels.js';
import { useModalDialog } from '../dialog-focus.js';

const FORMAT_LABELS: Readonly<Record<ExportFormat, string>> = { csv: 'CSV', geojson: 'GeoJSON', json: 'JSON' };

type Outcome =
  | { readonly kind: 'idle' }
  | { readonly kind: 'running' }
  | { readonly kind: 'done'; readonly text: string }
  | { readonly kind: 'failed'; readonly text: string };

/** "Exported 1,234 records to <path>", or what happened instead. */
export function exportOutcomeText(result: { path: string | null; records: number }): string {
  if (result.path === null) return 'Export cancelled: no file was written.';
  return `Exported ${result.records.toLocaleString()} record${result.records === 1 ? '' : 's'} to ${result.path}`;
}

/** The dialog exporting `model`'s records matching `where` (and the search) in `sort` order; `total` is the list's count. */
export function ExportDialog(props: {
  schema: Schema;
  model: ModelDef;
  where: Predicate | undefined;
  sort: readonly ListSort[] | undefined;
  /** The list's search box text ('' for none). */
  search?: string;
  /** The list's filter ignores case and accents. */
  ignoreCase?: boolean;
  total: number;
  onClose: () => void;
}) {
  const { schema, model } = props;
  const formats = exportFormats(schema, model);
  const [format, setFormat] = useState<ExportFormat>('csv');
  const [withFiles, setWithFiles] = useState(false);
  const [outcome, setOutcome] = useState<Outcome>({ kind: 'idle' });
  const modal = useModalDialog(props.onClose);
  const run = () => {
    setOutcome({ kind: 'running' });
    api
      .exportList({
        model: model.name,
        ...(props.where ? { where: props.where } : {}),
        ...(props.sort ? { sort: [...props.sort] } : {}),
        ...(props.search ? { search: props.search } : {}),
        ...(props.ignoreCase ? { ignoreCase: true } : {}),
        format,
        ...(withFiles ? { withAttachments: true } : {}),
      })
      .then(
        (result) => setOutcome({ kind: 'done', text: exportOutcomeText(result) }),
        (error: Error) => setOutcome({ kind: 'failed', text: `Export failed: ${error.message}` }),
      );
  };
  return (
    <div className="dialog-backdrop">
      <div {...modal} className="dialog export-dialog" role="dialog" aria-labelledby="export-title" aria-describedby="export-scope">
        <h2 id="export-title">Export {pluralLabel(model)}</h2>
        <p id="export-scope" className="muted">
          {props.total.toLocaleString()} record{props.total === 1 ? '' : 's'}: the list as filtered and sorted now, every page.
        </p>
        <fieldset className="export-formats">
          <legend>Format</legend>
          {formats.map((f, i) => (
            <label key={f}>
              <input type="radio" name="export-format" value={f} checked={format === f} onChange={() => setFormat(f)} autoFocus={i === 0} />
              {FORMAT_LABELS[f]}
            </label>
          ))}
        </fieldset>
        {canExportFiles(schema, model) && (
          <label className="export-files">
            <input type="checkbox" checked={withFiles} onChange={(e) => setWithFiles(e.target.checked)} />
            Include attached files (zip)
          </label>
        )}
        {outcome.kind === 'running' && <p role="status">Exporting…</p>}
        {outcome.kind === 'done' && (
          <p role="status" className="export-result">
            {outcome.text}
          </p>
        )}
        {outcome.kind === 'failed' && (
          <p role="alert" className="form-error">
            {outcome.text}
          </p>
        )}
        <div className="actions">
          <button className="primary" onClick={run} disabled={outcome.kind === 'running'}>
            Export
          </button>
          <button className="secondary" onClick={props.onClose}>
            {outcome.kind === 'done' ? 'Close' : 'Cancel'}
          </button>
        </div>
      </div>
    </div>
  );
}
