// Always visible: online/offline (or local-only), unsynced changes, changes waiting for review,
// models stopped at the sync cap, per-model progress during a sync, and when the last sync finished.
// Every part comes from syncBarView (renderer/sync-bar-view.ts), decided together from the one
// status main folds from the worker's events, so the parts never contradict each other. Attached
// files waiting to upload (after their records) are counted beside it, with their bytes, from the
// attachment queue; files refused for good link to the review inbox.
import type { Access, SyncStatus } from '../../common/ipc/contract.js';
import type { Schema } from '../../common/schema/types.js';
import { api } from '../api.js';
import { useAttachmentStates } from '../hooks/useAttachmentStates.js';
import { useNow } from '../hooks/useNow.js';
import { syncBarView } from '../sync-bar-view.js';
import { RAISE_CAP_HINT } from '../work-view.js';

/** The always-visible sync status strip at the bottom of the window; `onReview` opens the review inbox, `onActivity` the Sync activity screen. */
export function SyncBar(props: { status: SyncStatus | null; schema?: Schema | null; access?: Access | null; onReview?: () => void; onActivity?: () => void }) {
  const now = useNow();
  const { queue } = useAttachmentStates();
  const s = props.status;
  if (!s) return <footer className="sync-bar" aria-label="Sync status" />;
  const view = syncBarView(s, now, props.schema ?? null, props.access ?? null, queue);
  const { summary, files } = view;
  const reviewLink = (text: string, testId?: string) => (
    <button className="link review-link" data-testid={testId} onClick={() => props.onReview?.()}>
      {text}
    </button>
  );
  return (
    <footer className="sync-bar" aria-label="Sync status" data-state={view.state}>
      <span className={`dot ${view.state}`} aria-hidden="true" />
      <strong className="net">{view.label}</strong>
      {summary.linksToReview ? (
        reviewLink(summary.text, 'unsynced')
      ) : (
        <span className={summary.pending ? 'unsynced pending' : 'unsynced'} data-testid="unsynced">
          {summary.text}
        </span>
      )}
      {summary.review && reviewLink(summary.review, 'review-waiting')}
      {files.text !== null && (
        <span className={files.pending ? 'attachment-queue pending' : 'attachment-queue'} data-testid="attachments-waiting">
          {files.text}
        </span>
      )}
      {files.failed !== null && reviewLink(files.failed, 'attachments-failed')}
      {summary.capped.map((c) => (
        <span key={c.model} className="capped pending" data-testid="capped" title={RAISE_CAP_HINT}>
          {c.text}
        </span>
      ))}
      {view.progress && (
        <span className="progress" aria-label="Sync progress">
          {view.progress.map((p) => (
            <span key={p.model} className={p.synced ? 'model synced' : 'model'}>
              {p.text}
            </span>
          ))}
        </span>
      )}
      <span className="last-sync" data-testid="last-sync">
        {view.lastSync}
      </span>
      {props.onActivity && (
        <button className="link" data-testid="open-sync-activity" onClick={props.onActivity}>
          Activity
        </button>
      )}
      {view.toggle && (
        <button className="link" onClick={() => void (s.running ? api.stopSync() : api.startSync()).catch(() => undefined)}>
          {view.toggle}
        </button>
      )}
    </footer>
  );
}
