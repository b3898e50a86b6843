/** Debian's Chromium driven by playwright-core, one 1366x800 page per test step. */
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ROOT } from './playground';

export const VIEWPORT = { width: 1366, height: 800 };

export const launchBrowser = (): Promise<Browser> =>
  chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });

/** A fresh browser context (its own cookies and storage) and page. */
export const newPage = async (browser: Browser): Promise<Page> => {
  const context = await browser.newContext({ viewport: VIEWPORT, acceptDownloads: true });
  context.setDefaultTimeout(20000);
  return context.newPage();
};

/** Saves a 1366x800 screenshot of the page to docs/screenshots/<name>.png. */
export const screenshot = (page: Page, name: string) =>
  page.screenshot({
    path: path.join(ROOT, 'docs/screenshots', `${name}.png`),
    // Notifications come and go: leave them out so that each picture shows the page itself.
    style: '[data-sonner-toaster] { display: none !important; }',
    animations: 'disabled',
  });

/** Waits (up to `timeout`) until the element shows exactly `text`, then checks it. */
export const expectText = async (
  locator: import('playwright-core').Locator,
  text: string,
  timeout = 15000
) => {
  const until = Date.now() + timeout;
  let seen: string | null = null;
  while (Date.now() < until) {
    seen = (await locator.textContent({ timeout }).catch(() => null))?.trim() ?? null;
    if (seen === text) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  expect(seen).toBe(text);
};

/**
 * Runs `steps` in a page of its own, signed in as another admin (its own cookies), then closes it.
 * `logIn` signs the page in (the LoginPage object).
 */
export const asAnotherAdmin = async (
  browser: Browser,
  logIn: (page: Page) => Promise<void>,
  steps: (page: Page) => Promise<void>
) => {
  const page = await newPage(browser);
  try {
    await logIn(page);
    await steps(page);
  } finally {
    await page.context().close();
  }
};
