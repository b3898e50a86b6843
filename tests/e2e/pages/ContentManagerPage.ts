import type { Page } from 'playwright-core';

const USERS = 'plugin::users-permissions.user';

/** The Content Manager's list of users-permissions users. */
export class ContentManagerPage {
  constructor(
    private readonly page: Page,
    private readonly base: string
  ) {}

  /** Opens the users list, optionally with the Content Manager's blocked filter. */
  async openUsers(options: { blocked?: boolean } = {}) {
    const query = new URLSearchParams({ page: '1', pageSize: '50', sort: 'username:ASC' });
    if (options.blocked !== undefined)
      query.set('filters[$and][0][blocked][$eq]', String(options.blocked));
    // The list restores the last filters it was left with unless the URL names its own.
    await this.page.evaluate(
      "Object.keys(localStorage).filter((key) => key.startsWith('STRAPI_LIST_VIEW_SETTINGS')).forEach((key) => localStorage.removeItem(key))"
    );
    await this.page.goto(
      `${this.base}/admin/content-manager/collection-types/${USERS}?${query.toString()}`
    );
    await this.page.locator('table tbody tr').first().waitFor();
  }

  /** The texts of the list's rows. */
  rows() {
    return this.page.locator('table tbody tr').allInnerTexts();
  }

  /** Opens a user's edit view from the list by clicking its row. */
  async openUser(email: string) {
    await this.page.locator('table tbody tr', { hasText: email }).first().click();
    await this.page.waitForURL(/collection-types\/plugin::users-permissions\.user\/[a-z0-9]+/);
  }

  /** The panel the plugin adds to a user's edit view (the directory that owns the user). */
  owner() {
    return this.page.getByTestId('directory-owner');
  }
}
