// Always visible: online/offline (or local-only), unsynced changes, changes waiting for review,
// models stopped at the sync cap, per-model progress during a sync, and when the last sync finished.
// What it says comes from syncSummary (renderer/work-view.ts): never "All changes synced" unless true.
// Attached files waiting to upload (after their records) are counted beside it, with their bytes,
// from the attachment queue (attachment-view.ts); files refused for good link to the review inbox.
import type { Access, SyncStatus } from '../../common/ipc/contract.js';
import type { Schema } from '../../common/schema/types.js';
import { api } from '../api.js';
import { attachmentQueueSummary, recordSummaryText } from '../attachment-view.js';
import { useAttachmentStates } from '../hooks/useAttachmentStates.js';
import { useNow } from '../hooks/useNow.js';
import { RAISE_CAP_HINT, syncSummary } from '../work-view.js';

function ago(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 10) return 'just now';
  if (s < 60) return `${s} s ago`;
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min ago`;
  const h = Math.round(m / 60);
  return h < 24 ? `${h} h ago` : `${Math.round(h / 24)} d ago`;
}

/** The always-visible sync status strip at the bottom of the window; `onReview` opens the review inbox. */
export function SyncBar(props: { status: SyncStatus | null; schema?: Schema | null; access?: Access | null; onReview?: () => void }) {
  const now = useNow();
  const { queue } = useAttachmentStates();
  const files = attachmentQueueSummary(queue);
  const s = props.status;
  if (!s) return <footer className="sync-bar" aria-label="Sync status" />;
  const state = s.mode === 'offline' ? 'local' : !s.running ? 'paused' : s.online ? 'online' : 'offline';
  const label = { local: 'Local only', paused: 'Sync paused', online: 'Online', offline: 'Offline' }[state];
  const models = Object.entries(s.models);
  const summary = syncSummary(s, props.schema, props.access);
  const reviewLink = (text: string, testId?: string) => (
    <button className="link review-link" data-testid={testId} onClick={() => props.onReview?.()}>
      {text}
    </button>
  );
  return (
    <footer className="sync-bar" aria-label="Sync status" data-state={state}>
      <span className={`dot ${state}`} aria-hidden="true" />
      <strong className="net">{label}</strong>
      {summary.linksToReview ? (
        reviewLink(summary.text, 'unsynced')
      ) : (
        <span className={summary.pending ? 'unsynced pending' : 'unsynced'} data-testid="unsynced">
          {recordSummaryText(summary.text, queue)}
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
      {s.syncing && models.length > 0 && (
        <span className="progress" aria-label="Sync progress">
          {models.map(([model, p]) => (
            <span key={model} className={p.synced ? 'model synced' : 'model'}>
              {model} {p.received}
              {p.synced ? ' ✓' : '…'}
            </span>
          ))}
        </span>
      )}
      <span className="last-sync">
        {s.mode === 'offline' ? 'This profile never syncs' : s.lastSyncedAt ? `Last synced ${ago(now - s.lastSyncedAt)}` : 'Not synced yet'}
      </span>
      {s.mode === 'server' && (
        <button className="link" onClick={() => void (s.running ? api.stopSync() : api.startSync()).catch(() => undefined)}>
          {s.running ? 'Pause sync' : 'Resume sync'}
        </button>
      )}
    </footer>
  );
}
