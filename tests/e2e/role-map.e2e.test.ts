/**
 * The role map of the User groups tab, in the admin panel: a group rule and a pattern rule set on a
 * CSV directory whose people carry groups, then a dry run whose plan says, for each user to create,
 * which rule gives its role, or that it gets the default role.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startCsvFileServer, type CsvFileServer } from '../fakes/csv/server';
import { ConfigurationPage } from './pages/ConfigurationPage';
import { DirectoryPage } from './pages/DirectoryPage';
import { LoginPage } from './pages/LoginPage';
import { NewDirectoryPage } from './pages/NewDirectoryPage';
import { RoleMapPanel } from './pages/RoleMapPanel';
import { launchBrowser, newPage, screenshot } from './support/browser';
import { ADMIN, ROOT, startPlayground, type Playground } from './support/playground';

const CA = fs.readFileSync(path.join(ROOT, 'tests/fakes/certs/ca.pem'), 'utf8');
const HEADER = 'username,email,firstname,lastname,jobTitle,department,manager,groups';
/** rm1, rm2 in Intranet Editors, rm3 in Sales Team, rm4 in no group. */
const GROUPS = ['Intranet Editors', 'Intranet Editors', 'Sales Team', ''];
const CSV =
  [
    HEADER,
    ...GROUPS.map((group, i) =>
      [
        `rm${i + 1}`,
        `rm${i + 1}@example.com`,
        `First${i}`,
        `Last${i}`,
        'Analyst',
        'Sales',
        '',
        group,
      ].join(',')
    ),
  ].join('\r\n') + '\r\n';

describe('the role map of a directory in the admin panel', () => {
  let playground: Playground;
  let server: CsvFileServer;
  let browser: Browser;
  let page: Page;
  let directory: DirectoryPage;

  beforeAll(async () => {
    server = await startCsvFileServer({
      files: { '/people.csv': CSV },
      username: 'hr',
      password: 'hr-secret',
    });
    [playground, browser] = await Promise.all([startPlayground(), launchBrowser()]);
    page = await newPage(browser);
    directory = new DirectoryPage(page, playground.base);
    await new LoginPage(page, playground.base).logIn(ADMIN);

    const configuration = new ConfigurationPage(page, playground.base);
    await configuration.open();
    await configuration.addDirectory();
    const form = new NewDirectoryPage(page);
    await form.fillRemoteCsv({
      name: 'Role map',
      url: `${server.url}/people.csv`,
      username: 'hr',
      password: 'hr-secret',
      managerField: 'manager',
      caCertificate: CA,
    });
    await form.save();
  });

  afterAll(async () => {
    await browser?.close();
    await playground?.stop();
    await server?.close();
  });

  it('saves a group rule and a pattern rule, in order', async () => {
    await directory.show('User groups');
    // The source's groups, read from the CSV file: the choices of a group rule.
    await page.getByTestId('group-preview').getByText('Sales Team').waitFor({ timeout: 30000 });
    const roleMap = new RoleMapPanel(page);
    await roleMap.addGroupRule('Sales Team', 'Authenticated');
    await roleMap.addPatternRule('^Intranet', 'Public');
    expect(await directory.save()).toBe(200);
    await roleMap.addButtons().scrollIntoViewIfNeeded();
    await screenshot(page, 'directory-role-map');

    // Saved: a fresh page shows both rules again, in their order.
    await page.reload();
    await directory.show('User groups');
    await roleMap.rows().nth(1).waitFor();
    expect(await roleMap.rows().count()).toBe(2);
    expect(await page.locator('input[name="groupSync.roles.1.pattern"]').inputValue()).toBe(
      '^Intranet'
    );
  });

  it('shows in the plan of a dry run which rule gives each user its role, or the default role', async () => {
    await directory.show('Runs');
    await directory.press('Dry run');
    await directory.plan().waitFor({ timeout: 30000 });
    const creates = page.getByTestId('plan-create');
    await creates.waitFor({ timeout: 30000 });
    const details = async (subject: string) =>
      creates
        .getByRole('row')
        .filter({ has: page.getByTestId('plan-subject').getByText(subject, { exact: true }) })
        .innerText();

    expect(await details('rm1')).toContain('Role: rule 2 (/^Intranet/ -> Public)');
    expect(await details('rm2')).toContain('Role: rule 2 (/^Intranet/ -> Public)');
    expect(await details('rm3')).toMatch(/Role: rule 1 \(group .+ -> Authenticated\)/);
    expect(await details('rm4')).toContain('Role: default role');
    await creates.scrollIntoViewIfNeeded();
    await screenshot(page, 'directory-dry-run-roles');
  });
});
