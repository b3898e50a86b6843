import path from 'node:path';
import type { Page } from 'playwright-core';

/** Strapi's own Media Library dialog, opened from the CSV connection's "Choose in the Media Library". */
export class MediaLibraryDialog {
  constructor(private readonly page: Page) {}

  async open() {
    await this.page
      .getByRole('button', { name: /Choose (in the Media Library|another file)/ })
      .click();
    await this.page.getByRole('dialog').getByText('Add new assets').first().waitFor();
  }

  /** Uploads a file from the computer, then picks it and finishes; waits for the field to name it. */
  async uploadAndPick(file: string, onUploadStep?: () => Promise<unknown>) {
    await this.open();
    const dialog = this.page.getByRole('dialog');
    await dialog
      .getByRole('button', { name: /Add (new|more) assets/ })
      .first()
      .click();
    await dialog.locator('input[type=file]').setInputFiles(file);
    const upload = dialog.getByRole('button', { name: /Upload .*asset/i });
    await upload.waitFor();
    await onUploadStep?.();
    await upload.click();
    const name = path.basename(file);
    const card = dialog.locator('article', { hasText: name.replace(/\.[^.]+$/, '') }).first();
    await card.waitFor({ timeout: 30000 });
    await card.getByRole('checkbox').check();
    await dialog.getByRole('button', { name: 'Finish' }).click();
    await this.page.getByTestId('media-name').getByText(name).waitFor();
  }
}
