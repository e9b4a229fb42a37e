/**
 * The console in a real browser (Debian's Chromium through playwright-core) against the real
 * platform seeded with the demo data — shared by every browser test file: sessions, sign-in,
 * axe-core checks and screenshots at 1280 and 768 px (web/screenshots/, git-ignored).
 */
import { mkdirSync } from 'node:fs';
import axe from 'axe-core';
import { chromium, type Browser, type Page } from 'playwright-core';
import { demoSeedSteps } from '../../src/demo/steps.js';
import { systemClock } from '../../src/platform/clock.js';
import { seedDemoData } from '../../src/platform/seeding.js';
import { startPlatform, type Platform } from './platform.js';

const shots = new URL('../../web/screenshots/', import.meta.url).pathname;

interface Teardown {
  teardown(fn: () => unknown): void;
}
interface Same {
  same: (found: unknown, wanted: unknown, message: string) => boolean;
}

export interface Console {
  platform: Platform;
  /** A fresh browser session (its own sessionStorage, so its own sign-in) at 1280×900. */
  session(): Promise<Page>;
  /** Signs in as the demo user whose button reads `displayName` and waits for the catalogue. */
  signIn(page: Page, displayName: string): Promise<void>;
}

/** The platform in demo mode with the demo data, and a browser; both closed at the file's end. */
export async function startConsole(t: Teardown, logDir: string): Promise<Console> {
  mkdirSync(shots, { recursive: true });
  const platform = await startPlatform({ logDir, env: { DEMO_MODE: 'true', RATE_LIMIT_WRITES_PER_MINUTE: '1000000' } });
  t.teardown(() => platform.close());
  await seedDemoData(
    {
      db: platform.database.db,
      clock: systemClock,
      log: platform.log,
      temporal: { client: platform.temporal.client, settings: platform.config.temporal },
    },
    demoSeedSteps,
  );
  const browser: Browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  t.teardown(() => browser.close());
  return {
    platform,
    async session() {
      // axe is injected through the DevTools protocol, which the page's CSP does not govern. Reduced motion:
      // the console then opens dialogs without a zoom, so a click never aims at a button still moving.
      const context = await browser.newContext({
        viewport: { width: 1280, height: 900 },
        locale: 'zh-CN',
        bypassCSP: true,
        reducedMotion: 'reduce',
      });
      t.teardown(() => context.close());
      const page = await context.newPage();
      page.setDefaultTimeout(20_000);
      return page;
    },
    async signIn(page, displayName) {
      await page.goto(`${platform.url}/sign-in`);
      await page.getByRole('button', { name: displayName }).click();
      await page.waitForURL(/\/catalogue$/);
    },
  };
}

/** Once the page's animations have finished (a dialog zooming in moves what a click aims at); infinite ones are ignored. */
export async function settled(page: Page): Promise<void> {
  await page.evaluate(async () => {
    interface Running {
      effect: { getComputedTiming(): { iterations?: number } } | null;
      finished: Promise<unknown>;
    }
    const running = (globalThis as unknown as { document: { getAnimations(): Running[] } }).document
      .getAnimations()
      .filter((a) => a.effect?.getComputedTiming().iterations !== Infinity);
    const settled = Promise.all(running.map((a) => a.finished.catch(() => undefined)));
    await Promise.race([settled, new Promise((resolve) => setTimeout(resolve, 3_000))]);
  });
}

/** No serious or critical accessibility violation on the page as it stands (`every`: none of any impact). */
export async function accessible(t: Same, page: Page, name: string, { every = false } = {}): Promise<void> {
  // Colours are judged as they settle: an element fading in (a toast, a dialog) is not yet at full contrast.
  await settled(page);
  await page.evaluate(axe.source);
  const violations = await page.evaluate(async (every: boolean) => {
    // In the page: axe checks the whole document.
    const result = await (globalThis as unknown as { axe: typeof axe }).axe.run({ resultTypes: ['violations'] });
    return result.violations
      .filter((v) => every || v.impact === 'serious' || v.impact === 'critical')
      .map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }));
  }, every);
  t.same(violations, [], `${name}: no ${every ? '' : 'serious or critical '}accessibility violation`);
}

/** The page at 1280 px and at 768 px (a tablet), full length. */
export async function screenshots(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `${shots}${name}-1280.png`, fullPage: true });
  await page.setViewportSize({ width: 768, height: 1024 });
  await page.screenshot({ path: `${shots}${name}-768.png`, fullPage: true });
  await page.setViewportSize({ width: 1280, height: 900 });
}
