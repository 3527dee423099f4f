// A desktop e2e "device" whose core serves form hints (AppCoreOptions.formHints), as main does
// when schema/form-hints.json sits beside the schema; otherwise the same wiring as
// desktop-harness.ts's openDevice: a real core (own userData, real SQLite) behind a Playwright
// binding to the built renderer in Chromium.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { FormHints } from '../../../common/schema/form-hints.js';
import type { Schema } from '../../../common/schema/types.js';
import { createAppCore, type AppCore } from '../../../main/app-core.js';
import { memoryCredentialStore } from '../../../main/auth/credential-store.js';
import { createInProcessBridge } from '../../../main/ipc/in-process-bridge.js';

/** A page over a core with `formHints`; `close` fails the test when the page threw. */
export interface HintedDevice {
  readonly core: AppCore;
  readonly page: Page;
  close(): Promise<void>;
}

/** Opens the built renderer at `web.url` (1280 × 800) over a new offline-capable core with `formHints`. */
export async function openHintedDevice(
  browser: Browser,
  web: { url: string; dist: string },
  name: string,
  schema: Schema,
  formHints: FormHints,
): Promise<HintedDevice> {
  const userData = mkdtempSync(join(tmpdir(), `outpost-e2e-${name}-`));
  const core = createAppCore({ userData, schema, formHints, credentials: memoryCredentialStore(), durability: 'NORMAL' });
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const bridge = createInProcessBridge();
  core.attach(bridge.host);
  const connection = bridge.connect((wire, payload) => {
    void page
      .evaluate(([w, p]) => (window as unknown as { __outpostDeliver?: (w: string, p: unknown) => void }).__outpostDeliver?.(w, p), [wire, payload] as const)
      .catch(() => undefined);
  });
  await page.exposeBinding('__outpostInvoke', (_source, channel: string, payload: unknown) => connection.transport.invoke(channel, payload));
  await page.addInitScript({ path: join(web.dist, 'bridge', 'binding-bridge.js') });
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.goto(web.url);
  return {
    core,
    page,
    async close() {
      connection.close();
      await context.close();
      await core.close();
      rmSync(userData, { recursive: true, force: true });
      if (pageErrors.length > 0) throw new Error(`${name}: errors in the page: ${pageErrors.join('; ')}`);
    },
  };
}
