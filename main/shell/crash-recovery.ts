// What happens when the window's page dies or cannot load: a crashed renderer is reloaded a few
// times, then the shell gives up visibly instead of leaving a blank window; a main-frame load
// failure is reported instead of leaving a hidden one. The decision is a plain function over the
// recent crash times; watchRenderer binds it to one web contents' events, once.
import type { RenderProcessGoneDetails, ShellWebContents } from './electron-api.js';

export interface CrashPolicy {
  /** Reloads allowed within `windowMs`; the next crash gives up. */
  readonly maxReloads: number;
  readonly windowMs: number;
}

/** Three reloads a minute: enough for a one-off crash, not a reload loop the user has to watch. */
export const DEFAULT_CRASH_POLICY: CrashPolicy = { maxReloads: 3, windowMs: 60_000 };

export type CrashDecision =
  { readonly action: 'ignore' } | { readonly action: 'reload'; readonly crashes: readonly number[] } | { readonly action: 'give-up'; readonly reason: string };

/** What a renderer gone for `reason` at `now` (ms) leads to, given the earlier crash times within the policy. */
export function decideAfterRendererGone(
  crashes: readonly number[],
  reason: RenderProcessGoneDetails['reason'],
  now: number,
  policy: CrashPolicy = DEFAULT_CRASH_POLICY,
): CrashDecision {
  // A clean exit is the page closing, not a crash.
  if (reason === 'clean-exit') return { action: 'ignore' };
  // The app's own files failed their integrity check: loading them again fails the same way.
  if (reason === 'integrity-failure') return { action: 'give-up', reason: "the app's files failed their integrity check" };
  const recent = crashes.filter((at) => now - at < policy.windowMs);
  if (recent.length >= policy.maxReloads) {
    return { action: 'give-up', reason: `the window stopped (${reason}) ${recent.length + 1} times within ${Math.round(policy.windowMs / 1000)} s` };
  }
  return { action: 'reload', crashes: [...recent, now] };
}

/** Chromium's net::ERR_ABORTED: a navigation superseded or cancelled (e.g. by our will-navigate guard), not a failure. */
const ERR_ABORTED = -3;

export interface RendererWatch {
  /** Forgets earlier crashes (after the user chose to try again). */
  reset(): void;
}

export interface WatchRendererOptions {
  readonly policy?: CrashPolicy;
  /** Now in ms; default Date.now. */
  readonly now?: () => number;
  /** The shell's visible answer when reloading no longer helps. */
  readonly giveUp: (reason: string) => void;
  /** A main-frame load failed (not merely aborted). */
  readonly loadFailed: (description: string, url: string) => void;
  readonly log: { warn(message: string): void };
}

/** Listens to `contents`' render-process-gone and did-fail-load once, for its whole life. */
export function watchRenderer(contents: ShellWebContents, options: WatchRendererOptions): RendererWatch {
  const now = options.now ?? Date.now;
  let crashes: readonly number[] = [];
  contents.on('render-process-gone', (_event, details) => {
    const decision = decideAfterRendererGone(crashes, details.reason, now(), options.policy);
    if (decision.action === 'ignore') return;
    options.log.warn(`renderer gone: ${details.reason} (exit code ${details.exitCode})`);
    if (decision.action === 'give-up') {
      options.giveUp(decision.reason);
      return;
    }
    crashes = decision.crashes;
    if (!contents.isDestroyed()) contents.reload();
  });
  contents.on('did-fail-load', (_event, errorCode, errorDescription, validatedURL, isMainFrame) => {
    if (!isMainFrame || errorCode === ERR_ABORTED) return;
    options.loadFailed(`${errorDescription} (${errorCode})`, validatedURL);
  });
  return {
    reset() {
      crashes = [];
    },
  };
}
