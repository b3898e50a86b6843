import type { Locator, Page } from 'playwright-core';

/** The role map of the User groups tab: ordered `group -> role` and `pattern -> role` rules. */
export class RoleMapPanel {
  constructor(private readonly page: Page) {}

  rows(): Locator {
    return this.page.getByTestId('group-roles-row');
  }

  /** The add buttons under the rules (the end of the panel). */
  addButtons(): Locator {
    return this.page.getByRole('button', { name: 'Add a group → role row', exact: true });
  }

  /** Adds a `directory group -> role` rule at the end of the map. */
  async addGroupRule(group: string, role: string) {
    await this.addButtons().click();
    const row = this.rows().last();
    await this.pick(row, 'Directory group', group);
    await this.pick(row, 'Role', role);
  }

  /** Adds a `group name pattern -> role` rule at the end of the map. */
  async addPatternRule(pattern: string, role: string) {
    await this.page
      .getByRole('button', { name: 'Add a name pattern → role row', exact: true })
      .click();
    const row = this.rows().last();
    await row.getByRole('textbox', { name: /Group name pattern/ }).fill(pattern);
    await this.pick(row, 'Role', role);
  }

  private async pick(row: Locator, label: string, option: string) {
    await row.getByRole('combobox', { name: label }).click();
    await this.page.getByRole('option', { name: option, exact: true }).click();
  }
}
