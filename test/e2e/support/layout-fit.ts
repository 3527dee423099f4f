// Whether a screen fits its window: neither the document nor any panel in it scrolls sideways (the
// shell's content pane scrolls by itself, so the document alone would hide a table pushed past
// the right edge), and which elements stick out when something does.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Page } from 'playwright-core';

/** The window sizes every main screen must fit: the README's 1280 px, a 1024 px laptop, and 1280×800 at 200% zoom. */
export const FIT_VIEWPORTS = [
  { name: '1280 px', width: 1280, height: 800 },
  { name: '1024 px', width: 1024, height: 768 },
  // 200% zoom of a 1280×800 window lays the page out in 640×400 CSS pixels.
  { name: '200% zoom', width: 640, height: 400 },
] as const;

/** How wide the document is against its window, the panels that scroll sideways, and up to five elements reaching past the right edge (deepest first). */
export interface Fit {
  readonly scrollWidth: number;
  readonly clientWidth: number;
  /** Elements that scroll sideways (their content is wider than they are), e.g. "main.content 1210 > 804". */
  readonly sidewaysScrollers: readonly string[];
  readonly offenders: readonly string[];
}

/** Measures `page` as laid out now. */
export function measureFit(page: Page): Promise<Fit> {
  // No named functions inside: tsx's keepNames would wrap them in a __name() the page lacks.
  return page.evaluate(() => {
    const root = document.documentElement;
    const width = root.clientWidth;
    const all = [...document.body.querySelectorAll('*')];
    const scrollers = all.filter((el) => {
      const overflowX = getComputedStyle(el).overflowX;
      return (overflowX === 'auto' || overflowX === 'scroll') && el.scrollWidth > el.clientWidth + 1;
    });
    // Inside a sideways scroller, what reaches past the scroller's right edge; else past the window's.
    const past = all.filter(
      (el) =>
        el.getBoundingClientRect().right >
        Math.min(width, ...scrollers.filter((s) => s !== el && s.contains(el)).map((s) => s.getBoundingClientRect().right)) + 1,
    );
    // Deepest first: an element none of whose descendants also reach past the edge is the cause.
    const leaves = past.filter((el) => !past.some((other) => other !== el && el.contains(other)));
    return {
      scrollWidth: root.scrollWidth,
      clientWidth: width,
      sidewaysScrollers: scrollers.map((el) => [el.tagName.toLowerCase(), ...el.classList].join('.') + ` ${el.scrollWidth} > ${el.clientWidth}`),
      offenders: leaves
        .slice(0, 5)
        .map(
          (el) =>
            [el.tagName.toLowerCase(), ...el.classList].join('.') +
            ` (right ${Math.round(el.getBoundingClientRect().right)}) “${(el.textContent ?? '').trim().slice(0, 30)}”`,
        ),
    };
  });
}

/** True when neither the document nor any panel in it scrolls sideways. */
export function fits(fit: Fit): boolean {
  return fit.scrollWidth <= fit.clientWidth && fit.sidewaysScrollers.length === 0;
}

/**
 * A screenshot of `page` as a 1280×800 window at 200% zoom looks: the page laid out in 640×400 CSS
 * px at 2 device pixels per CSS px, a 1280×800 image (through the DevTools protocol: Playwright
 * sets the scale only per context). Leaves the page at 1280×800, scale 1.
 */
export async function zoomedScreenshot(page: Page, path: string): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  try {
    await cdp.send('Emulation.setDeviceMetricsOverride', { width: 640, height: 400, deviceScaleFactor: 2, mobile: false });
    // Playwright's own screenshot would capture at its context's scale: the protocol's keeps ours.
    const { data } = await cdp.send('Page.captureScreenshot', { format: 'png' });
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, Buffer.from(data, 'base64'));
  } finally {
    await cdp.send('Emulation.clearDeviceMetricsOverride');
    await cdp.detach();
    await page.setViewportSize({ width: 1280, height: 800 });
  }
}
