/**
 * The admin panel in a real browser: Debian's Chromium driven by playwright-core against the built
 * playground started with `strapi start`. Screenshots land in docs/screenshots/.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { launchBrowser, newPage, screenshot } from './support/browser';
import { ADMIN, ROOT, startPlayground, type Playground } from './support/playground';
import { ConfigurationPage } from './pages/ConfigurationPage';
import { LoginPage } from './pages/LoginPage';

describe('admin panel', () => {
  let playground: Playground;
  let browser: Browser;

  beforeAll(async () => {
    playground = await startPlayground();
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await playground?.stop();
  });

  it('shows the plugin version on Settings > User Directory Sync', async () => {
    const page = await newPage(browser);
    await new LoginPage(page, playground.base).logIn(ADMIN);
    const configuration = new ConfigurationPage(page, playground.base);
    await configuration.open();
    await configuration.version().waitFor({ timeout: 60000 });
    const { version: expected } = JSON.parse(
      fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')
    );
    expect(await configuration.version().textContent()).toBe(`Version ${expected}`);
    await page.getByText('No directory is configured yet.').waitFor();
    await screenshot(page, 'settings-configuration-empty');
  });
});
