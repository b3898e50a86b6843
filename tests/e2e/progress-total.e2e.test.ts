/**
 * The progress bar of a running run shows a total in the admin panel, for every pulled source:
 * an Entra ID (Azure AD) run counted by Graph's `$count` ("N of M"), and an Okta run whose total is
 * the previous full run's count ("N of about M"). The fakes answer the user pages slowly, so the
 * runs are still going on while the browser looks at them.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startGraphFake, type GraphFake } from '../fakes/graph';
import { startOktaFake, type OktaFake } from '../fakes/okta';
import { DirectoryPage } from './pages/DirectoryPage';
import { LoginPage } from './pages/LoginPage';
import { launchBrowser, newPage } from './support/browser';
import { ADMIN, ROOT, startPlayground, type Playground } from './support/playground';

const CA = fs.readFileSync(path.join(ROOT, 'tests/fakes/certs/ca.pem'), 'utf8');
const SLOW_PAGE_MS = 1500;

type Created = { data: { id: number } };
type RunBody = { data: { id: number; status: string; progress: { done: number } } };

describe('the progress bar of a running run shows a total', () => {
  let playground: Playground;
  let graph: GraphFake;
  let okta: OktaFake;
  let browser: Browser;
  let page: Page;
  let directory: DirectoryPage;

  /** Presses Sync now on the Runs tab and returns the progress line once it names a total. */
  const syncAndReadTotal = async (id: number) => {
    await directory.open(id, 'runs');
    await directory.show('Runs');
    await directory.press('Sync now');
    await directory.progress().waitFor({ timeout: 15000 });
    const text = page.getByTestId('run-progress-text');
    await page.waitForFunction(
      () =>
        /of /.test(document.querySelector('[data-testid=run-progress-text]')?.textContent ?? ''),
      undefined,
      { timeout: 15000 }
    );
    const line = await text.innerText();
    // The bar is determinate (a width, not the moving stripe), and never past 100 %.
    const percent = Number(await page.getByRole('progressbar').getAttribute('aria-valuenow'));
    expect(percent).toBeGreaterThanOrEqual(0);
    expect(percent).toBeLessThanOrEqual(100);
    const result = await directory.waitForResult(90000);
    expect(result.status).toBe('succeeded');
    return line;
  };

  /** A run through the admin API, followed until it ends (the one a later run estimates from). */
  const runToTheEnd = async (id: number) => {
    const started = await playground.api<RunBody>(
      'POST',
      `/user-directory-sync/directories/${id}/runs`,
      {}
    );
    for (;;) {
      const run = await playground.api<RunBody>(
        'GET',
        `/user-directory-sync/runs/${started.data.id}`
      );
      if (!['queued', 'running'].includes(run.data.status)) return run.data;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  };

  beforeAll(async () => {
    [graph, okta] = await Promise.all([
      startGraphFake({ users: 300, groups: 8, seed: 31 }),
      startOktaFake({ users: 200, seed: 9, https: true }),
    ]);
    [playground, browser] = await Promise.all([startPlayground(), launchBrowser()]);
    page = await newPage(browser);
    directory = new DirectoryPage(page, playground.base);
    await new LoginPage(page, playground.base).logIn(ADMIN);
  });

  afterAll(async () => {
    await browser?.close();
    await playground?.stop();
    await graph?.close();
    await okta?.close();
  });

  afterEach(() => {
    graph.clearFaults();
    okta.clearFaults();
  });

  it('Azure AD: "N of M", M as Graph counts the selected group', async () => {
    const group = graph.groupId(1);
    const live = new Set(
      graph.store
        .listUsers()
        .filter((user) => user.userType !== 'Guest')
        .map((user) => user.id)
    );
    const inScope = graph.store.transitiveMembers(group).filter((id) => live.has(id)).length;
    const created = await playground.api<Created>('POST', '/user-directory-sync/directories', {
      name: 'Contoso',
      type: 'azure',
      connection: {
        tenantId: graph.tenantId,
        clientId: graph.clientId,
        authorityHost: graph.url,
        graphBaseUrl: graph.url,
        caCertificate: CA,
      },
      secrets: { clientSecret: graph.clientSecret },
      userGroups: [group],
      groupSync: { mode: 'none' },
      options: { pageSize: 50 },
    });
    graph.inject({
      kind: 'slow',
      delayMs: SLOW_PAGE_MS,
      path: /^\/v1\.0\/users\/delta/,
      times: Infinity,
    });
    const line = await syncAndReadTotal(created.data.id);
    expect(line).toMatch(new RegExp(`^Reading the directory — \\d+ of ${inScope}$`));
    expect(line).not.toMatch(/about/);
  });

  it('Okta: "N of about M", M the number the previous full run read', async () => {
    const groups = okta.store
      .appAssignments()
      .slice(0, 3)
      .map((assignment) => okta.store.groups[assignment.groupPos].id);
    const created = await playground.api<Created>('POST', '/user-directory-sync/directories', {
      name: 'Okta',
      type: 'okta',
      connection: {
        orgUrl: `${okta.url}/`,
        authMode: 'token',
        appId: okta.appId,
        caCertificate: CA,
      },
      secrets: { apiToken: okta.apiToken },
      userGroups: groups,
      groupSync: { mode: 'none' },
      // Every run reads everything (no incremental round), so each one has a total.
      options: { fullSyncEveryHours: 0 },
    });
    const previous = await runToTheEnd(created.data.id);
    expect(previous.status).toBe('succeeded');
    const read = previous.progress.done;
    expect(read).toBeGreaterThan(0);

    okta.failNext(
      Infinity,
      { kind: 'slow', delayMs: SLOW_PAGE_MS },
      { path: /^\/api\/v1\/groups\/[^/]+\/users$/ }
    );
    const line = await syncAndReadTotal(created.data.id);
    expect(line).toMatch(
      new RegExp(`^Reading the directory — [\\d,]+ of about ${read.toLocaleString('en-US')}$`)
    );
  });
});
