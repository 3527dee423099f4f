// What each auto-update event leads to (main/shell/update-decisions.ts): one row per rule — the
// model before, the event, the status after and the effects the interpreter runs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  decideUpdate,
  INITIAL_UPDATE_MODEL,
  NOT_PACKAGED_REASON,
  type UpdateEffect,
  type UpdateEvent,
  type UpdateModel,
  type UpdateStatus,
} from '../../../main/shell/update-decisions.js';

const at = (status: UpdateStatus, more: Partial<UpdateModel> = {}): UpdateModel => ({ ...INITIAL_UPDATE_MODEL, status, ...more });
const idle = at({ state: 'idle' });
const ready = (version: string, more: Partial<UpdateModel> = {}): UpdateModel => at({ state: 'ready', version }, { asked: [version], ...more });

interface Row {
  readonly rule: string;
  readonly model: UpdateModel;
  readonly event: UpdateEvent;
  readonly status: UpdateStatus;
  readonly effects: readonly UpdateEffect[];
  readonly asked?: readonly string[];
  readonly asking?: string | null;
}

const rows: Row[] = [
  { rule: 'packaged: idle, nothing said', model: INITIAL_UPDATE_MODEL, event: { kind: 'started', packaged: true }, status: { state: 'idle' }, effects: [] },
  {
    rule: 'not packaged: disabled, the reason said once',
    model: INITIAL_UPDATE_MODEL,
    event: { kind: 'started', packaged: false },
    status: { state: 'disabled', reason: NOT_PACKAGED_REASON },
    effects: [{ kind: 'log', level: 'info', message: NOT_PACKAGED_REASON }],
  },
  {
    rule: 'disabled: a due check does nothing',
    model: at({ state: 'disabled', reason: NOT_PACKAGED_REASON }),
    event: { kind: 'check-due' },
    status: { state: 'disabled', reason: NOT_PACKAGED_REASON },
    effects: [],
  },
  { rule: 'idle: a due check checks', model: idle, event: { kind: 'check-due' }, status: { state: 'idle' }, effects: [{ kind: 'check' }] },
  {
    rule: 'after an error: a due check checks again',
    model: at({ state: 'error', error: 'offline' }),
    event: { kind: 'check-due' },
    status: { state: 'error', error: 'offline' },
    effects: [{ kind: 'check' }],
  },
  {
    rule: 'ready: a due check looks for a newer version',
    model: ready('1.1.0'),
    event: { kind: 'check-due' },
    status: { state: 'ready', version: '1.1.0' },
    effects: [{ kind: 'check' }],
  },
  { rule: 'checking: a due check is not repeated', model: at({ state: 'checking' }), event: { kind: 'check-due' }, status: { state: 'checking' }, effects: [] },
  {
    rule: 'downloading: a due check is not repeated',
    model: at({ state: 'downloading', version: '1.1.0', percent: 40 }),
    event: { kind: 'check-due' },
    status: { state: 'downloading', version: '1.1.0', percent: 40 },
    effects: [],
  },
  { rule: 'checking-for-update: checking', model: idle, event: { kind: 'checking' }, status: { state: 'checking' }, effects: [] },
  {
    rule: 'checking while ready: stays ready (it still installs on quit)',
    model: ready('1.1.0'),
    event: { kind: 'checking' },
    status: { state: 'ready', version: '1.1.0' },
    effects: [],
  },
  {
    rule: 'update-available: downloads it',
    model: at({ state: 'checking' }),
    event: { kind: 'available', version: '1.1.0' },
    status: { state: 'available', version: '1.1.0' },
    effects: [{ kind: 'download' }],
  },
  {
    rule: 'the ready version again: re-validated, status unchanged',
    model: ready('1.1.0'),
    event: { kind: 'available', version: '1.1.0' },
    status: { state: 'ready', version: '1.1.0' },
    effects: [{ kind: 'download' }],
  },
  {
    rule: 'a newer version than the ready one: downloads it',
    model: ready('1.1.0'),
    event: { kind: 'available', version: '1.2.0' },
    status: { state: 'available', version: '1.2.0' },
    effects: [{ kind: 'download' }],
  },
  {
    rule: 'update-not-available: idle',
    model: at({ state: 'checking' }),
    event: { kind: 'not-available', version: '1.0.0' },
    status: { state: 'idle' },
    effects: [],
  },
  {
    rule: 'not available while ready: stays ready',
    model: ready('1.1.0'),
    event: { kind: 'not-available', version: '1.0.0' },
    status: { state: 'ready', version: '1.1.0' },
    effects: [],
  },
  {
    rule: 'progress: downloading with percent',
    model: at({ state: 'available', version: '1.1.0' }),
    event: { kind: 'progress', percent: 42.5 },
    status: { state: 'downloading', version: '1.1.0', percent: 42.5 },
    effects: [],
  },
  {
    rule: 'progress of a re-validation while ready: ignored',
    model: ready('1.1.0'),
    event: { kind: 'progress', percent: 100 },
    status: { state: 'ready', version: '1.1.0' },
    effects: [],
  },
  {
    rule: 'update-downloaded: ready, the user asked',
    model: at({ state: 'downloading', version: '1.1.0', percent: 100 }),
    event: { kind: 'downloaded', version: '1.1.0' },
    status: { state: 'ready', version: '1.1.0' },
    effects: [{ kind: 'ask', version: '1.1.0' }],
    asked: ['1.1.0'],
    asking: '1.1.0',
  },
  {
    rule: 'downloaded again after Later: not asked again',
    model: ready('1.1.0'),
    event: { kind: 'downloaded', version: '1.1.0' },
    status: { state: 'ready', version: '1.1.0' },
    effects: [],
    asked: ['1.1.0'],
    asking: null,
  },
  {
    rule: 'a newer version downloaded after Later: asked about it',
    model: ready('1.1.0'),
    event: { kind: 'downloaded', version: '1.2.0' },
    status: { state: 'ready', version: '1.2.0' },
    effects: [{ kind: 'ask', version: '1.2.0' }],
    asked: ['1.1.0', '1.2.0'],
    asking: '1.2.0',
  },
  {
    rule: 'downloaded while a question is open: one question at a time',
    model: ready('1.1.0', { asking: '1.1.0' }),
    event: { kind: 'downloaded', version: '1.2.0' },
    status: { state: 'ready', version: '1.2.0' },
    effects: [],
    asked: ['1.1.0'],
    asking: '1.1.0',
  },
  {
    rule: 'an error: shown and logged, never asked',
    model: at({ state: 'checking' }),
    event: { kind: 'failed', message: 'net::ERR_INTERNET_DISCONNECTED' },
    status: { state: 'error', error: 'net::ERR_INTERNET_DISCONNECTED' },
    effects: [{ kind: 'log', level: 'warn', message: 'Update check failed: net::ERR_INTERNET_DISCONNECTED' }],
  },
  {
    rule: 'an error while ready: logged, the update stays ready',
    model: ready('1.1.0'),
    event: { kind: 'failed', message: 'offline' },
    status: { state: 'ready', version: '1.1.0' },
    effects: [{ kind: 'log', level: 'warn', message: 'Update check failed: offline' }],
  },
  {
    rule: "'Restart': installing (the interpreter shuts down first)",
    model: ready('1.1.0', { asking: '1.1.0' }),
    event: { kind: 'answered', version: '1.1.0', choice: 'restart' },
    status: { state: 'installing', version: '1.1.0' },
    effects: [{ kind: 'install' }],
    asking: null,
  },
  {
    rule: "'Later': stays ready, installs on quit",
    model: ready('1.1.0', { asking: '1.1.0' }),
    event: { kind: 'answered', version: '1.1.0', choice: 'later' },
    status: { state: 'ready', version: '1.1.0' },
    effects: [{ kind: 'log', level: 'info', message: 'Update 1.1.0 will be installed when Outpost quits.' }],
    asked: ['1.1.0'],
    asking: null,
  },
  {
    rule: 'installing: a due check does nothing',
    model: at({ state: 'installing', version: '1.1.0' }),
    event: { kind: 'check-due' },
    status: { state: 'installing', version: '1.1.0' },
    effects: [],
  },
  {
    rule: 'installing: a late download event does nothing',
    model: at({ state: 'installing', version: '1.1.0' }),
    event: { kind: 'downloaded', version: '1.2.0' },
    status: { state: 'installing', version: '1.1.0' },
    effects: [],
  },
  {
    rule: 'the installer fails after shutdown: logged, then the app quits plainly',
    model: at({ state: 'installing', version: '1.1.0' }),
    event: { kind: 'failed', message: 'No update filepath provided' },
    status: { state: 'error', error: 'No update filepath provided' },
    effects: [{ kind: 'log', level: 'warn', message: 'Update could not be installed: No update filepath provided' }, { kind: 'quit' }],
  },
];

for (const row of rows) {
  test(row.rule, () => {
    const step = decideUpdate(row.model, row.event);
    assert.deepEqual(step.model.status, row.status);
    assert.deepEqual(step.effects, row.effects);
    assert.deepEqual(step.model.asked, row.asked ?? row.model.asked);
    assert.equal(step.model.asking, row.asking === undefined ? row.model.asking : row.asking);
  });
}

test('a step that changes nothing keeps the same status object (subscribers are not told)', () => {
  const model = ready('1.1.0');
  assert.equal(decideUpdate(model, { kind: 'checking' }).model.status, model.status);
  assert.equal(decideUpdate(model, { kind: 'not-available', version: '1.0.0' }).model.status, model.status);
});
