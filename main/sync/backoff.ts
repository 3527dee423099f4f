// Kept only so the fault and schema tests that import `seededRandom` from here (not this part's
// files) keep working; new code imports core/retry-policy.ts and retrying.ts. Delete once those
// imports point there.
export { seededRandom } from './core/retry-policy.js';
export { sleep } from './retrying.js';
