import type { Locator } from 'playwright-core';
import { Form } from './Form';

export type Tab =
  | 'Connection'
  | 'Directory settings'
  | 'Data mapping'
  | 'User groups'
  | 'Safety'
  | 'Runs'
  | 'Local users'
  | 'Audit log';

/** A directory's page and its tabs. */
export class DirectoryPage extends Form {
  constructor(
    page: Form['page'],
    private readonly base: string
  ) {
    super(page);
  }

  async open(id: number, tab?: string) {
    await this.page.goto(
      `${this.base}/admin/settings/user-directory-sync/directories/${id}${tab ? `?tab=${tab}` : ''}`
    );
    await this.page.getByRole('tablist').waitFor();
  }

  tab(name: Tab): Locator {
    return this.page.getByRole('tab', { name, exact: true });
  }

  async show(name: Tab) {
    await this.tab(name).click();
    await this.page.getByRole('tab', { name, exact: true, selected: true }).waitFor();
  }

  // --- Connection

  /** Test connection: resolves to the light (ok) and the messages shown. */
  async testConnection() {
    const previous = this.page.getByTestId('connection-result');
    await this.press('Test connection');
    await previous.waitFor({ state: 'detached' }).catch(() => undefined);
    const result = this.page.getByTestId('connection-result');
    await result.waitFor({ timeout: 30000 });
    return {
      ok: (await result.getAttribute('data-ok')) === 'true',
      message: await this.page.getByTestId('connection-message').innerText(),
      checks: await result.getByTestId('connection-check').allInnerTexts(),
    };
  }

  /** The set / not set badge of a secret. */
  secretState(name: string): Locator {
    return this.page.getByTestId(`secret-${name}-state`);
  }

  // --- Runs

  plan(): Locator {
    return this.page.getByTestId('plan');
  }

  progress(): Locator {
    return this.page.getByTestId('run-progress');
  }

  result(): Locator {
    return this.page.getByTestId('run-result');
  }

  heldBanner(): Locator {
    return this.page.getByTestId('held-banner');
  }

  /** Waits for the outcome banner of the run just started; resolves to its status and counts. */
  async waitForResult(timeout = 60000) {
    const result = this.result();
    await result.waitFor({ timeout });
    return {
      status: await result.getAttribute('data-status'),
      counts: await this.page.getByTestId('run-result-counts').innerText(),
    };
  }
}
