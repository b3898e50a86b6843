import type { Page } from 'playwright-core';

/** The admin login form. */
export class LoginPage {
  constructor(
    private readonly page: Page,
    private readonly base: string
  ) {}

  /** Logs in and waits for the home page. */
  async logIn(credentials: { email: string; password: string }) {
    await this.page.goto(`${this.base}/admin/auth/login`);
    await this.page.fill('input[name=email]', credentials.email);
    await this.page.fill('input[name=password]', credentials.password);
    await this.page.click('button[type=submit]');
    await this.page.waitForURL(/\/admin(\/)?$/);
    await this.dismissBanner();
  }

  /** Closes Strapi's "new Media Library" announcement, if shown, for clean screenshots. */
  async dismissBanner() {
    const banner = this.page.locator('div', {
      has: this.page.getByText('Introducing the new Media Library'),
    });
    const close = banner.getByRole('button', { name: 'Close' }).last();
    const shown = await close.waitFor({ timeout: 5000 }).then(
      () => true,
      () => false
    );
    if (shown) await close.click();
  }
}
