// axe-core (@axe-core/playwright) over every main screen in Chromium, with records, a review item,
// a conflict and a Trash entry on them: sign-in, each model's list, each model's form new and
// existing, the review inbox (an item and a conflict), Trash, Settings, and Sync activity once the
// sidebar offers it — no serious or critical violation on any, at 1280 px and at 200% zoom. The
// keyboard: the sign-in form's Tab order follows its fields, on every screen the first Tab stops
// show where the focus is and go in reading order (a column at a time), and a decision in the
// inbox leaves the focus on what was decided. Screen readers: the inbox marks the entry its detail
// shows.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { describeFindings, readingOrderBreaks, seriousAxeFindings, tabStops } from '../support/axe-check.js';
import { buildForTest, CHROMIUM, eventually, launchChromium, serveRenderer } from '../support/desktop-harness.js';
import { MAIN_SCREENS, openScreensWorld, syncActivityScreen, type ScreensWorld } from '../support/main-screens.js';

const skip = existsSync(CHROMIUM) ? false : `no Chromium at ${CHROMIUM} (apt-get install -y chromium)`;

let web: Awaited<ReturnType<typeof serveRenderer>>;
let build: Awaited<ReturnType<typeof buildForTest>>;
let browser: Browser;
let world: ScreensWorld;

describe('accessibility of every main screen', { skip }, () => {
  before(async () => {
    build = await buildForTest();
    web = await serveRenderer(build.dist);
    browser = await launchChromium();
    world = await openScreensWorld(browser, web, 'a11y');
  });
  after(async () => {
    await world?.close();
    await browser?.close();
    await web?.close();
    build?.remove();
  });

  test('sign-in: no serious axe finding; Tab goes server, username, password, Sign in, each with a visible focus', async () => {
    const page = world.device.page;
    await page.getByRole('tab', { name: 'Account' }).click();
    assert.equal(describeFindings('sign-in', await seriousAxeFindings(page)), '');
    const stops = await tabStops(page, 8);
    const at = (pattern: RegExp) => stops.findIndex((s) => pattern.test(s.name));
    const order = [at(/^input#?\S* “Server/), at(/^input\S* “Username/), at(/^input\S* “Password/), at(/^button “Sign in/)];
    assert.ok(
      order.every((i, n) => i >= 0 && (n === 0 || i > order[n - 1]!)),
      `Tab reaches server, username, password, then Sign in: ${stops.map((s) => s.name).join(' → ')}`,
    );
    assert.deepEqual(
      stops.filter((s) => !s.visibleFocus || !s.onScreen).map((s) => s.name),
      [],
      'every stop shows its focus on screen',
    );
  });

  test('every signed-in screen: no serious or critical axe finding; its first Tab stops show their focus and follow reading order', async () => {
    await world.signInAndFill();
    const page = world.device.page;
    const activity = await syncActivityScreen(page);
    const screens = activity ? [...MAIN_SCREENS, activity] : MAIN_SCREENS;
    const findings: string[] = [];
    const hiddenFocus: string[] = [];
    const outOfOrder: string[] = [];
    for (const screen of screens) {
      await screen.open(page);
      const found = describeFindings(screen.name, await seriousAxeFindings(page));
      if (found) findings.push(found);
      const stops = await tabStops(page, 20);
      outOfOrder.push(...readingOrderBreaks(stops).map((b) => `${screen.name}: ${b}`));
      for (const stop of stops)
        if (!stop.visibleFocus || !stop.onScreen)
          hiddenFocus.push(`${screen.name}: ${stop.name}${stop.visibleFocus ? '' : ' (no focus ring)'}${stop.onScreen ? '' : ' (off screen)'}`);
    }
    assert.equal(findings.join('\n'), '', 'serious or critical axe-core findings');
    assert.deepEqual(hiddenFocus, [], 'Tab stops whose focus cannot be seen');
    assert.deepEqual(outOfOrder, [], 'Tab steps against reading order');
  });

  test('at 200% zoom (the layout for narrow windows) no screen has a serious or critical axe finding either', async () => {
    const page = world.device.page;
    const activity = await syncActivityScreen(page);
    const screens = activity ? [...MAIN_SCREENS, activity] : MAIN_SCREENS;
    const findings: string[] = [];
    await page.setViewportSize({ width: 640, height: 400 });
    try {
      for (const screen of screens) {
        await screen.open(page);
        const found = describeFindings(`${screen.name} at 200%`, await seriousAxeFindings(page));
        if (found) findings.push(found);
      }
    } finally {
      await page.setViewportSize({ width: 1280, height: 800 });
    }
    assert.equal(findings.join('\n'), '', 'serious or critical axe-core findings at 200% zoom');
  });

  test('the review inbox tells a screen reader which entry its detail shows', async () => {
    const page = world.device.page;
    const review = MAIN_SCREENS.find((s) => s.name === 'review-inbox')!;
    const conflict = MAIN_SCREENS.find((s) => s.name === 'review-conflict')!;
    const current = () => page.locator('.review-lists [aria-current="true"]').allTextContents();
    // Arriving, before any choice: the first open item is the one shown, and marked.
    await MAIN_SCREENS.find((s) => s.name === 'trash')!.open(page);
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('button', { name: /^Review\b/ })
      .click();
    await page.getByLabel('Review item').waitFor();
    assert.deepEqual(
      (await current()).map((t) => /Overridden/.test(t)),
      [true],
      'on arrival, the open item',
    );
    await review.open(page);
    assert.deepEqual(
      (await current()).map((t) => /Overridden/.test(t)),
      [true],
      'the open item, alone',
    );
    await conflict.open(page);
    assert.deepEqual(
      (await current()).map((t) => /^Inspection “Spring check”Conflict/.test(t)),
      [true],
      'the conflict, alone',
    );
  });

  test('a decision taken by keyboard leaves the focus on what was decided, not on the page', async () => {
    const page = world.device.page;
    await MAIN_SCREENS.find((s) => s.name === 'review-inbox')!.open(page);
    await page.getByLabel('Review item').getByRole('button', { name: 'Keep theirs' }).focus();
    await page.keyboard.press('Enter');
    await page.getByText('Decided: kept theirs.').waitFor();
    await eventually('the focus to move to the decision', async () => page.evaluate(() => document.activeElement?.textContent === 'Decided: kept theirs.'));
  });
});
