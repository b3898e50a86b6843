/**
 * A CSV directory from end to end in the admin panel: added from the Configuration page against a
 * local HTTPS file server (basic auth, test CA), its connection tested, a dry run's plan applied with
 * live progress, a run held at the safety threshold and confirmed, the users in the Content Manager,
 * the audit log filtered to one user, and an admin without the settings action kept out of the
 * Connection tab. Screenshots of each page land in docs/screenshots/.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startCsvFileServer, type CsvFileServer } from '../fakes/csv/server';
import { AuditLogPage } from './pages/AuditLogPage';
import { ConfigurationPage } from './pages/ConfigurationPage';
import { ContentManagerPage } from './pages/ContentManagerPage';
import { DirectoryPage } from './pages/DirectoryPage';
import { LoginPage } from './pages/LoginPage';
import { NewDirectoryPage } from './pages/NewDirectoryPage';
import { expectText, launchBrowser, newPage, screenshot } from './support/browser';
import {
  ADMIN,
  ROOT,
  createAdminWith,
  startPlayground,
  type Playground,
} from './support/playground';

const CA = fs.readFileSync(path.join(ROOT, 'tests/fakes/certs/ca.pem'), 'utf8');
const HEADER = 'username,email,firstname,lastname,jobTitle,department,manager,groups';
const person = (n: number, job = 'Analyst') =>
  [
    `e2e${n}`,
    `e2e${n}@example.com`,
    `First${n}`,
    `Last${n}`,
    job,
    n % 2 ? 'Sales' : 'Engineering',
    n > 1 ? 'e2e1' : '',
    n <= 3 ? 'Intranet Editors' : 'Sales Team',
  ].join(',');
const csv = (rows: string[]) => [HEADER, ...rows].join('\r\n') + '\r\n';
const EVERYONE = [1, 2, 3, 4, 5, 6];

describe('a CSV directory in the admin panel', () => {
  let playground: Playground;
  let server: CsvFileServer;
  let browser: Browser;
  let page: Page;
  let directory: DirectoryPage;
  let directoryId: number;

  beforeAll(async () => {
    server = await startCsvFileServer({
      files: { '/people.csv': csv(EVERYONE.map((n) => person(n))) },
      username: 'hr',
      password: 'hr-secret',
    });
    [playground, browser] = await Promise.all([startPlayground(), launchBrowser()]);
    page = await newPage(browser);
    directory = new DirectoryPage(page, playground.base);
    await new LoginPage(page, playground.base).logIn(ADMIN);
  });

  afterAll(async () => {
    await browser?.close();
    await playground?.stop();
    await server?.close();
  });

  it('adds a CSV directory reading a local HTTPS file from the Configuration page', async () => {
    const configuration = new ConfigurationPage(page, playground.base);
    await configuration.open();
    await configuration.addDirectory();
    const form = new NewDirectoryPage(page);
    await form.choose('Type', 'Microsoft Entra ID (Azure AD)');
    await page.locator('input[name=tenantId]').waitFor();
    await screenshot(page, 'directory-new-azure');
    await form.fillRemoteCsv({
      name: 'HR export',
      url: `${server.url}/people.csv`,
      username: 'hr',
      password: 'hr-secret',
      managerField: 'manager',
      caCertificate: CA,
    });
    await screenshot(page, 'directory-new');
    directoryId = await form.save();
    expect(await directory.tab('Connection').getAttribute('aria-selected')).toBe('true');
    await expectText(directory.secretState('password'), 'set');
    expect(await page.locator('input[name=password]').inputValue()).toBe('');
  });

  it('sets the default password of new users as a write-only secret', async () => {
    await directory.show('Data mapping');
    await expectText(directory.secretState('defaultPassword'), 'not set');
    await directory.fill('defaultPassword', 'Welcome-2026');
    expect(await directory.save()).toBe(200);
    await expectText(directory.secretState('defaultPassword'), 'set');
    expect(await page.locator('input[name=defaultPassword]').inputValue()).toBe('');
    await directory.show('Connection');
  });

  it('tests the connection: a green light, then a red one with the reason for a wrong password', async () => {
    const green = await directory.testConnection();
    expect(green.ok).toBe(true);
    expect(green.checks.join('\n')).toMatch(/Downloaded .* from https:\/\/localhost/);
    await screenshot(page, 'directory-connection-ok');

    await directory.fill('password', 'wrong');
    const red = await directory.testConnection();
    expect(red.ok).toBe(false);
    expect(red.message).toMatch(/401/);
    await screenshot(page, 'directory-connection-failed');

    await directory.fill('password', 'hr-secret');
    expect((await directory.testConnection()).ok).toBe(true);
  });

  it("shows the server's message next to a bad schedule, and reads a good one", async () => {
    await directory.show('Directory settings');
    await directory.fill('schedule', 'every hour');
    expect(await directory.save()).toBe(400);
    // The server's message shows under the field, and goes once the field is edited.
    const fieldError = page.locator('[data-strapi-field-error]', {
      hasText: "'every hour' is not a valid cron expression",
    });
    await fieldError.waitFor();
    await directory.fill('schedule', '30 6 * * *');
    await fieldError.waitFor({ state: 'detached' });
    await expectText(page.getByTestId('schedule-reading'), 'Every day at 06:30');
    expect(await directory.save()).toBe(200);
    await screenshot(page, 'directory-settings');
  });

  it('previews live which groups a regular expression keeps, and saves it', async () => {
    await directory.show('User groups');
    await page.getByRole('radio', { name: /matches a regular expression/ }).click();
    // A catastrophic pattern: the preview refuses it with the server's own check, keeps nothing.
    await directory.fill('groupSync.pattern', '^(a+)+$');
    await page.getByText(/could take exponential time/).waitFor();
    expect(await page.getByTestId('group-kept').count()).toBe(0);
    await directory.fill('groupSync.pattern', '^Intranet');
    const kept = page.getByTestId('group-kept');
    await kept.first().waitFor();
    expect(await kept.allTextContents()).toEqual(['Intranet Editors']);
    expect(await page.getByTestId('group-left').allTextContents()).toEqual(['Sales Team']);
    expect(await directory.save()).toBe(200);
    await screenshot(page, 'directory-user-groups');

    await directory.show('Data mapping');
    await page.getByTestId('mapping-row').first().waitFor();
    await screenshot(page, 'directory-data-mapping');
    await directory.show('Safety');
    await screenshot(page, 'directory-safety');
  });

  it('shows the plan of a dry run, then applies it with a live progress bar and ends with the counts', async () => {
    await directory.show('Runs');
    await directory.press('Dry run');
    await directory.plan().waitFor({ timeout: 30000 });
    const creates = page.getByTestId('plan-create');
    expect(await creates.getByRole('heading').innerText()).toMatch(/To create \(6\)/i);
    expect(await creates.getByTestId('plan-subject').allInnerTexts()).toEqual(
      EVERYONE.map((n) => `e2e${n}`)
    );
    await screenshot(page, 'directory-dry-run-plan');

    server.setFault('/people.csv', { kind: 'slow', delayMs: 4000 });
    try {
      await page.getByTestId('apply-plan').click();
      await directory.progress().waitFor({ timeout: 10000 });
      expect(await page.getByRole('progressbar').count()).toBe(1);
      await screenshot(page, 'directory-run-progress');
      const result = await directory.waitForResult();
      expect(result.status).toBe('succeeded');
      expect(result.counts).toMatch(/^6 created, 0 updated, 0 disabled/);
    } finally {
      server.setFault('/people.csv', null);
    }
    expect(await directory.progress().count()).toBe(0);
    await page.getByTestId('run-row').nth(1).waitFor();
    await screenshot(page, 'directory-runs');
  });

  it('cancels a run going on from its progress bar', async () => {
    // The same people in other bytes: a changed file, read slowly.
    server.setFile('/people.csv', csv(EVERYONE.map((n) => person(n))).replace(/\r\n/g, '\n'));
    server.setFault('/people.csv', { kind: 'slow', delayMs: 3000 });
    try {
      await directory.press('Sync now');
      await directory.progress().waitFor({ timeout: 10000 });
      await directory.press('Cancel');
      const result = await directory.waitForResult();
      expect(result.status).toBe('cancelled');
    } finally {
      server.setFault('/people.csv', null);
    }
    await page.locator('[data-testid=run-row][data-status=cancelled]').first().waitFor();
  });

  it('shows field diffs in a plan, holds a run that would disable half the users, and applies it when confirmed', async () => {
    server.setFile('/people.csv', csv([person(1), person(2, 'Manager'), person(3)]));
    await directory.press('Dry run');
    await page.getByTestId('plan-update').waitFor({ timeout: 30000 });
    expect(await page.getByTestId('plan-update').innerText()).toContain(
      'jobTitle: Analyst → Manager'
    );
    expect(
      await page.getByTestId('plan-disable').getByTestId('plan-subject').allInnerTexts()
    ).toEqual(['e2e4', 'e2e5', 'e2e6']);
    await screenshot(page, 'directory-dry-run-diff');

    await directory.press('Sync now');
    await directory.heldBanner().waitFor({ timeout: 30000 });
    expect(await directory.heldBanner().innerText()).toMatch(/would disable 3 of 6 users/);
    await screenshot(page, 'directory-run-held');

    await page.getByTestId('confirm-held').click();
    const result = await directory.waitForResult();
    expect(result.status).toBe('succeeded');
    expect(result.counts).toMatch(/3 disabled/);
    expect(await directory.heldBanner().count()).toBe(0);
  });

  it('lists the synced users in the Content Manager, and the disabled ones under the blocked filter', async () => {
    const contentManager = new ContentManagerPage(page, playground.base);
    await contentManager.openUsers();
    const all = (await contentManager.rows()).join('\n');
    for (const n of EVERYONE) expect(all).toContain(`e2e${n}@example.com`);
    await screenshot(page, 'content-manager-users');

    await contentManager.openUsers({ blocked: true });
    const blocked = await contentManager.rows();
    expect(blocked).toHaveLength(3);
    expect(blocked.join('\n')).toMatch(/e2e4[\s\S]*e2e5[\s\S]*e2e6/);
    await screenshot(page, 'content-manager-blocked');

    await contentManager.openUser('e2e4@example.com');
    await contentManager.owner().waitFor({ timeout: 30000 });
    expect(await contentManager.owner().innerText()).toMatch(
      /Managed by the directory[\s\S]*disabled by the directory/
    );
    await screenshot(page, 'content-manager-user-owner');
  });

  it('filters the audit log to one user', async () => {
    const audit = new AuditLogPage(page, playground.base);
    await audit.open();
    await audit.rows().first().waitFor();
    await screenshot(page, 'audit-log');
    await audit.filterSubject('e2e5');
    const rows = await audit.rows().allTextContents();
    expect(rows.some((row) => row.includes('user.create'))).toBe(true);
    expect(rows.some((row) => row.includes('user.disable'))).toBe(true);
    expect(await audit.total().innerText()).toMatch(/^\d+ entr/);
    await screenshot(page, 'audit-log-filtered');

    const exported = await audit.exportCsv();
    const lines = exported.trim().split('\n');
    expect(lines[0]).toBe('id,at,category,action,directory,run,subject,actor,details');
    expect(lines.length).toBeGreaterThan(1);
    expect(lines.slice(1).every((line) => line.includes(',e2e5,'))).toBe(true);
  });

  it('keeps an admin without the settings action out of the Connection tab', async () => {
    const operator = await createAdminWith(playground, 'Sync operator', [
      'plugin::user-directory-sync.read',
      'plugin::user-directory-sync.run',
      'plugin::user-directory-sync.audit.read',
    ]);
    const limited = await newPage(browser);
    try {
      await new LoginPage(limited, playground.base).logIn(operator);
      const view = new DirectoryPage(limited, playground.base);
      await view.open(directoryId);
      expect(await view.tab('Connection').isDisabled()).toBe(true);
      expect(await view.tab('Directory settings').getAttribute('aria-selected')).toBe('true');
      expect(await limited.getByRole('button', { name: 'Save', exact: true }).isDisabled()).toBe(
        true
      );
      await view.open(directoryId, 'connection');
      await limited.getByText(/don't have the permissions/i).waitFor();
      expect(await limited.locator('input[name=url]').count()).toBe(0);
      await screenshot(limited, 'directory-no-settings-permission');
    } finally {
      await limited.context().close();
    }
  });

  it('lists the directory with its last run, and deletes it leaving its users in place', async () => {
    const configuration = new ConfigurationPage(page, playground.base);
    await configuration.open();
    const row = configuration.row('HR export');
    await row.waitFor();
    await expectText(row.getByTestId('run-status'), 'Succeeded');
    await row.getByRole('switch').click();
    await row.getByText('Enabled', { exact: true }).waitFor();
    await screenshot(page, 'settings-configuration');

    const dialog = await configuration.deleteDirectory('HR export');
    expect(dialog).toMatch(/stay in Strapi, unlinked/);
    const contentManager = new ContentManagerPage(page, playground.base);
    await contentManager.openUsers();
    expect(await contentManager.rows()).toHaveLength(6);
  });
});
