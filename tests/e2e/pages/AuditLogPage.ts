import fs from 'node:fs';
import type { Locator } from 'playwright-core';
import { Form } from './Form';

/** Settings > User Directory Sync > Audit log. */
export class AuditLogPage extends Form {
  constructor(
    page: Form['page'],
    private readonly base: string
  ) {
    super(page);
  }

  async open() {
    await this.page.goto(`${this.base}/admin/settings/user-directory-sync-audit`);
    await this.page.getByTestId('audit-log').waitFor();
  }

  rows(): Locator {
    return this.page.getByTestId('audit-row');
  }

  total(): Locator {
    return this.page.getByTestId('audit-total');
  }

  /** Export CSV: resolves to the downloaded file's text. */
  async exportCsv(): Promise<string> {
    const download = this.page.waitForEvent('download');
    await this.press('Export CSV');
    const file = await (await download).path();
    return fs.readFileSync(file, 'utf8');
  }

  /** Filters on a user or group name; waits until every row shown is about it. */
  async filterSubject(subject: string) {
    await this.fill('audit-subject', subject);
    for (let i = 0; i < 100; i += 1) {
      const subjects = await this.rows().evaluateAll((rows) =>
        rows.map((row) => row.getAttribute('data-subject') ?? '')
      );
      if (subjects.length > 0 && subjects.every((name) => name.includes(subject))) return;
      await this.page.waitForTimeout(200);
    }
    throw new Error(`the audit log did not filter to '${subject}'`);
  }
}
