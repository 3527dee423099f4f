// Every main screen fits its window, in Chromium, with long values in the records: at 1280 px (the
// README's window), at 1024 px and at 200% zoom (640 CSS px), neither the document nor the content
// pane scrolls sideways — the review inbox's comparison table included, which ran off the right
// edge. Enum values read the same on the inbox as in the forms ("Submitted", not SUBMITTED), a
// foreign key as its record's label. Each
// screen's screenshot at 1280×800 goes to test-results/screen-<name>.png, the same window at 200%
// zoom to test-results/screen-<name>-zoom200.png, the inbox at 1024×800 to
// test-results/screen-review-{inbox,conflict}-1024.png, the inbox's detail at 200% zoom to
// test-results/screen-review-detail-zoom200.png.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { join } from 'node:path';
import { buildForTest, CHROMIUM, eventually, launchChromium, resultsDir, screenshot, serveRenderer } from '../support/desktop-harness.js';
import { FIT_VIEWPORTS, fits, measureFit, zoomedScreenshot } from '../support/layout-fit.js';
import { MAIN_SCREENS, openScreensWorld, syncActivityScreen, type MainScreen, type ScreensWorld } from '../support/main-screens.js';

const skip = existsSync(CHROMIUM) ? false : `no Chromium at ${CHROMIUM} (apt-get install -y chromium)`;

let web: Awaited<ReturnType<typeof serveRenderer>>;
let build: Awaited<ReturnType<typeof buildForTest>>;
let browser: Browser;
let world: ScreensWorld;

/** Each window size where `screen` does not fit, with what sticks out; the screen is reopened at each size. */
async function misfits(page: Page, screen: MainScreen | null): Promise<string[]> {
  const problems: string[] = [];
  for (const viewport of FIT_VIEWPORTS) {
    await page.setViewportSize({ width: viewport.width, height: viewport.height });
    if (screen) await screen.open(page);
    const fit = await measureFit(page);
    if (viewport.name === '200% zoom') await zoomedScreenshot(page, join(resultsDir, `screen-${screen?.name ?? 'sign-in'}-zoom200.png`));
    if (!fits(fit))
      problems.push(
        `${screen?.name ?? 'sign-in'} at ${viewport.name}: document ${fit.scrollWidth} px in ${fit.clientWidth} px; scrolls sideways: ${fit.sidewaysScrollers.join(', ') || 'none'}; past the edge: ${fit.offenders.join(', ')}`,
      );
  }
  await page.setViewportSize({ width: 1280, height: 800 });
  return problems;
}

describe('every main screen fits 1280 px, 1024 px and 200% zoom', { skip }, () => {
  before(async () => {
    build = await buildForTest();
    web = await serveRenderer(build.dist);
    browser = await launchChromium();
    world = await openScreensWorld(browser, web, 'layout');
  });
  after(async () => {
    await world?.close();
    await browser?.close();
    await web?.close();
    build?.remove();
  });

  test('the sign-in screen fits', async () => {
    const page = world.device.page;
    assert.deepEqual(await misfits(page, null), []);
    await screenshot(page, 'screen-sign-in');
  });

  test('each signed-in screen fits, long values and all', async () => {
    await world.signInAndFill();
    const page = world.device.page;
    const activity = await syncActivityScreen(page);
    const screens = activity ? [...MAIN_SCREENS, activity] : MAIN_SCREENS;
    const problems: string[] = [];
    for (const screen of screens) {
      problems.push(...(await misfits(page, screen)));
      await screen.open(page);
      await screenshot(page, `screen-${screen.name}`);
    }
    assert.deepEqual(problems, []);
  });

  test('the inbox’s comparison tables end inside the window at 1280 px and 1024 px, and span it at 200% zoom', async () => {
    const page = world.device.page;
    for (const width of [1280, 1024]) {
      await page.setViewportSize({ width, height: 800 });
      for (const name of ['review-inbox', 'review-conflict']) {
        await MAIN_SCREENS.find((s) => s.name === name)!.open(page);
        const { right, edge } = await page.evaluate(() => ({
          right: Math.max(...[...document.querySelectorAll('table.compare, .conflict-detail')].map((t) => t.getBoundingClientRect().right)),
          edge: document.querySelector('.content')!.getBoundingClientRect().right,
        }));
        assert.ok(right <= edge, `${name} at ${width} px: the comparison ends at ${right} px, past the content pane's ${edge} px`);
        if (width === 1024) await screenshot(page, `screen-${name}-1024`);
      }
    }
    // At 200% zoom the detail sits under the lists: scrolled to, it is the whole width of the window.
    await page.setViewportSize({ width: 640, height: 400 });
    await MAIN_SCREENS.find((s) => s.name === 'review-inbox')!.open(page);
    await page.getByLabel('Review item').scrollIntoViewIfNeeded();
    const detail = await page.getByLabel('Review item').boundingBox();
    assert.ok(detail && detail.x >= 0 && detail.x + detail.width <= 640, `the detail spans ${JSON.stringify(detail)} in a 640 px window`);
    await zoomedScreenshot(page, join(resultsDir, 'screen-review-detail-zoom200.png'));
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  test('the inbox shows enum values by their labels, as the forms do, and related records by theirs', async () => {
    const page = world.device.page;
    await MAIN_SCREENS.find((s) => s.name === 'review-inbox')!.open(page);
    const item = (await page.getByLabel('Review item').textContent()) ?? '';
    await MAIN_SCREENS.find((s) => s.name === 'review-conflict')!.open(page);
    const conflict = (await page.getByLabel('Conflict detail').textContent()) ?? '';
    for (const [where, text] of [
      ['review item', item],
      ['conflict', conflict],
    ] as const) {
      assert.doesNotMatch(text, /SUBMITTED|APPROVED|IN_PROGRESS/, `${where} shows a raw enum member`);
    }
    assert.match(item, /Submitted/);
    assert.match(conflict, /Submitted/);
    // A foreign key reads as its record's label: the conflict's Site row names the sites, no ids anywhere.
    const siteRow = page.getByLabel('Conflict detail').locator('table.compare tr', { hasText: 'Site' });
    await siteRow.getByText('South pit').waitFor();
    for (const [where, text] of [
      ['review item', item],
      ['conflict', (await page.getByLabel('Conflict detail').textContent()) ?? ''],
    ] as const)
      assert.doesNotMatch(text, /[0-9a-f]{8}-[0-9a-f]{4}-/, `${where} shows a record id`);
  });

  test('at 200% zoom choosing an entry in the inbox brings its detail into view; at 1280 px nothing scrolls', async () => {
    const page = world.device.page;
    const scrolled = () => page.evaluate(() => document.scrollingElement!.scrollTop + document.querySelector('.content')!.scrollTop);
    const choose = async () => {
      await MAIN_SCREENS.find((s) => s.name === 'review-inbox')!.open(page);
      await page.evaluate(() => {
        document.scrollingElement!.scrollTop = 0;
        document.querySelector('.content')!.scrollTop = 0;
      });
      await page.getByRole('list', { name: 'History' }).getByRole('button').first().click();
      await page.getByLabel('Conflict detail').waitFor();
    };
    await page.setViewportSize({ width: 640, height: 400 });
    try {
      await choose();
      await eventually('the conflict detail to be scrolled into view', async () => {
        const box = await page.getByLabel('Conflict detail').boundingBox();
        return box !== null && box.y >= 0 && box.y < 200;
      });
    } finally {
      await page.setViewportSize({ width: 1280, height: 800 });
    }
    await choose();
    assert.equal(await scrolled(), 0, 'beside the lists, the detail is already in view');
  });

  test('a dialog fits the window at 200% zoom: inside it, its buttons reachable', async () => {
    const page = world.device.page;
    await page.setViewportSize({ width: 640, height: 400 });
    try {
      await MAIN_SCREENS.find((s) => s.name === 'site-existing')!.open(page);
      await page.getByRole('button', { name: 'Delete', exact: true }).click();
      const dialog = page.getByRole('alertdialog');
      await dialog.waitFor();
      const box = await dialog.boundingBox();
      assert.ok(box && box.x >= 0 && box.y >= 0 && box.x + box.width <= 640 && box.y + box.height <= 400, `the dialog at ${JSON.stringify(box)} in 640×400`);
      assert.ok(fits(await measureFit(page)), 'nothing scrolls sideways behind it');
      await zoomedScreenshot(page, join(resultsDir, 'screen-delete-dialog-zoom200.png'));
      await page.setViewportSize({ width: 640, height: 400 });
      const cancel = dialog.getByRole('button', { name: 'Cancel' });
      await cancel.scrollIntoViewIfNeeded();
      await cancel.click();
      await dialog.waitFor({ state: 'detached' });
    } finally {
      await page.setViewportSize({ width: 1280, height: 800 });
    }
  });
});
