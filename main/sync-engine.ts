// Transitional: the old name of main/sync-worker-binding.ts, kept only while scripts/start.ts and
// test/e2e/support/desktop-harness.ts (owned elsewhere) still import it; delete once they import
// `syncWorkerPortFactory` from ./sync-worker-binding.js.
export { syncWorkerPortFactory as syncEngineFactory } from './sync-worker-binding.js';
