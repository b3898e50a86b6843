import type { Locator, Page } from 'playwright-core';

/** Settings > User Directory Sync > Configuration: the list of directories. */
export class ConfigurationPage {
  constructor(
    private readonly page: Page,
    private readonly base: string
  ) {}

  async open() {
    await this.page.goto(`${this.base}/admin/settings/user-directory-sync`);
    await this.page.getByRole('heading', { name: 'User Directory Sync' }).first().waitFor();
  }

  /** The plugin version badge. */
  version(): Locator {
    return this.page.getByTestId('plugin-version');
  }

  /** The row of a directory. */
  row(name: string): Locator {
    return this.page.locator(`[data-testid="directory-row"][data-name="${name}"]`);
  }

  /** Add directory: opens the new directory form. */
  async addDirectory() {
    await this.page.getByRole('link', { name: 'Add directory' }).first().click();
    await this.page.waitForURL(/\/directories\/new$/);
  }

  /** Opens a directory's page from its row. */
  async openDirectory(name: string) {
    await this.row(name).getByRole('link', { name }).click();
    await this.page.waitForURL(/\/directories\/\d+/);
  }

  /** Deletes a directory, through its confirmation dialog; returns the dialog's text. */
  async deleteDirectory(name: string) {
    await this.row(name)
      .getByRole('button', { name: `Delete ${name}` })
      .click();
    const dialog = this.page.getByRole('alertdialog');
    const text = await dialog.innerText();
    await dialog.getByRole('button', { name: 'Confirm' }).click();
    await this.row(name).waitFor({ state: 'detached' });
    return text;
  }
}
