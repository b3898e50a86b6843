/// <reference lib="dom" />
/**
 * The panel does what the API does (issue 17), in Debian's Chromium: a CSV directory whose file is
 * uploaded and picked in Strapi's own Media Library dialog, local users adopted from the Local users
 * tab (and refused when another directory owns them), the admin target with admin fields and roles
 * (the Super Admin role a disabled choice for others), every provider option a field validated as
 * the API validates it, the Content Manager's user list with its columns, filter and Directory sync
 * menu, the Configuration table at 1,280 and 1,400 pixels, and every plugin page checked by axe-core
 * and the Tab key. Screenshots land in docs/screenshots/.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { ConfigurationPage } from './pages/ConfigurationPage';
import { ContentManagerPage } from './pages/ContentManagerPage';
import { DirectoryPage } from './pages/DirectoryPage';
import { LoginPage } from './pages/LoginPage';
import { MediaLibraryDialog } from './pages/MediaLibraryDialog';
import { NewDirectoryPage } from './pages/NewDirectoryPage';
import { seriousViolations, unreachableByKeyboard } from './support/a11y';
import { asAnotherAdmin, expectText, launchBrowser, newPage, screenshot } from './support/browser';
import { ADMIN, createAdminWith, startPlayground, type Playground } from './support/playground';

const API = '/user-directory-sync';
const PEOPLE = [
  'username,email,firstname,lastname,jobTitle,department',
  'lena.k,lena@example.com,Lena,Kovacs,Designer,Marketing',
  'omar,omar@example.com,Omar,Haddad,Accountant,Finance',
  'piet,piet@example.com,Piet,Jansen,Engineer,Engineering',
  'rosa,rosa@example.com,Rosa,Lopez,Engineer,Engineering',
].join('\n');

const CLIENT_ID = '0f3c5a8e-8f6b-4c1e-9d2a-4b7e1c9d0a11';

type Directory = { id: number; name: string; connection: Record<string, unknown> };

describe('the admin panel does what the API does', () => {
  let playground: Playground;
  let browser: Browser;
  let page: Page;
  let directory: DirectoryPage;
  let csv: Directory;
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'uds-e2e-')), 'hr-people.csv');

  const waitForRun = async (runId: number) => {
    for (let i = 0; i < 120; i += 1) {
      const run = await playground.api<{ data: { status: string } }>('GET', `${API}/runs/${runId}`);
      if (!['queued', 'running'].includes(run.data.status)) return run.data.status;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    throw new Error(`run ${runId} did not end`);
  };
  const sync = async (directoryId: number) => {
    const run = await playground.api<{ data: { id: number } }>(
      'POST',
      `${API}/directories/${directoryId}/runs`,
      {}
    );
    return waitForRun(run.data.id);
  };
  /** A users-permissions user made by hand (through the Content Manager's API). */
  const localUser = async (username: string, email: string) => {
    const { roles } = await playground.api<{ roles: { id: number; type: string }[] }>(
      'GET',
      '/users-permissions/roles'
    );
    const role = roles.find((entry) => entry.type === 'authenticated')!;
    await playground.api(
      'POST',
      '/content-manager/collection-types/plugin::users-permissions.user',
      {
        username,
        email,
        password: 'Local-password-1',
        confirmed: true,
        blocked: false,
        role: { connect: [{ id: role.id }] },
      }
    );
  };
  /** Problems found by axe-core and the Tab key, per page; the last test expects none. */
  const problems: string[] = [];
  const expectAccessible = async (what: string, on: Page = page) => {
    for (const violation of await seriousViolations(on)) problems.push(`${what}: ${violation}`);
    for (const control of await unreachableByKeyboard(on))
      problems.push(`${what}: Tab never reaches "${control}"`);
  };

  beforeAll(async () => {
    fs.writeFileSync(file, `${PEOPLE}\n`);
    [playground, browser] = await Promise.all([startPlayground(), launchBrowser()]);
    page = await newPage(browser);
    directory = new DirectoryPage(page, playground.base);
    await new LoginPage(page, playground.base).logIn(ADMIN);
    await localUser('lena', 'lena@example.com');
    await localUser('omar', 'omar.old@example.com');
  });

  afterAll(async () => {
    await browser?.close();
    await playground?.stop();
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  });

  it("uploads the CSV file and picks it in Strapi's own Media Library dialog", async () => {
    const configuration = new ConfigurationPage(page, playground.base);
    await configuration.open();
    await configuration.addDirectory();
    await expectAccessible('Add directory');
    const form = new NewDirectoryPage(page);
    await form.fill('name', 'HR from the Media Library');
    await form.choose('Type', 'CSV file');
    await form.choose('File location', 'Media Library');
    await form.choose('Delimiter', 'Comma (,)');
    await new MediaLibraryDialog(page).uploadAndPick(file, () =>
      screenshot(page, 'directory-media-library-dialog')
    );
    await screenshot(page, 'directory-new-media');
    const id = await form.save();
    csv = (await playground.api<{ data: Directory }>('GET', `${API}/directories/${id}`)).data;
    expect(csv.connection).toMatchObject({
      location: 'media',
      mediaFileId: expect.any(Number),
      delimiter: ',',
    });
    await expectText(
      page.getByTestId('media-name'),
      `hr-people.csv (#${csv.connection.mediaFileId})`
    );
  });

  it('previews the local users matching the directory, with what changes, and adopts the chosen one', async () => {
    await directory.open(csv.id, 'adoption');
    const rows = page.getByTestId('adoption-row');
    await rows.first().waitFor({ timeout: 30000 });
    expect(await rows.count()).toBe(2);
    const lena = page.locator('[data-testid=adoption-row][data-username=lena]');
    expect(await lena.innerText()).toMatch(/email[\s\S]*username: lena → lena\.k/);
    const omar = page.locator('[data-testid=adoption-row][data-username=omar]');
    expect(await omar.innerText()).toMatch(
      /username[\s\S]*email: omar\.old@example\.com → omar@example\.com/
    );
    await screenshot(page, 'directory-adoption');
    await expectAccessible('Local users');

    await lena.getByRole('checkbox').check();
    await page.getByRole('button', { name: 'Adopt selected (1)' }).click();
    await page.getByText('1 user was adopted: see the audit log.').waitFor();
    await page
      .locator('[data-testid=adoption-row][data-username=lena]')
      .waitFor({ state: 'detached' });
    expect(await rows.count()).toBe(1);
    const adopted = await playground.api<{ data: { subject: string; actor: string }[] }>(
      'GET',
      `${API}/audit?directory=${csv.id}&action=user.adopt`
    );
    expect(adopted.data).toEqual([
      expect.objectContaining({ subject: 'lena', actor: ADMIN.email }),
    ]);
  });

  it('shows local users another directory owns as refused, with the reason', async () => {
    expect(await sync(csv.id)).toBe('succeeded');
    const copy = await playground.api<{ data: Directory }>('POST', `${API}/directories`, {
      name: 'HR copy',
      type: 'csv',
      connection: { ...csv.connection },
    });
    await directory.open(copy.data.id, 'adoption');
    const refused = page.locator('[data-testid=adoption-row][data-refused=true]');
    await refused.first().waitFor({ timeout: 30000 });
    // lena.k, piet and rosa belong to the first directory; omar (never adopted) is still local.
    expect(await refused.count()).toBe(3);
    expect(await refused.getByTestId('adoption-reason').allInnerTexts()).toEqual(
      Array(3).fill('already synced by the directory "HR from the Media Library"')
    );
    await page
      .locator('[data-testid=adoption-row][data-username=omar][data-refused=false]')
      .waitFor();
    await page.getByRole('button', { name: 'Adopt all (1)' }).waitFor();
    await screenshot(page, 'directory-adoption-refused');
    await playground.api('DELETE', `${API}/directories/${copy.data.id}`);
  });

  it('offers every option of the guides as a field, refused out of range as the API refuses it', async () => {
    const okta = await playground.api<{ data: Directory }>('POST', `${API}/directories`, {
      name: 'Okta workforce',
      type: 'okta',
      connection: { orgUrl: 'https://acme.okta.com', authMode: 'token' },
    });
    await directory.open(okta.data.id, 'settings');
    const options = page.getByTestId('directory-options');
    await options.getByText('Staged users').waitFor();
    for (const label of ['Full sync every (hours)', 'Retries', 'Page size', 'Rate-limit reserve'])
      await options.getByText(label, { exact: true }).waitFor();
    expect(await options.innerText()).toContain(
      'How often one request is retried after a 429, a 5xx or a network error (default 4).'
    );
    await directory.fill('options.pageSize', '500');
    await options.getByText('Must be a number from 1 to 200.').waitFor();
    expect(await options.getByRole('button', { name: 'Save' }).isDisabled()).toBe(true);
    await screenshot(page, 'directory-options-invalid');
    await directory.fill('options.pageSize', '100');
    await directory.choose('Staged users', 'Create disabled');
    const saved = page.waitForResponse((res) => res.request().method() === 'PUT');
    await options.getByRole('button', { name: 'Save' }).click();
    expect((await saved).status()).toBe(200);
    const stored = await playground.api<{ data: { options: Record<string, unknown> } }>(
      'GET',
      `${API}/directories/${okta.data.id}`
    );
    expect(stored.data.options).toMatchObject({ pageSize: 100, stagedUsers: 'create-disabled' });
    await screenshot(page, 'directory-options');
    await expectAccessible('Directory settings');

    const azure = await playground.api<{ data: Directory }>('POST', `${API}/directories`, {
      name: 'Contoso Entra ID',
      type: 'azure',
      connection: { tenantId: 'contoso.onmicrosoft.com', clientId: CLIENT_ID },
    });
    await directory.open(azure.data.id, 'settings');
    await page.getByTestId('directory-options').getByText('Include guests').waitFor();
    await page.getByText(/Guest accounts \(userType: Guest/).waitFor();
  });

  it('creates an admin-target directory that maps admin fields and offers admin roles', async () => {
    const configuration = new ConfigurationPage(page, playground.base);
    await configuration.open();
    await configuration.addDirectory();
    const form = new NewDirectoryPage(page);
    await form.fill('name', 'CMS editors from Entra ID');
    await form.choose('Type', 'Microsoft Entra ID (Azure AD)');
    await form.choose('Target', 'Admin users (CMS editors)');
    await form.fill('tenantId', 'contoso.onmicrosoft.com');
    // The server's 400 names the field: its message shows under it.
    await form.fill('clientId', 'editors-app');
    await form.press('Save');
    await page
      .locator('[data-strapi-field-error]', { hasText: 'must be the Application (client) ID' })
      .waitFor();
    await form.fill('clientId', CLIENT_ID);
    await page
      .locator('[data-strapi-field-error]', { hasText: 'must be the Application (client) ID' })
      .waitFor({ state: 'detached' });
    // Strapi shows its "new Media Library" announcement again after the dialog was used.
    await new LoginPage(page, playground.base).dismissBanner();
    await screenshot(page, 'directory-new-admin-target');
    const id = await form.save();
    const created = await playground.api<{ data: { target: string } }>(
      'GET',
      `${API}/directories/${id}`
    );
    expect(created.data.target).toBe('admin');

    await directory.show('Data mapping');
    await page.getByRole('button', { name: 'Add a mapping row' }).click();
    await page.getByRole('combobox', { name: 'User attribute' }).last().click();
    const offered = await page.getByRole('option').allInnerTexts();
    expect(offered).toEqual(expect.arrayContaining(['firstname', 'lastname', 'email']));
    expect(offered).not.toContain('department');
    await page.keyboard.press('Escape');

    await directory.show('User groups');
    await page.getByRole('combobox', { name: 'Default admin role' }).click();
    expect(await page.getByRole('option', { name: 'Super Admin', exact: true }).isEnabled()).toBe(
      true
    );
    await page.keyboard.press('Escape');

    // Another admin, with the plugin's permissions and the right to read roles, but no Super Admin.
    const editor = await createAdminWith(playground, 'Directory editor', [
      'plugin::user-directory-sync.read',
      'plugin::user-directory-sync.settings.update',
      'plugin::user-directory-sync.run',
      'admin::roles.read',
    ]);
    await asAnotherAdmin(
      browser,
      (limited) => new LoginPage(limited, playground.base).logIn(editor),
      async (limited) => {
        const view = new DirectoryPage(limited, playground.base);
        await view.open(id, 'groups');
        await limited.getByRole('combobox', { name: 'Default admin role' }).click();
        const refused = limited.getByRole('option', {
          name: 'Super Admin — only a Super Admin may choose it',
        });
        await refused.waitFor();
        expect(await refused.getAttribute('aria-disabled')).toBe('true');
        await screenshot(limited, 'directory-admin-roles-super-admin');
      }
    );
  });

  it("shows blocked, department, job title and directory in the Content Manager's user list, with its filter and Directory sync menu", async () => {
    const contentManager = new ContentManagerPage(page, playground.base);
    await contentManager.openUsers();
    const headers = await page.locator('table thead th').allInnerTexts();
    for (const header of ['BLOCKED', 'DEPARTMENT', 'JOBTITLE', 'DIRECTORY'])
      expect(headers.map((text) => text.toUpperCase().trim())).toContain(header);
    const piet = page.locator('table tbody tr', { hasText: 'piet@example.com' });
    await piet.getByTestId('owner-cell').getByText('HR from the Media Library').waitFor();
    expect(await piet.innerText()).toMatch(/Engineering[\s\S]*Engineer/);
    await screenshot(page, 'content-manager-users-columns');

    await page.getByRole('button', { name: 'Directory sync', exact: true }).click();
    await page.getByRole('menuitem', { name: 'Sync HR from the Media Library now' }).click();
    await page.getByText(/HR from the Media Library: run #\d+ started\./).waitFor();
    const runs = await playground.api<{ data: { id: number; trigger: string }[] }>(
      'GET',
      `${API}/runs?directory=${csv.id}`
    );
    expect(await waitForRun(runs.data[0].id)).toBe('succeeded');

    await page.getByRole('button', { name: 'Disabled by directory sync' }).click();
    await page.waitForURL(/filters%5B%24and%5D%5B0%5D%5Bblocked%5D%5B%24eq%5D=true|blocked/);
    await page
      .getByText(/No content found|0 entries/i)
      .first()
      .waitFor();
  });

  it('keeps the Configuration table whole at 1,280 and 1,400 pixels wide', async () => {
    const configuration = new ConfigurationPage(page, playground.base);
    for (const width of [1280, 1400]) {
      await page.setViewportSize({ width, height: 800 });
      await configuration.open();
      await configuration.row('CMS editors from Entra ID').waitFor();
      const fits = await page.evaluate(() => {
        const table = document.querySelector('main table')!;
        const scroller = table.parentElement!;
        const actions = Array.from(table.querySelectorAll('th')).pop()!.getBoundingClientRect();
        const frame = scroller.getBoundingClientRect();
        return {
          overflow: scroller.scrollWidth - scroller.clientWidth,
          actionsInside: actions.right <= frame.right + 1,
        };
      });
      expect([width, fits]).toEqual([width, { overflow: 0, actionsInside: true }]);
      await screenshot(page, `settings-configuration-${width}`);
    }
    await page.setViewportSize({ width: 1366, height: 800 });
    await expectAccessible('Configuration');
  });

  it('passes axe-core and reaches every control by keyboard on each tab and the audit log', async () => {
    for (const tab of ['connection', 'mapping', 'groups', 'safety', 'runs', 'audit']) {
      await directory.open(csv.id, tab);
      await page.getByRole('tabpanel').waitFor();
      await page.waitForLoadState('networkidle');
      await expectAccessible(`tab ${tab}`);
    }
    await page.goto(`${playground.base}/admin/settings/user-directory-sync-audit`);
    await page.getByTestId('audit-row').first().waitFor();
    await expectAccessible('Audit log');
    expect(problems).toEqual([]);
  });
});
