// The accessibility checks the e2e tests run on a screen: axe-core through @axe-core/playwright
// (it evaluates axe in the page over the DevTools protocol, so the app's CSP, which refuses inline
// scripts, does not stop it), reduced to the serious and critical findings; and the keyboard's
// view of a screen: the Tab stops in order, each with whether its focus can be seen and where it
// is, and the steps among them that go against reading order.
import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from 'playwright-core';

/** One serious or critical axe-core rule a screen breaks, with the elements that break it. */
export interface AxeFinding {
  readonly rule: string;
  readonly impact: 'serious' | 'critical';
  readonly help: string;
  /** CSS selectors of the offending elements, with axe's summary of what is wrong for the first. */
  readonly targets: readonly string[];
  readonly summary: string;
}

/** The WCAG 2.x A/AA rules and axe's best practices: the set the project holds every screen to. */
export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] as const;

/** The serious and critical axe-core findings on `page` as it is now. */
export async function seriousAxeFindings(page: Page): Promise<AxeFinding[]> {
  const results = await new AxeBuilder({ page }).withTags([...AXE_TAGS]).analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({
      rule: v.id,
      impact: v.impact as 'serious' | 'critical',
      help: v.help,
      targets: v.nodes.map((n) => n.target.join(' ')),
      summary: v.nodes[0]?.failureSummary?.replace(/\s+/g, ' ').trim() ?? '',
    }));
}

/** "screen: rule (impact) on a, b — summary" lines, one per finding, for an assertion message. */
export function describeFindings(screen: string, findings: readonly AxeFinding[]): string {
  return findings.map((f) => `${screen}: ${f.rule} (${f.impact}) ${f.help} on ${f.targets.slice(0, 4).join(', ')} — ${f.summary}`).join('\n');
}

/** One Tab stop: what is focused and whether a focus indicator (outline or box-shadow) shows on it. */
export interface TabStop {
  readonly name: string;
  readonly visibleFocus: boolean;
  /** False when the focused element has no size or lies outside the window. */
  readonly onScreen: boolean;
  /** The landmark it sits in ("nav", "main", "footer", "dialog", "page") and its box there, in CSS px from the landmark's scrolled top left. */
  readonly region: string;
  readonly box: { readonly left: number; readonly top: number; readonly right: number; readonly bottom: number };
}

/**
 * The steps of `stops` that go against reading order: within one landmark, to an element wholly
 * above the previous one that does not start a column to its right (a two-column layout such as
 * the inbox's lists and detail reads column by column). Repeated stops on one element (a date
 * input's parts) are one.
 */
export function readingOrderBreaks(stops: readonly TabStop[]): string[] {
  const breaks: string[] = [];
  for (let i = 1; i < stops.length; i++) {
    const [prev, next] = [stops[i - 1]!, stops[i]!];
    if (prev.region !== next.region || prev.name === next.name) continue;
    const above = next.box.bottom <= prev.box.top;
    const newColumn = next.box.left >= prev.box.right;
    if (above && !newColumn) breaks.push(`${prev.name} → ${next.name}`);
  }
  return breaks;
}

/**
 * Presses Tab up to `count` times from the top of the window (a click on its top-left corner, which
 * holds nothing focusable, moves the starting point there) and reports each stop, ending early when
 * the focus leaves the page.
 */
export async function tabStops(page: Page, count: number): Promise<TabStop[]> {
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await page.mouse.click(2, 2);
  const stops: TabStop[] = [];
  for (let i = 0; i < count; i++) {
    await page.keyboard.press('Tab');
    stops.push(
      await page.evaluate(() => {
        const el = document.activeElement as HTMLElement | null;
        if (!el || el === document.body)
          return { name: '(body)', visibleFocus: false, onScreen: false, region: 'page', box: { left: 0, top: 0, right: 0, bottom: 0 } };
        const style = getComputedStyle(el);
        const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 1;
        const shadow = style.boxShadow !== 'none';
        const rect = el.getBoundingClientRect();
        const onScreen = rect.width > 0 && rect.height > 0 && rect.right > 0 && rect.bottom > 0 && rect.left < innerWidth && rect.top < innerHeight;
        const label = el.getAttribute('aria-label') ?? (el as HTMLInputElement).labels?.[0]?.textContent ?? el.textContent ?? '';
        const name = `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''} “${label.trim().replace(/\s+/g, ' ').slice(0, 40)}” [outline ${style.outlineStyle} ${style.outlineWidth}]`;
        const landmark = el.closest('nav, main, footer, [role=dialog], [role=alertdialog]');
        const frame = landmark?.getBoundingClientRect() ?? { left: -scrollX, top: -scrollY };
        const [dx, dy] = [(landmark?.scrollLeft ?? 0) - frame.left, (landmark?.scrollTop ?? 0) - frame.top];
        const region = landmark ? (landmark.getAttribute('role')?.endsWith('dialog') ? 'dialog' : landmark.tagName.toLowerCase()) : 'page';
        const box = { left: rect.left + dx, top: rect.top + dy, right: rect.right + dx, bottom: rect.bottom + dy };
        return { name, visibleFocus: outline || shadow, onScreen, region, box };
      }),
    );
    if (stops.at(-1)!.name === '(body)') return stops.slice(0, -1);
  }
  return stops;
}
