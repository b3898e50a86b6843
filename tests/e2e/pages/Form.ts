import type { Page } from 'playwright-core';

/** Fills the plugin's design-system fields by their `name`. */
export class Form {
  constructor(protected readonly page: Page) {}

  /** A text input, password or textarea. */
  async fill(name: string, value: string) {
    await this.page.locator(`input[name="${name}"], textarea[name="${name}"]`).first().fill(value);
  }

  /** A single select, by its label and the option's text. */
  async choose(label: string, option: string) {
    await this.page.getByRole('combobox', { name: label }).click();
    await this.page.getByRole('option', { name: option, exact: true }).click();
  }

  /** Save: clicks it and resolves to the HTTP status of the directory update it sent. */
  async save(): Promise<number> {
    const response = this.page.waitForResponse(
      (res) =>
        /\/user-directory-sync\/directories\/\d+$/.test(new URL(res.url()).pathname) &&
        res.request().method() === 'PUT'
    );
    await this.press('Save');
    return (await response).status();
  }

  /** Clicks a button by its text (the first one, when a tab has several panels with one each). */
  async press(name: string) {
    await this.page.getByRole('button', { name, exact: true }).first().click();
  }
}
