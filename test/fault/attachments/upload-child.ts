// Child process of upload-sigkill.test.ts: the client's attachment queue over a real profile —
// `outpost.db` with its `_outpost_attachments` table and the file store in OUTPOST_PROFILE — run by
// UploadRunner against OUTPOST_ATTACHMENTS as the user of OUTPOST_AUTHORIZATION, OUTPOST_CHUNK
// bytes per PATCH. Prints `done` and exits 0 once every queued file is uploaded, exits 1 when one
// fails for good; until then it runs until it is killed.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { AttachmentFiles } from '../../../main/attachments/attachment-files.js';
import { createAttachmentTables, loadEntries } from '../../../main/attachments/attachment-tables.js';
import { UploadRunner } from '../../../main/attachments/upload-runner.js';
import { RETRY_POLICIES, tuned } from '../../../main/sync/core/retry-policy.js';

const profileDir = process.env.OUTPOST_PROFILE;
const endpoint = process.env.OUTPOST_ATTACHMENTS;
const authorization = process.env.OUTPOST_AUTHORIZATION;
const chunkSize = Number(process.env.OUTPOST_CHUNK);
if (!profileDir || !endpoint || !authorization || !Number.isSafeInteger(chunkSize) || chunkSize < 1) {
  throw new Error('OUTPOST_PROFILE, OUTPOST_ATTACHMENTS, OUTPOST_AUTHORIZATION and OUTPOST_CHUNK (bytes) are required');
}

const db = new Database(join(profileDir, 'outpost.db'));
db.pragma('journal_mode = WAL');
createAttachmentTables(db);
const runner = new UploadRunner({
  db,
  files: await AttachmentFiles.open(profileDir),
  endpoint,
  headers: () => ({ Authorization: authorization }),
  isRecordAccepted: () => true,
  chunkSize,
  policy: tuned(RETRY_POLICIES.mutation, { baseMs: 20, jitterMs: 0 }),
});

function finishIfSettled(): void {
  const entries = loadEntries(db).filter((entry) => entry.localOnly || entry.state !== 'done');
  const failed = entries.find((entry) => entry.state === 'failed');
  if (failed !== undefined) {
    process.stderr.write(`upload of ${failed.key} failed: ${failed.failureReason ?? '?'}\n`);
    process.exit(1);
  }
  if (entries.length > 0) return;
  process.stdout.write('done\n');
  db.close();
  process.exit(0);
}

runner.onFileState((event) => {
  if (event.state === 'done' || event.state === 'failed') finishIfSettled();
});
runner.start();
process.stdout.write('started\n');
finishIfSettled();
// A bounded lifetime keeps a lost child from lingering.
setTimeout(() => process.exit(2), 120_000);
