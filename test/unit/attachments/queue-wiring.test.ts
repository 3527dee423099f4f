// The decisions that wire the attachment queue into the app, table-driven: the `attachments`
// capability read only with a same-origin path and its endpoint URL, the change listener, the
// upload retry policy, progress throttling per file, the settings file read forgivingly, the
// queue totals, and the plain-words reason of a refused upload.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ValidationError } from '../../../common/errors.js';
import { DEFAULT_ATTACHMENT_SETTINGS, openAttachmentSettings, parseAttachmentSettings } from '../../../main/attachments/attachment-settings.js';
import { attachmentStateOf, queueTotals } from '../../../main/attachments/attachment-states.js';
import { orphansOf } from '../../../main/attachments/attachment-sweep.js';
import { progressDecision, ProgressThrottle } from '../../../main/attachments/progress-throttle.js';
import { refusalReason } from '../../../main/attachments/refused-uploads.js';
import { FILE_MISSING_REASON, type AttachmentEntry } from '../../../main/attachments/upload-queue-core.js';
import { attachmentEndpointUrl } from '../../../main/sync-worker-binding.js';
import { RETRY_POLICIES, retryDelay } from '../../../main/sync/core/retry-policy.js';
import { readOutpostExtension, ServerCapabilities } from '../../../main/sync/server-capabilities.js';

const announce = (extra: Record<string, unknown>) => ({
  outpost: { version: 1, capabilities: ['mutationBatching', 'attachments'], maxItemBytes: 409_600, ...extra },
});

test('the attachments capability counts only with a same-origin attachmentsPath', () => {
  const rows: Array<[string, unknown, string | null]> = [
    ['announced with its path', announce({ attachmentsPath: '/attachments/' }), '/attachments/'],
    ['no path', announce({}), null],
    ['a path naming another host', announce({ attachmentsPath: '//evil.example/attachments/' }), null],
    ['a backslash host', announce({ attachmentsPath: '/\\evil.example/' }), null],
    ['an absolute URL', announce({ attachmentsPath: 'https://evil.example/attachments/' }), null],
    ['a query', announce({ attachmentsPath: '/attachments/?x=1' }), null],
    ['not a string', announce({ attachmentsPath: 7 }), null],
    ['a path without the capability', { outpost: { version: 1, capabilities: ['mutationIds'], attachmentsPath: '/attachments/' } }, null],
  ];
  for (const [name, extensions, path] of rows) {
    const read = readOutpostExtension(extensions);
    assert.ok(read !== null, name);
    assert.equal(read.attachmentsPath ?? null, path, name);
    assert.equal(read.capabilities.has('attachments'), path !== null, name);
    assert.equal(read.capabilities.has('mutationIds') || read.capabilities.has('mutationBatching'), true, `${name}: the others are kept`);
  }
});

test('ServerCapabilities tells its listeners when the attachment endpoint changes, and only then', () => {
  const caps = new ServerCapabilities();
  const seen: Array<string | null> = [];
  const stop = caps.onAttachmentsPath((path) => seen.push(path));
  caps.observe(readOutpostExtension(announce({ attachmentsPath: '/attachments/' })));
  caps.observe(readOutpostExtension(announce({ attachmentsPath: '/attachments/' })));
  caps.observe(readOutpostExtension(undefined));
  caps.observe(null);
  caps.observe(readOutpostExtension(announce({ attachmentsPath: '/files/' })));
  stop();
  caps.observe(readOutpostExtension(undefined));
  assert.deepEqual(seen, ['/attachments/', null, '/files/']);
  assert.equal(caps.attachmentsPath, null);
});

test('the endpoint is the path on the server origin, whatever path the server URL has', () => {
  assert.equal(attachmentEndpointUrl('http://127.0.0.1:4000', '/attachments/'), 'http://127.0.0.1:4000/attachments/');
  assert.equal(attachmentEndpointUrl('https://sync.example.org/team/a/', '/attachments/'), 'https://sync.example.org/attachments/');
});

test('the upload retry policy never gives up and never waits more than 5 minutes', () => {
  const policy = RETRY_POLICIES.attachmentUpload;
  assert.equal('maxAttempts' in policy, false);
  for (const attempt of [1, 2, 5, 10, 50, 1000]) {
    const delay = retryDelay(attempt, policy);
    assert.ok(delay >= 1_000 && delay <= 5 * 60_000, `attempt ${attempt}: ${delay} ms`);
  }
});

test('progress: state changes go out at once, progress at most once per interval with the latest value', (t) => {
  const rows: Array<[boolean, number | null, number, boolean, number]> = [
    [false, 1000, 1001, true, 0],
    [true, null, 5, true, 0],
    [true, 1000, 1100, false, 150],
    [true, 1000, 1250, true, 0],
  ];
  for (const [isProgress, lastAt, now, emitNow, waitMs] of rows) assert.deepEqual(progressDecision(isProgress, lastAt, now, 250), { emitNow, waitMs });

  t.mock.timers.enable({ apis: ['setTimeout'] });
  let clock = 0;
  const tick = (ms: number): void => {
    clock += ms;
    t.mock.timers.tick(ms);
  };
  const out: Array<[string, number]> = [];
  const throttle = new ProgressThrottle<{ key: string; state: string; bytesSent: number }>(
    (e) => out.push([e.state, e.bytesSent]),
    250,
    () => clock,
  );
  throttle.push({ key: 'a', state: 'uploading', bytesSent: 0 });
  for (const bytesSent of [10, 20, 30]) throttle.push({ key: 'a', state: 'uploading', bytesSent });
  assert.deepEqual(out, [['uploading', 0]], 'progress within the interval waits');
  tick(250);
  assert.deepEqual(
    out,
    [
      ['uploading', 0],
      ['uploading', 30],
    ],
    'then the latest goes out',
  );
  throttle.push({ key: 'a', state: 'uploading', bytesSent: 40 });
  throttle.push({ key: 'a', state: 'done', bytesSent: 50 });
  tick(1000);
  assert.deepEqual(out.slice(2), [['done', 50]], 'a state change supersedes waiting progress');
  throttle.close();
});

test('attachment settings: a damaged or partial file means the defaults, saving validates', () => {
  assert.deepEqual(parseAttachmentSettings(null), DEFAULT_ATTACHMENT_SETTINGS);
  assert.deepEqual(parseAttachmentSettings('{not json'), DEFAULT_ATTACHMENT_SETTINGS);
  assert.deepEqual(parseAttachmentSettings('{"uploadsPaused":true,"cacheLimitMiB":2}'), { ...DEFAULT_ATTACHMENT_SETTINGS, uploadsPaused: true });
  const dir = mkdtempSync(join(tmpdir(), 'outpost-attachment-settings-'));
  try {
    const store = openAttachmentSettings(dir);
    assert.throws(
      () => store.set({ uploadsPaused: false, prefetch: true, cacheLimitMiB: 3 }),
      (error: unknown) => error instanceof ValidationError && /cacheLimitMiB a whole number of MiB from 16/.test(error.message),
    );
    const saved = store.set({ uploadsPaused: true, prefetch: true, cacheLimitMiB: 64 });
    assert.deepEqual(JSON.parse(readFileSync(join(dir, 'attachment-settings.json'), 'utf8')), saved);
    assert.deepEqual(openAttachmentSettings(dir).get(), saved, 'read back by the next session');
    writeFileSync(join(dir, 'attachment-settings.json'), '[]');
    assert.deepEqual(openAttachmentSettings(dir).get(), DEFAULT_ATTACHMENT_SETTINGS);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

const entry = (over: Partial<AttachmentEntry>): AttachmentEntry => ({
  key: 'Observation/o1/' + 'a'.repeat(64),
  model: 'Observation',
  recordId: 'o1',
  field: 'photos',
  sha256: 'a'.repeat(64),
  size: 1000,
  contentType: 'image/jpeg',
  name: 'site.jpg',
  state: 'queued',
  bytesAcked: 0,
  uploadUrl: null,
  attempts: 0,
  nextAttemptAt: 0,
  failureReason: null,
  localOnly: true,
  present: true,
  lastAccessAt: 0,
  ...over,
});

test('queue totals and states count what is still this device’s to upload', () => {
  const entries = [
    entry({ key: 'q', bytesAcked: 100 }),
    entry({ key: 'u', state: 'uploading', bytesAcked: 300 }),
    entry({ key: 'f', state: 'failed', failureReason: 'too big' }),
    entry({ key: 'd', state: 'done', localOnly: false }),
    entry({ key: 'r', state: 'done', localOnly: false, present: false }),
  ];
  assert.deepEqual(queueTotals(entries, true, false), { bytesWaiting: 900 + 700, waiting: 2, failed: 1, paused: true, uploadsAvailable: false });
  assert.equal(attachmentStateOf(entries[1]!, 450).bytesSent, 450);
  assert.equal(attachmentStateOf(entries[2]!).reason, 'too big');
  assert.equal(attachmentStateOf(entries[3]!).bytesSent, 1000);
});

test('a refused upload’s reason names the file in plain words', () => {
  const rows: Array<[Partial<AttachmentEntry>, string]> = [
    [
      { failureReason: 'file is 60 MB; the limit per file is 50 MB' },
      'photo site.jpg was not uploaded: the server refused it (file is 60 MB; the limit per file is 50 MB)',
    ],
    [
      { contentType: 'application/pdf', name: 'plan.pdf', failureReason: FILE_MISSING_REASON },
      'file plan.pdf was not uploaded: the file is no longer on this device',
    ],
    [
      { name: null, failureReason: 'the server has no such record, or you may not read it' },
      'photo was not uploaded: the server refused it (the server has no such record, or you may not read it)',
    ],
  ];
  for (const [over, reason] of rows) assert.equal(refusalReason(entry(over)), reason);
});

test('the sweep picks files no row references and older than the window', () => {
  const files = [
    { sha256: 'a', modifiedAt: 0 },
    { sha256: 'b', modifiedAt: 0 },
    { sha256: 'c', modifiedAt: 9_000 },
  ];
  assert.deepEqual(orphansOf(files, new Set(['b']), 10_000, 5_000), ['a']);
});
