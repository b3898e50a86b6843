/**
 * The admin panel in a real browser: Debian's Chromium driven by playwright-core against the built
 * playground started with `strapi start`. Screenshots land in docs/screenshots/.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

const root = path.resolve(__dirname, '../..');
const port = 1400 + (process.pid % 500);
const base = `http://127.0.0.1:${port}`;
const database = `.tmp/e2e-${process.pid}.db`;
const ADMIN = { email: 'e2e@example.com', password: 'E2e-password-1' };

const waitForServer = async (child: ChildProcess, output: () => string) => {
  for (let i = 0; i < 120; i += 1) {
    if (child.exitCode !== null) throw new Error(`Strapi exited early:\n${output()}`);
    const ok = await fetch(`${base}/_health`).then(
      (r) => r.status === 204,
      () => false
    );
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`Strapi did not start:\n${output()}`);
};

/** Logs in through the real login form. */
export const logIn = async (page: Page) => {
  await page.goto(`${base}/admin/auth/login`);
  await page.fill('input[name=email]', ADMIN.email);
  await page.fill('input[name=password]', ADMIN.password);
  await page.click('button[type=submit]');
  await page.waitForURL(/\/admin(\/)?$/);
};

describe('admin panel', () => {
  let strapi: ChildProcess;
  let browser: Browser;
  let log = '';

  beforeAll(async () => {
    strapi = spawn('npx', ['strapi', 'start'], {
      cwd: path.join(root, 'playground'),
      env: {
        ...process.env,
        PORT: String(port),
        HOST: '127.0.0.1',
        DATABASE_FILENAME: database,
        DEMO_MODE: 'true',
        DEMO_SEED: 'false',
        DEMO_ADMIN_EMAIL: ADMIN.email,
        DEMO_ADMIN_PASSWORD: ADMIN.password,
        NODE_ENV: 'production',
        STRAPI_TELEMETRY_DISABLED: 'true',
      },
      detached: true,
    });
    strapi.stdout?.on('data', (chunk) => (log += chunk));
    strapi.stderr?.on('data', (chunk) => (log += chunk));
    await waitForServer(strapi, () => log);
    browser = await chromium.launch({
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
  });

  afterAll(async () => {
    await browser?.close();
    if (strapi?.pid) process.kill(-strapi.pid, 'SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const file = path.join(root, 'playground', database);
    for (const suffix of ['', '-journal']) fs.rmSync(file + suffix, { force: true });
  });

  it('shows the plugin version on Settings > User Directory Sync', async () => {
    const page = await browser.newPage({ viewport: { width: 1366, height: 800 } });
    await logIn(page);
    await page.goto(`${base}/admin/settings/user-directory-sync`);
    const version = page.getByTestId('plugin-version');
    await version.waitFor({ timeout: 60000 });
    const { version: expected } = JSON.parse(
      fs.readFileSync(path.join(root, 'package.json'), 'utf8')
    );
    expect(await version.textContent()).toBe(`Version ${expected}`);
    await page.screenshot({ path: path.join(root, 'docs/screenshots/settings-configuration.png') });
  });
});
