// Renders packaging/icon.svg into the PNGs electron-builder packages: icon.png (1024×1024, from
// which it derives the macOS .icns and the Windows .ico) and icons/<N>x<N>.png (the Linux set it
// installs into hicolor/). The PNGs are committed; run this after editing the SVG:
//   node --import tsx packaging/render-icons.ts [path to chromium, default /usr/bin/chromium]
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMainModule } from '../scripts/main-module.js';
import { chromium } from 'playwright-core';

const here = fileURLToPath(new URL('.', import.meta.url));
/** Sizes of the Linux icon set, in pixels (the freedesktop hicolor sizes desktops look up). */
export const LINUX_ICON_SIZES = [16, 24, 32, 48, 64, 128, 256, 512, 1024] as const;

/** Renders `svg` into one square PNG per size (pixels), keeping the transparent corners. */
export async function renderIcons(svg: string, sizes: readonly number[], executablePath: string): Promise<Map<number, Buffer>> {
  const browser = await chromium.launch({ executablePath });
  try {
    const page = await browser.newPage({ deviceScaleFactor: 1 });
    const pngs = new Map<number, Buffer>();
    const source = `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`;
    for (const size of sizes) {
      await page.setViewportSize({ width: size, height: size });
      await page.setContent(
        `<html><body style="margin:0;background:transparent"><img src="${source}" width="${size}" height="${size}" style="display:block"></body></html>`,
      );
      await page.locator('img').evaluate((img: HTMLImageElement) => img.decode());
      pngs.set(size, await page.screenshot({ omitBackground: true, clip: { x: 0, y: 0, width: size, height: size } }));
    }
    return pngs;
  } finally {
    await browser.close();
  }
}

if (isMainModule(import.meta.url)) {
  const svg = readFileSync(join(here, 'icon.svg'), 'utf8');
  const pngs = await renderIcons(svg, LINUX_ICON_SIZES, process.argv[2] ?? '/usr/bin/chromium');
  mkdirSync(join(here, 'icons'), { recursive: true });
  for (const [size, png] of pngs) writeFileSync(join(here, 'icons', `${size}x${size}.png`), png);
  writeFileSync(join(here, 'icon.png'), pngs.get(1024)!);
  console.log(`rendered icon.png and icons/{${LINUX_ICON_SIZES.join(',')}} from icon.svg`);
}
